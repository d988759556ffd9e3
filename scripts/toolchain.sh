# Sourced by scripts/serve and scripts/test: installs what the build needs,
# from the package registries only, and skips what is already there.
# shellcheck shell=bash

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CARGO_LEPTOS_VERSION="0.3.10"
# The wasm-bindgen CLI must equal the wasm-bindgen crate in Cargo.lock.
WASM_BINDGEN_VERSION="$(grep -A1 '^name = "wasm-bindgen"$' "$REPO_ROOT/Cargo.lock" | sed -n 's/^version = "\(.*\)"$/\1/p')"
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "need root for: $*" >&2; return 1; fi
}

# cargo install builds its tools with their release profile; LTO on 2 cores
# takes many minutes and buys nothing for a build tool.
quick_install() {
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 cargo install "$@"
}

ensure_build_tools() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  if [ "$(cargo leptos --version 2>/dev/null)" != "cargo-leptos $CARGO_LEPTOS_VERSION" ]; then
    say "installing cargo-leptos $CARGO_LEPTOS_VERSION (once; takes a few minutes)"
    quick_install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
  fi
  if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
    say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (once)"
    # Not --locked: its lock file names a crate version the registry lacks.
    quick_install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
  fi
}

ensure_chromium() {
  if [ ! -x /usr/bin/chromium ]; then
    say "installing Debian's chromium for the browser tests"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
}

# The SAML interop tests check the SP's signatures against an independent
# XML-DSig implementation: Debian's xmlsec1 (OpenSSL), run as a subprocess.
ensure_xmlsec1() {
  if ! command -v xmlsec1 >/dev/null 2>&1; then
    say "installing Debian's xmlsec1 for the SAML interop tests"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq xmlsec1 >/dev/null
  fi
}

ensure_node_modules() {
  local dir="$REPO_ROOT/end2end"
  # npm ci rewrites node_modules/.package-lock.json: newer than the lock file means up to date.
  if [ ! "$dir/node_modules/.package-lock.json" -nt "$dir/package-lock.json" ]; then
    say "installing the end-to-end test packages (npm ci)"
    (cd "$dir" && npm ci --no-audit --no-fund)
  fi
}

# wasm-opt for release builds (cargo-leptos would download it, which cannot
# work offline): Binaryen's npm package, installed under target/tools.
BINARYEN_VERSION="123.0.0"
ensure_wasm_opt() {
  local tools
  tools="$(target_dir)/tools"
  export PATH="$tools/node_modules/.bin:$PATH"
  if ! grep -qs "\"version\": \"$BINARYEN_VERSION\"" "$tools/node_modules/binaryen/package.json"; then
    say "installing wasm-opt (npm package binaryen $BINARYEN_VERSION) for release builds"
    mkdir -p "$tools"
    npm install --prefix "$tools" --no-save --no-audit --no-fund "binaryen@$BINARYEN_VERSION" >/dev/null
  fi
}

# Where cargo puts binaries (CI may point CARGO_TARGET_DIR outside the clone).
target_dir() {
  echo "${CARGO_TARGET_DIR:-$REPO_ROOT/target}"
}
