#!/usr/bin/env bash
# Installs the Debian packages the tests need that a fresh machine lacks. As root it installs them
# (apt-get install --no-install-recommends, refreshing the package lists once if needed); otherwise it
# prints the command to run and fails. Run by `npm test` (pretest) and by .ci/run.
set -euo pipefail

packages=()

# Web page tests: Debian's Chromium, driven by Playwright (never a downloaded browser), and a CJK font
# so that the page's Chinese renders in its screenshots. The Baidu emulator draws its card renders in
# the same font; the OCR models it reads them with come with npm ci.
packages+=(chromium fonts-wqy-microhei)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

command="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "The tests need these Debian packages: ${missing[*]}" >&2
  echo "Install them with:  sudo $command" >&2
  exit 1
fi

echo "Installing the Debian packages the tests need: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y --no-install-recommends "${missing[@]}" </dev/null; then
  apt-get update </dev/null
  apt-get install -y --no-install-recommends "${missing[@]}" </dev/null
fi
