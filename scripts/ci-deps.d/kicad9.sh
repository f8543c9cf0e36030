#!/usr/bin/env bash
# KiCad 9's kicad-cli for crates/pogo-output/tests/probe_board.rs (DRC of the probe
# board): Debian's kicad package for the shared libraries, then KiCad 9 from
# bookworm-backports unpacked into /tmp/kicad9 by the shared data's tools/get-kicad9.sh
# (../shared beside the repository, or POGO_SHARED). Idempotent and quiet: does nothing
# when /tmp/kicad9's kicad-cli already runs. Without the script the DRC tests skip,
# unless POGO_REQUIRE_SHARED is set (CI, .ci/run): then it fails here, and the tests
# fail too when kicad-cli does not run.
set -euo pipefail
cli=/tmp/kicad9/usr/bin/kicad-cli
libs=/tmp/kicad9/usr/lib/x86_64-linux-gnu:/tmp/kicad9/usr/lib
if LD_LIBRARY_PATH=$libs "$cli" version >/dev/null 2>&1; then
  exit 0
fi
here=$(cd "$(dirname "$0")/../.." && pwd)
get=${POGO_SHARED:-$here/../shared}/tools/get-kicad9.sh
if [ ! -f "$get" ]; then
  if [ -n "${POGO_REQUIRE_SHARED:-}" ] && [ "${POGO_REQUIRE_SHARED}" != 0 ]; then
    echo "kicad9.sh: $get not found and POGO_REQUIRE_SHARED is set: the probe board DRC tests need KiCad 9" >&2
    exit 1
  fi
  echo "kicad9.sh: $get not found; the probe board DRC test will be skipped" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
if ! dpkg -s kicad >/dev/null 2>&1; then
  apt-get -o DPkg::Lock::Timeout=900 update -qq >/dev/null
  apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends kicad >/dev/null
fi
bash "$get" /tmp/kicad9 >/dev/null
if ! LD_LIBRARY_PATH=$libs "$cli" version >/dev/null 2>&1; then
  echo "kicad9.sh: $cli does not run after $get" >&2
  exit 1
fi
