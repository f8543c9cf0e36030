#!/usr/bin/env bash
# Whole-design benchmark on the 35,811-pad panel video-panel-4x4 (decompressed, page
# cache warm), release build, whole processes: `pogo board info` (reading alone),
# `pogo check` (read + probe layout), `pogo design --out` (everything, every file
# written) from the decompressed file and from the .xz, against KiCad 6's own
# `pcbnew.LoadBoard` of the same file timed in the same run (bench/kicad_load.py),
# interleaved round by round. Medians of wall and CPU time, peak RSS, machine load.
#
# usage: bench/design.sh [ROUNDS]     (default 5)
# env:   POGO=path/to/pogo to skip the cargo build; KICAD_PYTHON (default /usr/bin/python3);
#        POGO_BEFORE=path/to/older/pogo also times its `design --out` in each round.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
kicad_python=${KICAD_PYTHON:-/usr/bin/python3}
boards=../shared/data/boards
if [ -z "${POGO:-}" ]; then
  cargo build --release -q -p pogo-cli
  POGO=${CARGO_TARGET_DIR:-target}/release/pogo
fi
here=$PWD
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
board=$tmp/video-panel-4x4.kicad_pcb
xz_in=$boards/video-panel-4x4/video-panel-4x4.kicad_pcb.xz
xz -dc "$xz_in" > "$board"
echo "video-panel-4x4: $(du -m "$board" | cut -f1) MB, 35811 pads, 12928 vias; $rounds rounds; $(nproc) cores"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
"$POGO" board info "$board" > /dev/null   # warm the page cache
mkdir "$tmp/runs"
# run LABEL CMD...: one run, "wall cpu rss_kb" appended to runs/LABEL (exit 1 = a
# check that found something wanting, not a failure)
run() {
  local label=$1; shift
  /usr/bin/time -q -f "%e %U %S %M" -o "$tmp/t" "$@" > /dev/null || [ $? -eq 1 ]
  awk '{printf "%s %.3f %s\n", $1, $2 + $3, $4}' "$tmp/t" >> "$tmp/runs/$label"
}
for _ in $(seq "$rounds"); do
  "$kicad_python" bench/kicad_load.py "$board" >> "$tmp/runs/KiCad-LoadBoard"
  run pogo-board-info "$POGO" board info "$board"
  run pogo-check "$POGO" check "$board"
  run pogo-design-out "$POGO" design "$board" --out "$tmp/out"
  run pogo-design-out-from-xz "$POGO" design "$xz_in" --out "$tmp/out-xz"
  if [ -n "${POGO_BEFORE:-}" ]; then
    run before-design-out "$POGO_BEFORE" design "$board" --out "$tmp/out-before"
  fi
done
echo "load average at end:   $(cut -d' ' -f1-3 /proc/loadavg)"
cd "$tmp/runs"
python3 "$here/bench/summarize.py" KiCad-LoadBoard . KiCad-LoadBoard pogo-board-info \
  pogo-check pogo-design-out pogo-design-out-from-xz ${POGO_BEFORE:+before-design-out}
echo "(KiCad: LoadBoard alone, in-process timer; pogo: whole processes. Aims: design >= 5x, info >= 30x.)"
