#!/usr/bin/env bash
# Install headless Chromium and its WebDriver from Debian's packages (for tests/test_audit_browser.py), plus a small
# CJK font so that screenshots show Chinese text.  Idempotent: does nothing when both are already there.
set -euo pipefail

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
dpkg -s fonts-wqy-microhei >/dev/null 2>&1 || need+=(fonts-wqy-microhei)
if [ ${#need[@]} -eq 0 ]; then
  echo "install-chromium: chromium, chromedriver and a CJK font already installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "install-chromium: need root (or sudo) to install ${need[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
# a stale package list makes apt-get install fail with 404s: refresh it first
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "${need[@]}" >/dev/null
chromium --version
chromedriver --version
