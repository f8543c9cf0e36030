#!/usr/bin/env bash
# Test dependencies of pogo-service (crates/pogo-service/tests): Debian's PostgreSQL
# (the tests start their own server from /usr/lib/postgresql/*/bin in a temporary
# directory), and for the dashboard tests Debian's chromium with chromium-driver and
# python3-selenium (a real browser signs in, reads the pages, submits the maintenance
# form and takes screenshots), plus DejaVu fonts for the same rendering everywhere.
# Idempotent and quiet: installs only what is missing.
set -euo pipefail
need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
/usr/bin/python3 -c "import selenium" 2>/dev/null || need+=(python3-selenium)
fc-list 2>/dev/null | grep -qi dejavu || need+=(fonts-dejavu-core fontconfig)
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  # wait for another installer holding the dpkg lock rather than failing
  apt-get -o DPkg::Lock::Timeout=900 update -qq >/dev/null
  apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# The Debian package starts a cluster of its own; the tests do not use it.
