#!/usr/bin/env bash
# Test dependencies of the nest (registration without tooling holes):
# crates/pogo-mechanics/tests/py/check_nest.py compares the nest pocket with shapely's
# own buffer of the board outline, checks that no probe clearance hole cuts the pocket
# wall, and opens the nest STL with trimesh (watertight). Idempotent and quiet.
set -euo pipefail
missing=()
python3 -c "import shapely" 2>/dev/null || missing+=("shapely>=2,<3")
python3 -c "import trimesh" 2>/dev/null || missing+=("trimesh>=4,<6")
python3 -c "import numpy" 2>/dev/null || missing+=("numpy>=1.26,<3")
if [ "${#missing[@]}" -gt 0 ]; then
  python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore "${missing[@]}"
fi
