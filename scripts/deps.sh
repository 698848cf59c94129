#!/usr/bin/env bash
# Installs the Debian 12 packages Stave needs to build and test, if any are
# missing. Sourced by scripts/quickstart and scripts/test; safe to rerun.
set -euo pipefail

STAVE_PACKAGES=(
  g++ meson ninja-build pkg-config
  antlr4 libantlr4-runtime-dev
  libyaml-cpp-dev libfmt-dev libcxxopts-dev catch2
  llvm-14-dev zlib1g-dev libtinfo-dev
  # sanitizer and libFuzzer builds in the test suite
  clang-14 libclang-rt-14-dev
  # test tooling: Python for the golden and CLI runners, Node.js for the
  # suites that use npm packages (a real CEL engine, an LSP client)
  python3 git
  # the completion scripts are syntax-checked with each shell (tests/cli)
  zsh fish
)

stave_install_deps() {
  local missing=()
  for pkg in "${STAVE_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  # The test scripts need PyYAML and jsonschema in whichever python3 is first
  # on PATH; Debian's packages serve the system python3.
  if ! python3 -c 'import yaml, jsonschema' 2>/dev/null; then
    missing+=(python3-yaml python3-jsonschema)
  fi
  # Node.js: any install will do (the CI image has its own); Debian's
  # otherwise.
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    missing+=(nodejs npm)
  fi
  if [ ${#missing[@]} -eq 0 ]; then
    return 0
  fi
  echo "installing: ${missing[*]}" >&2
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}
