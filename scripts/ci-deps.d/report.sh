#!/usr/bin/env bash
# Test dependencies of the HTML report (crates/pogo-output/tests/report_*.rs):
# Debian's chromium renders report.html headless for a screenshot, DejaVu fonts make
# the rendering the same everywhere, and Pillow reads the screenshot back.
# Idempotent and quiet: installs only what is missing.
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi dejavu; then
  export DEBIAN_FRONTEND=noninteractive
  # wait for another installer holding the dpkg lock rather than failing
  apt-get -o DPkg::Lock::Timeout=900 update -qq >/dev/null
  apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends chromium fonts-dejavu-core fontconfig >/dev/null
fi
if ! python3 -c "import PIL" 2>/dev/null; then
  python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore "pillow>=9,<12"
fi
