#!/usr/bin/env bash
# What the browser tests need from Debian, installed in one place for `make test` and `.ci/run`:
# Chromium and ChromeDriver (driven by Playwright), a real font (DejaVu), Node.js and npm (axe-core).
# Uses sudo when not root. If it cannot install them, it stops at once with one line saying what to install.
set -euo pipefail

packages=()
command -v chromium >/dev/null 2>&1 || packages+=(chromium)
command -v chromedriver >/dev/null 2>&1 || packages+=(chromium-driver)
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || packages+=(fonts-dejavu-core)
[ "${#packages[@]}" -eq 0 ] && exit 0

need="make test needs these Debian packages: ${packages[*]} (install them with: sudo apt-get install ${packages[*]})"
if [ "$(id -u)" -eq 0 ]; then
  sudo_cmd=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo_cmd=(sudo)
else
  echo "$need" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "$need; this machine has no apt-get" >&2
  exit 1
fi
echo "Installing ${packages[*]} (Debian packages) for the browser tests"
if ! { "${sudo_cmd[@]}" apt-get update -qq && \
       "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}"; } >/tmp/kb-apt.log 2>&1; then
  echo "$need; apt-get failed (see /tmp/kb-apt.log)" >&2
  exit 1
fi
