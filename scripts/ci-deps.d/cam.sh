#!/usr/bin/env bash
# Test dependency of pogo-board's CAM readers: Debian's ncompress (`compress`), the
# independent writer of Unix-compress `.Z` streams that the LZW decoder is checked
# against (crates/pogo-board/tests/cam_bad_input.rs). Idempotent and quiet.
set -euo pipefail
if ! command -v compress >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=900 update -qq >/dev/null
  apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends ncompress >/dev/null
fi
