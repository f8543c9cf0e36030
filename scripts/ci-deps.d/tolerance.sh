#!/usr/bin/env bash
# Test dependencies of the positional tolerance work: numpy for the independent check
# of hit probabilities (crates/pogo-tolerance/tests/independent_check.py) and the numpy
# Monte Carlo reference of the tolerance benchmark (bench/tolerance_mc_numpy.py).
set -euo pipefail
if ! python3 -c "import numpy" >/dev/null 2>&1; then
  python3 -m pip install -q "numpy>=1.24" || python3 -m pip install -q --break-system-packages "numpy>=1.24"
fi
