#!/usr/bin/env bash
# Contact-resistance run against the instrument simulator: time per probe, and the
# station's own share. Usage: bench/station.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-50}"
cargo build --release -q -p pogo-station --example station_bench
for ms in 0 20; do
  echo "== meter reading time ${ms} ms"
  target/release/examples/station_bench "$runs" "$ms"
done
