#!/usr/bin/env bash
# Installs inferd (binaries, the OpenVINO libraries the CPU path loads, systemd units, sysusers.d and
# tmpfiles.d snippets, default config, docs) and records every file in a manifest, so that
# uninstall removes exactly what install put there.
#
#   scripts/install.sh install   [PREFIX=/usr/local] [DESTDIR=] [BUILD_DIR=]
#   scripts/install.sh uninstall [PREFIX=/usr/local] [DESTDIR=]
#
# PREFIX     install prefix (default /usr/local); binaries in PREFIX/bin, libraries in
#            PREFIX/lib/inferd (the binaries' RUNPATH is $ORIGIN/../lib/inferd), units in
#            PREFIX/lib/systemd/{system,user}, snippets in PREFIX/lib/{sysusers.d,tmpfiles.d}.
# DESTDIR    staging root prepended to every path (packaging, tests).
# SYSCONFDIR where the config goes (default /etc): SYSCONFDIR/inferd/inferd.toml, never overwritten.
# BUILD_DIR  a directory holding already built `inferd` and `inferctl` (tests pass the debug build);
#            unset: `swift build -c release --static-swift-stdlib` builds them.
# INSTALL_FOR_PACKAGE=1  stage for scripts/deb.sh: no manifest (dpkg keeps its own), no instructions.
#
# Besides the binaries it installs man pages (inferd(1), inferctl(1), one per subcommand) and bash,
# zsh and fish completions, generated from the binaries themselves.
#
# The manifest is PREFIX/share/inferd/install-manifest: one line per file, "sha256  path" (paths
# without DESTDIR). Uninstall removes each listed file — the config only while it is unchanged —
# then the directories install created that are empty, then the manifest.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PREFIX="${PREFIX:-/usr/local}"
DESTDIR="${DESTDIR:-}"
SYSCONFDIR="${SYSCONFDIR:-/etc}"
BUILD_DIR="${BUILD_DIR:-}"
OPENVINO_LIBS="$ROOT/.deps/openvino/openvino/libs"
MANIFEST="$PREFIX/share/inferd/install-manifest"

# What the CPU path loads (seen in /proc/PID/maps and strace while classifying): the runtime, its C
# API, the CPU plugin and the auto-batch plugin (compile_model consults it), TBB and hwloc, plus the
# ONNX, IR and TFLite frontends (the three formats a model bundle may hold). Not installed: the GPU,
# NPU, AUTO and HETERO plugins, the PyTorch/TensorFlow/Paddle/JAX/GGUF frontends, tbbmalloc_proxy,
# and cache.json (the GPU plugin's kernel-tuning cache; the CPU path only stat()s it).
OPENVINO_FILES=(
  'libopenvino.so.*' 'libopenvino_c.so.*' libopenvino_intel_cpu_plugin.so libopenvino_auto_batch_plugin.so
  'libopenvino_onnx_frontend.so.*' 'libopenvino_ir_frontend.so.*' 'libopenvino_tensorflow_lite_frontend.so.*'
  libtbb.so.12 'libtbbbind_2_5.so.*' 'libtbbmalloc.so.*' 'libhwloc.so.*'
)

log() { printf '[install] %s\n' "$*" >&2; }
die() { printf '[install] error: %s\n' "$*" >&2; exit 1; }

declare -a RECORDED=()
declare -a CREATED_DIRS=()

# mkdir -p that remembers which directories it created (uninstall removes them when empty).
make_dir() {
  local dir="$1" missing=() d="$DESTDIR$1"
  while [ ! -d "$d" ]; do missing+=("$d"); d="$(dirname "$d")"; done
  mkdir -p "$DESTDIR$dir"
  local m
  for m in "${missing[@]}"; do
    # DESTDIR itself is the caller's, never ours to remove.
    if [ -n "${m#"$DESTDIR"}" ]; then CREATED_DIRS+=("${m#"$DESTDIR"}"); fi
  done
}

# put MODE SOURCE TARGET: installs a file and records it.
put() {
  local mode="$1" source="$2" target="$3"
  make_dir "$(dirname "$target")"
  install -m "$mode" "$source" "$DESTDIR$target"
  RECORDED+=("$target")
}

# put_template MODE SOURCE TARGET: like put, with @PREFIX@ and @SYSCONFDIR@ replaced.
put_template() {
  local mode="$1" source="$2" target="$3" tmp
  tmp="$(mktemp)"
  sed -e "s|@PREFIX@|$PREFIX|g" -e "s|@SYSCONFDIR@|$SYSCONFDIR|g" "$source" > "$tmp"
  put "$mode" "$tmp" "$target"
  rm -f "$tmp"
}

build_release() {
  log "building release binaries (swift build -c release --static-swift-stdlib)"
  # shellcheck source=scripts/env.sh
  source "$ROOT/scripts/env.sh"
  (cd "$ROOT" && swift build -c release --static-swift-stdlib --product inferd >&2 \
     && swift build -c release --static-swift-stdlib --product inferctl >&2)
  BUILD_DIR="$(cd "$ROOT" && swift build -c release --static-swift-stdlib --show-bin-path)"
}

# The installed binaries find libraries only in PREFIX/lib/inferd: the build tree's rpath to
# .deps is dropped. A build that links the Swift runtime dynamically (a debug build) keeps the
# toolchain's runtime directory, and install says so.
fix_runpath() {
  local binary="$1" runpath='$ORIGIN/../lib/inferd' swiftlib
  if readelf -d "$binary" | grep -q 'NEEDED.*libswiftCore.so'; then
    swiftlib="$(readelf -d "$binary" | sed -n 's/.*RUNPATH.*\[\(.*\)\]/\1/p' | tr ':' '\n' | grep '/swift/linux$' | head -1 || true)"
    [ -n "$swiftlib" ] && runpath="$runpath:$swiftlib"
    log "note: $(basename "$binary") links the Swift runtime dynamically (not a --static-swift-stdlib build); it needs ${swiftlib:-the Swift runtime}"
  fi
  patchelf --set-rpath "$runpath" "$binary"
}

do_install() {
  command -v patchelf >/dev/null || die "patchelf is needed (apt-get install patchelf, or make setup)"
  [ -d "$OPENVINO_LIBS" ] || die "no OpenVINO runtime in $OPENVINO_LIBS; run make setup"
  [ -n "$BUILD_DIR" ] || build_release
  local binary
  for binary in inferd inferctl; do
    [ -x "$BUILD_DIR/$binary" ] || die "no $binary in $BUILD_DIR"
  done
  if [ -f "$DESTDIR$MANIFEST" ]; then
    log "an earlier install's manifest exists; installing over it (files it lists stay listed)"
    mapfile -t RECORDED < <(awk '{print $2}' "$DESTDIR$MANIFEST")
  fi

  for binary in inferd inferctl; do
    put 0755 "$BUILD_DIR/$binary" "$PREFIX/bin/$binary"
    fix_runpath "$DESTDIR$PREFIX/bin/$binary"
  done

  local pattern file found
  for pattern in "${OPENVINO_FILES[@]}"; do
    found=0
    for file in "$OPENVINO_LIBS"/$pattern; do
      [ -f "$file" ] || continue
      put 0644 "$file" "$PREFIX/lib/inferd/$(basename "$file")"
      found=1
    done
    [ "$found" = 1 ] || die "OpenVINO file $pattern not found in $OPENVINO_LIBS"
  done

  put_template 0644 "$ROOT/systemd/inferd.service.in" "$PREFIX/lib/systemd/system/inferd.service"
  put_template 0644 "$ROOT/systemd/inferd.socket.in" "$PREFIX/lib/systemd/system/inferd.socket"
  put_template 0644 "$ROOT/systemd/user/inferd.service.in" "$PREFIX/lib/systemd/user/inferd.service"
  put_template 0644 "$ROOT/systemd/user/inferd.socket.in" "$PREFIX/lib/systemd/user/inferd.socket"
  put 0644 "$ROOT/systemd/inferd.sysusers" "$PREFIX/lib/sysusers.d/inferd.conf"
  put 0644 "$ROOT/systemd/inferd.tmpfiles" "$PREFIX/lib/tmpfiles.d/inferd.conf"
  put 0644 "$ROOT/docs/SYSTEMD.md" "$PREFIX/share/doc/inferd/SYSTEMD.md"
  install_manuals_and_completions

  local config="$SYSCONFDIR/inferd/inferd.toml"
  if [ -e "$DESTDIR$config" ]; then
    log "kept the existing $DESTDIR$config (the default is $ROOT/systemd/inferd.toml)"
  else
    put 0644 "$ROOT/systemd/inferd.toml" "$config"
  fi

  # A package (scripts/deb.sh) is tracked by dpkg: no manifest, no instructions.
  if [ "${INSTALL_FOR_PACKAGE:-}" = 1 ]; then
    log "staged ${#RECORDED[@]} files under $DESTDIR for a package"
    return
  fi
  write_manifest
  log "installed $(grep -vc "^dir " "$DESTDIR$MANIFEST") files under ${DESTDIR:-/} (manifest $DESTDIR$MANIFEST)"
  cat <<EOF

To run inferd as a system service (as root):
  systemd-sysusers $PREFIX/lib/sysusers.d/inferd.conf     # user and group inferd, group inferd-admin
  systemd-tmpfiles --create $PREFIX/lib/tmpfiles.d/inferd.conf
  cp -r models/* /var/lib/inferd/models/ && chown -R inferd:inferd /var/lib/inferd/models   # or: make install-models
  systemctl daemon-reload
  systemctl enable --now inferd.socket                     # the first client starts inferd.service
  usermod -aG inferd,inferd-admin \$USER                   # classify (inferd) and manage (inferd-admin)
  inferctl status
Per user instead:  systemctl --user daemon-reload && systemctl --user enable --now inferd.socket
EOF
}

# swift-argument-parser's generate-manual tool (a product of the package's dependency), built once.
manual_generator() {
  # shellcheck source=scripts/env.sh
  source "$ROOT/scripts/env.sh"
  (cd "$ROOT" && swift build --product generate-manual >&2)
  printf '%s/generate-manual\n' "$(cd "$ROOT" && swift build --show-bin-path)"
}

# Man pages (inferd(1), inferctl(1) and one page per inferctl subcommand, gzipped) and bash, zsh and
# fish completions, all generated from the binaries being installed so they always match their --help.
install_manuals_and_completions() {
  local generator work page binary date zsh_dir
  generator="$(manual_generator)"
  work="$(mktemp -d)"
  # The commit's date, not today's: the same tree gives byte-identical pages (reproducible packages).
  date="$(git -C "$ROOT" log -1 --format=%cs 2>/dev/null || date -u +%F)"
  "$generator" "$BUILD_DIR/inferctl" --multi-page --date "$date" --output-directory "$work" >&2
  "$generator" "$BUILD_DIR/inferd" --date "$date" --output-directory "$work" >&2
  rm -f "$work/inferctl.help.1"  # `inferctl help` is --help; its page says nothing of its own
  local name command
  for page in "$work"/*.1; do
    # Subcommand pages are named the way man-db looks them up for `man inferctl classify` (and git
    # names its own): inferctl-classify(1), whose NAME is one word so whatis/lexgrog can index it;
    # the synopsis still shows the command as typed. Blank lines become paragraph macros (groff warns).
    name="$(basename "$page" .1 | tr . -)"
    command="$(sed -n 's/^\.Nm "\(.*\)"$/\1/p' "$page" | head -1)"
    [ -n "$command" ] || command="$name"
    sed -i -e "s/^\.Dt [A-Z.-]* /.Dt $(printf '%s' "$name" | tr '[:lower:]' '[:upper:]') /" \
      -e "0,/^\.Nm \"$command\"\$/s//.Nm $name/" -e "s/^\.Nm\$/.Nm $command/" -e 's/^$/.Pp/' \
      -e '/^\.Xr inferctl\.help /d' -e '/^\.Xr inferctl\./{s/\./-/g;s/^-Xr/.Xr/}' "$page"
    gzip -9n -c "$page" > "$work/$name.1.gz"
    put 0644 "$work/$name.1.gz" "$PREFIX/share/man/man1/$name.1.gz"
  done
  # Debian's zsh reads packaged completions from vendor-completions, local ones from site-functions.
  zsh_dir="$PREFIX/share/zsh/site-functions"
  [ "$PREFIX" = /usr ] && zsh_dir="/usr/share/zsh/vendor-completions"
  for binary in inferd inferctl; do
    # A completion file is sourced, not run: no #! line (lintian: bash-completion-with-hashbang).
    "$BUILD_DIR/$binary" --generate-completion-script bash | sed '1{/^#!/d}' > "$work/$binary.bash"
    "$BUILD_DIR/$binary" --generate-completion-script zsh > "$work/_$binary"
    "$BUILD_DIR/$binary" --generate-completion-script fish > "$work/$binary.fish"
    put 0644 "$work/$binary.bash" "$PREFIX/share/bash-completion/completions/$binary"
    put 0644 "$work/_$binary" "$zsh_dir/_$binary"
    put 0644 "$work/$binary.fish" "$PREFIX/share/fish/vendor_completions.d/$binary.fish"
  done
  rm -rf "$work"
}

# Manifest lines: "sha256  path"; then "dir  path" for each directory install created.
write_manifest() {
  make_dir "$(dirname "$MANIFEST")"
  local tmp path
  tmp="$(mktemp)"
  for path in $(printf '%s\n' "${RECORDED[@]}" | sort -u); do
    [ "$path" = "$MANIFEST" ] && continue
    [ -f "$DESTDIR$path" ] || continue
    printf '%s  %s\n' "$(sha256sum < "$DESTDIR$path" | cut -d' ' -f1)" "$path" >> "$tmp"
  done
  if [ -f "$DESTDIR$MANIFEST" ]; then grep '^dir ' "$DESTDIR$MANIFEST" >> "$tmp" || true; fi
  for path in "${CREATED_DIRS[@]}"; do printf 'dir  %s\n' "$path" >> "$tmp"; done
  install -m 0644 "$tmp" "$DESTDIR$MANIFEST"
  rm -f "$tmp"
}

do_uninstall() {
  [ -f "$DESTDIR$MANIFEST" ] || die "no manifest at $DESTDIR$MANIFEST: nothing installed there (PREFIX/DESTDIR as for install?)"
  local sum path removed=0 kept=0 config="$SYSCONFDIR/inferd/inferd.toml"
  local -a dirs=()
  while read -r sum path; do
    if [ "$sum" = dir ]; then dirs+=("$path"); continue; fi
    [ -e "$DESTDIR$path" ] || continue
    if [ "$path" = "$config" ] && [ "$(sha256sum < "$DESTDIR$path" | cut -d' ' -f1)" != "$sum" ]; then
      log "kept $DESTDIR$path: it was edited after install"
      kept=$((kept + 1))
      continue
    fi
    rm -f "$DESTDIR$path"
    removed=$((removed + 1))
  done < "$DESTDIR$MANIFEST"
  rm -f "$DESTDIR$MANIFEST"
  # The directories install created, deepest first, where empty now.
  local dir
  while read -r dir; do
    [ -n "$dir" ] && rmdir "$DESTDIR$dir" 2>/dev/null || true
  done < <(printf '%s\n' "${dirs[@]}" | awk '{print length, $0}' | sort -rn | cut -d' ' -f2-)
  log "removed $removed files from ${DESTDIR:-/}$([ "$kept" = 0 ] || echo "; kept $kept edited")"
}

case "${1:-}" in
  install) do_install ;;
  uninstall) do_uninstall ;;
  *) die "usage: $0 install|uninstall (PREFIX, DESTDIR, SYSCONFDIR, BUILD_DIR from the environment)" ;;
esac
