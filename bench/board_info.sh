#!/usr/bin/env bash
# Board reading benchmark: `pogo board info` (release build, whole process) on the
# decompressed 120 MB KiCad panel video-panel-4x4.kicad_pcb, against KiCad 6's own
# `pcbnew.LoadBoard` of the same file timed in the same run (bench/kicad_load.py,
# system python), interleaved: each round loads the board once in KiCad, then runs
# pogo PER_ROUND times. Medians of wall and CPU time, peak RSS, the machine's load.
#
# usage: bench/board_info.sh [ROUNDS] [PER_ROUND]   (default 5 rounds, 3 pogo runs each)
# env:   POGO=path/to/pogo to skip the cargo build; KICAD_PYTHON (default /usr/bin/python3);
#        POGO_BEFORE=path/to/older/pogo also times its `board info` in each round.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
per_round=${2:-3}
kicad_python=${KICAD_PYTHON:-/usr/bin/python3}
boards=../shared/data/boards
if [ -z "${POGO:-}" ]; then
  cargo build --release -q -p pogo-cli
  POGO=${CARGO_TARGET_DIR:-target}/release/pogo
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
board=$tmp/video-panel-4x4.kicad_pcb
xz -dc "$boards/video-panel-4x4/video-panel-4x4.kicad_pcb.xz" > "$board"
echo "file: video-panel-4x4.kicad_pcb, $(stat -c %s "$board") bytes; $(nproc) cores"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
"$POGO" board info "$board" > /dev/null   # warm the page cache
: > "$tmp/kicad"; : > "$tmp/pogo"
for _ in $(seq "$rounds"); do
  "$kicad_python" bench/kicad_load.py "$board" >> "$tmp/kicad"
  for _ in $(seq "$per_round"); do
    /usr/bin/time -f "%e %U %S %M" -o "$tmp/t" "$POGO" board info "$board" > /dev/null
    awk '{printf "%s %.3f %s\n", $1, $2 + $3, $4}' "$tmp/t" >> "$tmp/pogo"
    if [ -n "${POGO_BEFORE:-}" ]; then
      /usr/bin/time -f "%e %U %S %M" -o "$tmp/t" "$POGO_BEFORE" board info "$board" > /dev/null
      awk '{printf "%s %.3f %s\n", $1, $2 + $3, $4}' "$tmp/t" >> "$tmp/before"
    fi
  done
done
echo "load average at end:   $(cut -d' ' -f1-3 /proc/loadavg)"
cd "$tmp" && mv kicad "KiCad-LoadBoard" && mv pogo "pogo-board-info"
[ -e before ] && mv before "before-board-info"
python3 "$OLDPWD/bench/summarize.py" KiCad-LoadBoard . KiCad-LoadBoard pogo-board-info \
  ${POGO_BEFORE:+before-board-info}
echo "(KiCad: LoadBoard alone, in-process timer; pogo: the whole process. Aim: >= 30x.)"
