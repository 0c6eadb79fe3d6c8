#!/usr/bin/env bash
# Installs the Debian packages the tests need: Tesseract and its simplified Chinese model, which the Baidu
# emulator's recognition tests run. Does nothing when they are already there. As root it installs them with
# apt-get; otherwise it prints the command to run and fails, so that the tests never run half-equipped.
set -euo pipefail

packages=(tesseract-ocr tesseract-ocr-chi-sim)

has_chi_sim() {
  command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -qx chi_sim
}

if has_chi_sim; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "The tests need Tesseract with the chi_sim model. Install it with:" >&2
  echo "  sudo apt-get install -y --no-install-recommends ${packages[*]}" >&2
  exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "The tests need Tesseract with the chi_sim model (Debian packages: ${packages[*]}), and there is no apt-get here." >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends "${packages[@]}"

if ! has_chi_sim; then
  echo "Installed ${packages[*]}, but tesseract still lists no chi_sim model." >&2
  exit 1
fi
