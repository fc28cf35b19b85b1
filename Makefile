# inferd — the two commands a new machine needs are `make demo` and `make test`.
# Both run scripts/setup.sh first (idempotent: quick when everything is in place).
SHELL := /bin/bash
ROOT := $(abspath .)
export PKG_CONFIG_PATH := $(ROOT)/.deps/pkgconfig$(if $(PKG_CONFIG_PATH),:$(PKG_CONFIG_PATH))
PREFIX ?= /usr/local
DESTDIR ?=
SYSCONFDIR ?= /etc
BUILD_DIR ?=
SWIFT_FLAGS ?=

.PHONY: setup build release demo test test-sanitize fuzz clean install uninstall install-models deb

setup:
	@scripts/setup.sh

build: setup
	swift build $(SWIFT_FLAGS)

release: setup
	swift build -c release $(SWIFT_FLAGS)

## The main job: a running daemon classifying the sample photos, cold then warm.
demo: setup
	@scripts/demo.sh

## The test suite (unit + integration against the real daemon binary, real models and photos).
test: setup
	@scripts/test.sh

## The unit and integration tests under ThreadSanitizer (and AddressSanitizer: SANITIZERS="thread address"),
## each in its own build directory (.build-tsan, .build-asan). See docs/SECURITY.md for what they found.
test-sanitize: setup
	@scripts/test-sanitize.sh

## Coverage-guided fuzzing (libFuzzer, -sanitize=fuzzer,address) of the image decoders, HTTP request
## handling, OIP JSON/binary parsing, TOML configuration and trace readers; FUZZ_SECONDS per target (60).
fuzz: setup
	@scripts/fuzz.sh

## Release binaries (static Swift runtime), the OpenVINO libraries the CPU path loads, systemd units,
## sysusers/tmpfiles snippets, the default config (/etc/inferd/inferd.toml, never overwritten) and docs,
## under $(DESTDIR)$(PREFIX); every file goes into $(PREFIX)/share/inferd/install-manifest.
## BUILD_DIR=<dir with inferd and inferctl> installs those instead of building (the tests use it).
install: setup
	@PREFIX="$(PREFIX)" DESTDIR="$(DESTDIR)" SYSCONFDIR="$(SYSCONFDIR)" BUILD_DIR="$(BUILD_DIR)" scripts/install.sh install

## Removes exactly what the manifest lists (the config only if unedited), then the empty directories.
uninstall:
	@PREFIX="$(PREFIX)" DESTDIR="$(DESTDIR)" SYSCONFDIR="$(SYSCONFDIR)" scripts/install.sh uninstall

## Copies the prepared model bundles to the system service's models directory (not in the manifest:
## models are data, and uninstall leaves them).
install-models: setup
	install -d -m 0755 "$(DESTDIR)/var/lib/inferd/models"
	cp -r models/*/ "$(DESTDIR)/var/lib/inferd/models/"
	@if id inferd >/dev/null 2>&1 && [ -z "$(DESTDIR)" ]; then chown -R inferd:inferd /var/lib/inferd/models; fi

clean:
	rm -rf .build .build-fuzz .build-tsan .build-asan

## A Debian package (out/inferd_VERSION_ARCH.deb): stripped release binaries, OpenVINO's CPU libraries,
## units, sysusers/tmpfiles, the default config as a conffile, man pages, completions, copyright.
## BUILD_DIR=<dir with inferd and inferctl> packages those instead of a release build.
deb: setup
	@OUT_DIR="$${OUT_DIR:-$(ROOT)/out}" BUILD_DIR="$(BUILD_DIR)" scripts/deb.sh
