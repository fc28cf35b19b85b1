#!/usr/bin/env bash
# Builds a Debian package of inferd: `make deb` (or scripts/deb.sh) writes out/inferd_VERSION_ARCH.deb.
#
#   scripts/deb.sh [OUT_DIR=out] [BUILD_DIR=]
#
# The package holds what `make install` puts under /usr (PREFIX=/usr, SYSCONFDIR=/etc): the stripped
# binaries, the OpenVINO libraries the CPU path loads (private, in /usr/lib/inferd), the systemd units,
# sysusers.d and tmpfiles.d snippets, the default configuration (a conffile), man pages, bash/zsh/fish
# completions and docs, plus the copyright file and changelog Debian policy asks for. Its maintainer
# scripts create the users and directories and, where systemd is PID 1, enable and start
# inferd.socket (the first client starts inferd.service); purge removes the state and cache.
# Depends: comes from dpkg-shlibdeps on the binaries and libraries.
#
# BUILD_DIR  already built `inferd` and `inferctl` (the tests pass their build); unset: a release
#            build with the Swift runtime linked statically, which is what a package must ship.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT_DIR="${OUT_DIR:-$ROOT/out}"
BUILD_DIR="${BUILD_DIR:-}"
# shellcheck source=scripts/versions.sh
source "$ROOT/scripts/versions.sh"
log() { printf '[deb] %s\n' "$*" >&2; }
die() { printf '[deb] error: %s\n' "$*" >&2; exit 1; }

command -v dpkg-deb >/dev/null || die "dpkg-deb is needed (apt-get install dpkg)"
command -v dpkg-shlibdeps >/dev/null || die "dpkg-shlibdeps is needed (apt-get install dpkg-dev)"

if [ -z "$BUILD_DIR" ]; then
  log "building release binaries (swift build -c release --static-swift-stdlib)"
  # shellcheck source=scripts/env.sh
  source "$ROOT/scripts/env.sh"
  (cd "$ROOT" && swift build -c release --static-swift-stdlib --product inferd >&2 \
     && swift build -c release --static-swift-stdlib --product inferctl >&2)
  BUILD_DIR="$(cd "$ROOT" && swift build -c release --static-swift-stdlib --show-bin-path)"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
stage="$work/inferd"

# One source of truth for the file list: the installer, staged.
PREFIX=/usr SYSCONFDIR=/etc DESTDIR="$stage" BUILD_DIR="$BUILD_DIR" INSTALL_FOR_PACKAGE=1 \
  "$ROOT/scripts/install.sh" install

version="$("$BUILD_DIR/inferd" --version | tr -d '[:space:]')"
[ -n "$version" ] || die "inferd --version printed nothing"
arch="$(dpkg --print-architecture)"
date_rfc2822="$(date -u -R -d "@$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || date +%s)")"

# Binaries and libraries without symbols (OpenVINO's come stripped; strip is a no-op for them).
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$stage/usr/bin/inferd" "$stage/usr/bin/inferctl"
find "$stage/usr/lib/inferd" -name '*.so*' -type f -exec strip --strip-unneeded {} +

# Docs Debian policy asks for: the copyright file (machine-readable) and a compressed changelog.
doc="$stage/usr/share/doc/inferd"
install -d "$doc"
cat > "$doc/copyright" <<EOF
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: inferd

Files: *
Copyright: 2026 The inferd authors
License: Apache-2.0

Files: usr/lib/inferd/libopenvino* usr/lib/inferd/libtbb* usr/lib/inferd/libhwloc*
Copyright: 2018-2026 Intel Corporation
 2005-2026 Intel Corporation (oneTBB)
 2009-2026 Inria, Université de Bordeaux, Cisco Systems and others (hwloc)
Comment: OpenVINO $OPENVINO_VERSION,
 its CPU plugin, frontends and runtime dependencies, from the openvino wheel on PyPI.
 hwloc is BSD-3-clause licensed; see https://github.com/open-mpi/hwloc.
License: Apache-2.0

License: Apache-2.0
 On Debian systems, the full text of the Apache License, Version 2.0 is in
 /usr/share/common-licenses/Apache-2.0.
EOF
{
  printf 'inferd (%s) unstable; urgency=medium\n\n' "$version"
  printf '  * Package built from commit %s.\n\n' "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  printf ' -- inferd maintainers <maintainers@inferd.invalid>  %s\n' "$date_rfc2822"
} | gzip -9n > "$doc/changelog.gz"
install -m 0644 "$ROOT/README.md" "$doc/README.md"

# The one lintian finding that stays, with its reason (docs/SYSTEMD.md, "The Debian package"):
# swift-nio-extras, which AsyncHTTPClient (the daemon's offload transport) depends on for its
# NIOHTTPCompression product, compiles its own copy of zlib (Chromium's 1.3.2.1-motley, every symbol
# prefixed cnioextras_z_) into the program; that package offers no way to build against the system's
# libz, and AsyncHTTPClient imports the product unconditionally. inferd never turns response
# decompression on, and links Debian's libz.so.1 dynamically for everything else (libpng).
install -d "$stage/usr/share/lintian/overrides"
cat > "$stage/usr/share/lintian/overrides/inferd" <<'OVERRIDES'
# swift-nio-extras (through AsyncHTTPClient, inferd's offload transport) compiles in its own zlib
# with prefixed symbols (cnioextras_z_*) and cannot be built against the system libz; inferd never
# enables response decompression. Debian's libz.so.1 is linked dynamically for everything else.
inferd: embedded-library zlib [usr/bin/inferd]
OVERRIDES
chmod 0644 "$stage/usr/share/lintian/overrides/inferd"

# Depends: from the ELF files (dpkg-shlibdeps wants a debian/control beside it).
mkdir -p "$work/src/debian"
printf 'Source: inferd\n\nPackage: inferd\nArchitecture: any\n' > "$work/src/debian/control"
depends="$(cd "$work/src" && dpkg-shlibdeps -O -l"$stage/usr/lib/inferd" --ignore-missing-info \
  "$stage/usr/bin/inferd" "$stage/usr/bin/inferctl" "$stage"/usr/lib/inferd/*.so* 2>/dev/null \
  | sed -n 's/^shlibs:Depends=//p')"
[ -n "$depends" ] || die "dpkg-shlibdeps found no dependencies"

install -d "$stage/DEBIAN"
installed_size="$(du -sk --exclude=DEBIAN "$stage" | cut -f1)"
cat > "$stage/DEBIAN/control" <<EOF
Package: inferd
Version: $version
Architecture: $arch
Maintainer: inferd maintainers <maintainers@inferd.invalid>
Installed-Size: $installed_size
Depends: $depends, systemd
Section: misc
Priority: optional
Description: on-device deep-inference daemon with a memory budget
 inferd keeps image-classification models warm in memory under a memory
 budget and evicts them under budget or kernel memory pressure (PSI), the
 way Android's low-memory killer kills a backgrounded app. inferctl talks to
 it over a Unix socket and reports cold-start versus warm latency, broken
 down per step. It serves the Open Inference Protocol (KServe v2) and can
 offload to a remote server. The OpenVINO CPU runtime is bundled.
EOF
echo /etc/inferd/inferd.toml > "$stage/DEBIAN/conffiles"
for script in postinst prerm postrm; do
  install -m 0755 "$ROOT/packaging/debian/$script" "$stage/DEBIAN/$script"
done
(cd "$stage" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) > "$stage/DEBIAN/md5sums"
chmod 0644 "$stage/DEBIAN/control" "$stage/DEBIAN/conffiles" "$stage/DEBIAN/md5sums"

mkdir -p "$OUT_DIR"
deb="$OUT_DIR/inferd_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zgzip -z9 --build "$stage" "$deb" >&2
log "wrote $deb ($(du -h "$deb" | cut -f1))"
printf '%s\n' "$deb"
