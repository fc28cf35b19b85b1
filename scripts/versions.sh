# Pinned versions, sourced by scripts/setup.sh and the Makefile. Change the version here only.
OPENVINO_VERSION=2026.4.1
