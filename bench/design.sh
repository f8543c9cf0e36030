#!/usr/bin/env bash
# Probe layout benchmark: the whole `pogo check` (read board + design the probe layout)
# and the whole `pogo design --out DIR` (everything, all files written) on the
# 35,811-pad panel video-panel-4x4 (decompressed), release build, against
# `pogo board info` (reading alone) on the same file in the same run; and the whole
# `pogo design --out` straight from the compressed .xz (decompression included).
#
# usage: bench/design.sh [RUNS]     (default 5; prints the median wall time of each)
# env:   POGO=path/to/pogo to skip the cargo build.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
boards=../shared/data/boards
if [ -z "${POGO:-}" ]; then
  cargo build --release -q -p pogo-cli
  POGO=${CARGO_TARGET_DIR:-target}/release/pogo
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
board=$tmp/video-panel-4x4.kicad_pcb
xz -dc "$boards/video-panel-4x4/video-panel-4x4.kicad_pcb.xz" > "$board"
"$POGO" board info "$board" > /dev/null   # warm the page cache
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
run() {
  local label=$1; shift
  for i in $(seq "$runs"); do
    /usr/bin/time -q -f "%e %M" -o "$tmp/t" "$@" > /dev/null || [ $? -eq 1 ]
    cat "$tmp/t"
  done > "$tmp/$label"
  printf '%-28s median %6.2f s  (min %s, max %s)  peak RSS %s MiB\n' "$label" \
    "$(cut -d' ' -f1 "$tmp/$label" | median)" \
    "$(cut -d' ' -f1 "$tmp/$label" | sort -n | head -1)" \
    "$(cut -d' ' -f1 "$tmp/$label" | sort -n | tail -1)" \
    "$(cut -d' ' -f2 "$tmp/$label" | sort -n | tail -1 | awk '{printf "%.0f", $1/1024}')"
}
echo "video-panel-4x4: $(du -m "$board" | cut -f1) MB, 35811 pads, 12928 vias; $runs runs each"
run "board info (read only)" "$POGO" board info "$board"
run "check (read + layout)" "$POGO" check "$board"
printf "[design]\ncomponent_pads = true\n" > "$tmp/cp.toml"
run "check, component pads on" "$POGO" check "$board" --config "$tmp/cp.toml"
run "design --out (everything)" "$POGO" design "$board" --out "$tmp/out"
run "design --out, from the .xz" "$POGO" design "$boards/video-panel-4x4/video-panel-4x4.kicad_pcb.xz" --out "$tmp/out-xz"
"$POGO" check "$board" | head -6
