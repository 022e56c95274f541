#!/usr/bin/env bash
# Idempotent setup of a fresh Debian machine for building and testing Egret.
#   - system packages: gcc and make (the generated C is built in the tests), libonnx-testdata (the
#     ONNX backend conformance suite), python3-onnx (to build and inspect models), the Cortex-M
#     toolchain and emulator (gcc-arm-none-eabi, libnewlib-arm-none-eabi, qemu-system-arm) and the
#     RISC-V ones for the K210's CPU part (gcc-riscv64-linux-gnu with libc6-dev-riscv64-cross, qemu-user)
#     and its bare-metal KPU driver build (gcc-riscv64-unknown-elf, picolibc-riscv64-unknown-elf), and
#     chromium (the HTML report's test opens the page headless); apt-get update runs
#     only when one of them is missing;
#   - npm dependencies (`npm ci`: exactly the lockfile, which it leaves untouched), skipped when
#     node_modules is already newer than package.json and the lockfile;
#   - `npm run build`.
# Runs as root, or through passwordless sudo; needs no standard input (CI=true is fine).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf 'setup: %s\n' "$*"; }

APT_PACKAGES=(gcc make libonnx-testdata python3-onnx
  gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm
  gcc-riscv64-linux-gnu libc6-dev-riscv64-cross qemu-user
  gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf chromium)

is_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo -n "$@"
  else
    say "need root or sudo to run: $*" >&2
    exit 1
  fi
}

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  is_installed "$pkg" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
else
  say "Debian packages already installed: ${APT_PACKAGES[*]}"
fi

# `npm ci` installs exactly the committed lockfile and never rewrites it, so a fresh clone stays
# clean (`npm install` rewrote it here: the registry serves metadata for other platforms' optional
# packages that the committed lockfile did not list). ONNXRUNTIME_NODE_INSTALL=skip stops
# onnxruntime-node's install script from downloading GPU binaries, which fails offline; the CPU
# binaries ship inside its npm package, which is all the test oracle needs. (An .npmrc key would
# do the same but makes every npm and npx call warn "Unknown project config".)
installed_marker=node_modules/.package-lock.json
if [ -f "$installed_marker" ] && [ "$installed_marker" -nt package.json ] && [ "$installed_marker" -nt package-lock.json ]; then
  say "node_modules is up to date with package.json and the lockfile; not reinstalling"
else
  say "npm ci"
  ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund </dev/null
fi

say "npm run build"
npm run build </dev/null
say "done"
