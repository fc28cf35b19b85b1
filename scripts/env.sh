# Source this to build with plain `swift build` / `swift test`: SwiftPM finds OpenVINO's generated
# pkg-config file (.deps/pkgconfig/inferd-openvino.pc) through PKG_CONFIG_PATH.
_inferd_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
case ":${PKG_CONFIG_PATH:-}:" in
  *":$_inferd_root/.deps/pkgconfig:"*) ;;
  *) export PKG_CONFIG_PATH="$_inferd_root/.deps/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}" ;;
esac
export INFERD_PYTHONPATH="$_inferd_root/.deps/python"
export INFERD_TEST_PYTHONPATH="$_inferd_root/.deps/python-tests"
export INFERD_KSERVE_PYTHONPATH="$_inferd_root/.deps/python-kserve"
export INFERD_MLSERVER_PYTHONPATH="$_inferd_root/.deps/python-mlserver"
unset _inferd_root
