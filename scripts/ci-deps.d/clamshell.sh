#!/usr/bin/env bash
# Test dependencies of the clamshell check (crates/pogo-output/tests/clamshell.rs,
# tests/py/check_clamshell.py): trimesh's collision manager needs python-fcl, and
# trimesh's mesh checks need scipy (ezdxf, trimesh, numpy and openscad come from
# fabfiles.sh). Idempotent and quiet: installs only what is missing.
set -euo pipefail
missing=()
python3 -c "import fcl" 2>/dev/null || missing+=("python-fcl>=0.7,<0.8")
python3 -c "import scipy" 2>/dev/null || missing+=("scipy>=1.11,<2")
if [ "${#missing[@]}" -gt 0 ]; then
  python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore "${missing[@]}"
fi
