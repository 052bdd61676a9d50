#!/usr/bin/env bash
# Installs the Debian packages redis-ops needs (only the missing ones) and builds it.
# usage: scripts/bootstrap.sh [BUILD_DIR] [extra cmake args…]
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(g++ cmake make pkg-config libhiredis-dev libcli11-dev libfmt-dev doctest-dev
          nlohmann-json3-dev libssl-dev libyaml-cpp-dev redis-server redis-tools python3 python3-redis openssl
          clang-14 libclang-rt-14-dev clang-format clang-tidy
          groff-base zsh fish time
          chromium prometheus)  # the HTML report's browser test; promtool checks --format prometheus
# Node.js and npm run the browser test (playwright-core, pinned to a release that supports
# Debian's Node 18). A machine that already has npm (another Node.js) keeps it.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "bootstrap: installing ${missing[*]}" >&2
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Valkey 8, the second supported server, comes from Debian's bookworm-backports suite: add its
# apt source when no source names that suite, then install from it.
backports=(valkey-server valkey-tools)
missing=()
for p in "${backports[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if ! grep -Rqs '^[^#]*bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    echo "bootstrap: adding the bookworm-backports apt source" >&2
    printf '%s\n' 'Types: deb' 'URIs: http://deb.debian.org/debian' 'Suites: bookworm-backports' \
      'Components: main' 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' |
      $sudo tee /etc/apt/sources.list.d/bookworm-backports.sources >/dev/null
  fi
  echo "bootstrap: installing ${missing[*]} from bookworm-backports" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    -t bookworm-backports "${missing[@]}" >/dev/null
fi

# playwright-core for tests/browser (it drives Debian's chromium; it never downloads a browser).
if command -v npm >/dev/null 2>&1; then
  if [ ! -d tests/browser/node_modules/playwright-core ] ||
     [ tests/browser/package-lock.json -nt tests/browser/node_modules/.package-lock.json ]; then
    echo "bootstrap: npm ci in tests/browser" >&2
    npm ci --prefix tests/browser --no-audit --no-fund >/dev/null
  fi
else
  echo "bootstrap: npm did not install: the browser test (ctest -L browser) cannot run" >&2
fi

build=${1:-build}
shift || true
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build "$build" -j"$(nproc)"
