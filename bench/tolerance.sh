#!/usr/bin/env bash
# Tolerance benchmark (BENCHMARKS.md "## Tolerance"): analytic hit probabilities of
# every probe of a large design, and a Monte Carlo of 10^6 samples per probe for
# 1,000 probes in Rust and in plain numpy, in one run; prints the ratio.
#
# usage: bench/tolerance.sh [FIXTURE.json]
#   FIXTURE.json: a design to use (e.g. `pogo design video-panel-4x4.kicad_pcb`'s);
#   default: the video-panel-4x4 design when `pogo design` can make it, otherwise a
#   synthetic fixture of 5,000 probes.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cargo build -q --release -p pogo-tolerance --example tolerance_bench
cargo build -q --release -p pogo-cli 2>/dev/null || true
bin="$CARGO_TARGET_DIR/release/examples/tolerance_bench"
src="${1:-}"
if [ -z "$src" ]; then
  board=../shared/data/boards/video-panel-4x4/video-panel-4x4.kicad_pcb
  [ -e "$board" ] || board="$board.xz"
  if [ -x "$CARGO_TARGET_DIR/release/pogo" ] && "$CARGO_TARGET_DIR/release/pogo" design "$board" --out "$work/design" >/dev/null 2>&1 \
     && [ -s "$work/design/fixture.json" ]; then
    src="$work/design/fixture.json"
  fi
fi
if [ -n "$src" ]; then
  rust=$("$bin" "$src" 1000 1000000 "$work/analysed.json")
else
  rust=$("$bin" --synthetic 5000 1000 1000000 "$work/analysed.json")
fi
echo "rust:  $rust"
numpy=$(python3 bench/tolerance_mc_numpy.py "$work/analysed.json" 1000 1000000)
echo "numpy: $numpy"
python3 - "$rust" "$numpy" <<'PY'
import json, sys
r, n = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"analytic hit probabilities, {r['probes']} probes ({r['source']}): {r['analytic_all_probes_s']:.3f} s")
print(f"full analysis (yield, sensitivity): {r['full_analysis_s']:.3f} s")
print(f"Monte Carlo {r['mc_probes']} probes x {r['mc_samples_per_probe']}: rust {r['mc_s']:.2f} s ({r['threads']} threads), numpy {n['numpy_mc_s']:.2f} s, ratio {n['numpy_mc_s'] / r['mc_s']:.1f}x")
print(f"worst |z| of MC vs analytic: rust {r['mc_worst_abs_z']:.2f}, numpy {n['numpy_worst_abs_z']:.2f}")
PY
