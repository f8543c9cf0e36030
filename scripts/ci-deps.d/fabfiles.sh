#!/usr/bin/env bash
# Test dependencies of pogo-output (fixture fabrication files): independent readers
# used by crates/pogo-output/tests/py/*.py — gerbonara (Excellon), ezdxf (DXF),
# trimesh + numpy (STL) — and Debian's openscad (compiles the .scad model).
# Idempotent and quiet: installs only what is missing.
set -euo pipefail
missing=()
python3 -c "import gerbonara" 2>/dev/null || missing+=("gerbonara>=1.4,<2")
python3 -c "import ezdxf" 2>/dev/null || missing+=("ezdxf>=1.1,<2")
python3 -c "import trimesh" 2>/dev/null || missing+=("trimesh>=4,<6")
python3 -c "import numpy" 2>/dev/null || missing+=("numpy>=1.26,<3")
if [ "${#missing[@]}" -gt 0 ]; then
  python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore "${missing[@]}"
fi
if ! command -v openscad >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  # wait for another installer holding the dpkg lock rather than failing
  apt-get -o DPkg::Lock::Timeout=900 update -qq >/dev/null
  apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends openscad >/dev/null
fi
