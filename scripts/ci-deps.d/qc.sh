#!/usr/bin/env bash
# Test dependencies of pogo-qc: numpy for the independent SPC computation and the
# discontinuity benchmark's reference implementation.
set -euo pipefail
if ! python3 -c "import numpy" 2>/dev/null; then
  python3 -m pip install -q --root-user-action=ignore "numpy>=1.26,<3"
fi
