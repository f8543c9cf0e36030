#!/usr/bin/env bash
# Board reading benchmark: `pogo board info` (release build, whole process) on the
# decompressed 120 MB KiCad panel video-panel-4x4.kicad_pcb, against KiCad's own
# load time for the same file (kicad-view.json `load_seconds`, 4.99 s).
#
# usage: bench/board_info.sh [RUNS]      (default 11 runs; prints median wall time,
#        min/max, peak RSS of every run, and the ratios the issue asks for)
# env:   POGO=path/to/pogo to skip the cargo build.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-11}
boards=../shared/data/boards
xz_in=$boards/video-panel-4x4/video-panel-4x4.kicad_pcb.xz
kicad_s=$(python3 -c "import json,lzma;print(json.load(lzma.open('$boards/video-panel-4x4/kicad-view.json.xz','rt'))['load_seconds'])")
if [ -z "${POGO:-}" ]; then
  cargo build --release -q -p pogo-cli
  POGO=${CARGO_TARGET_DIR:-target}/release/pogo
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
board=$tmp/video-panel-4x4.kicad_pcb
xz -dc "$xz_in" > "$board"
size=$(stat -c %s "$board")
"$POGO" board info "$board" > /dev/null   # warm the page cache
for i in $(seq "$runs"); do
  /usr/bin/time -f "%e %M %U %S" -o "$tmp/t$i" "$POGO" board info "$board" > /dev/null
done
cat "$tmp"/t* | python3 -c "
import sys, statistics
rows = [l.split() for l in sys.stdin if l.strip()]
secs = sorted(float(r[0]) for r in rows)
rss_kb = max(int(r[1]) for r in rows)
cpu = sorted(float(r[2]) + float(r[3]) for r in rows)
size = $size
kicad = float('$kicad_s')
med = statistics.median(secs)
print(f'file: video-panel-4x4.kicad_pcb, {size/1e6:.1f} MB decompressed')
print(f'runs: {len(secs)}, wall median {med:.3f} s (min {secs[0]:.3f}, max {secs[-1]:.3f})')
print(f'CPU time (user+sys) median {statistics.median(cpu):.3f} s (min {cpu[0]:.3f}): the wall time on an idle machine is at most about this')
print(f'KiCad pcbnew.LoadBoard: {kicad} s -> pogo is {kicad/med:.1f}x faster (target >= 20x)')
print(f'by CPU time: {kicad/statistics.median(cpu):.1f}x faster')
print(f'peak RSS: {rss_kb/1024:.1f} MiB = {rss_kb*1024/size:.2f} x file size (target <= 1.5)')
"
