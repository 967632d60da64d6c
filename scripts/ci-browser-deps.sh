#!/usr/bin/env bash
# What the browser tests (npm run test:browser) need from Debian: Chromium, driven by
# playwright-core, which downloads no browser of its own. Safe to run again: it does
# nothing when /usr/bin/chromium is already there.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  echo "ci-browser-deps: $(/usr/bin/chromium --version 2>/dev/null || echo chromium) already installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# fonts-dejavu-core gives screenshots and axe's contrast checks a real text font.
$SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
echo "ci-browser-deps: installed $(/usr/bin/chromium --version 2>/dev/null || echo chromium)"
