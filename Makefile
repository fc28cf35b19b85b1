# inferd — the two commands a new machine needs are `make demo` and `make test`.
# Both run scripts/setup.sh first (idempotent: quick when everything is in place).
SHELL := /bin/bash
ROOT := $(abspath .)
export PKG_CONFIG_PATH := $(ROOT)/.deps/pkgconfig$(if $(PKG_CONFIG_PATH),:$(PKG_CONFIG_PATH))
PREFIX ?= /usr/local
DESTDIR ?=
SWIFT_FLAGS ?=

.PHONY: setup build release demo test clean

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

clean:
	rm -rf .build
