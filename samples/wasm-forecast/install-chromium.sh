#!/usr/bin/env bash
# Installs the headless browser that WasmPageTest runs the page in: Debian's chromium package.
# Called by .ci/run before `mvn -B verify`; does nothing when a Chromium is already on the PATH.
# Needs root (or sudo) and Debian's package archive; takes about a minute the first time.
set -euo pipefail
for browser in chromium chromium-browser google-chrome google-chrome-stable; do
    if command -v "$browser" >/dev/null 2>&1; then
        echo "wasm-forecast: using $(command -v "$browser")"
        exit 0
    fi
done
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq chromium >/dev/null
echo "wasm-forecast: installed $(chromium --version 2>/dev/null | head -n 1)"
