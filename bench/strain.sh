#!/usr/bin/env bash
# Board strain: the reported strain on every shared board (default element size) and a
# mesh-convergence study (element size h, h/2, h/4) on a few of them and the 4 x 4
# panel, release build.
# Each line: board | refinement | element mm | elements | strain µε | where | nearest
# probe | nearest support (its reaction) | deflection | supports | suggested -> µε | s
# (wall, and CPU in brackets: the machine may be shared).
#
# usage: bench/strain.sh [all|study|panel]   (default: all and study)
# env:   STUDY=path/to/strain_study to skip the cargo build.
set -euo pipefail
cd "$(dirname "$0")/.."
boards=../shared/data/boards
if [ -z "${STUDY:-}" ]; then
  cargo build --release -q -p pogo-mechanics --example strain_study
  STUDY=${CARGO_TARGET_DIR:-target}/release/examples/strain_study
fi
first() { (shopt -s nullglob; f=("$boards/$1"/*.kicad_pcb "$boards/$1"/*.kicad_pcb.xz); echo "${f[0]}"); }
what=${1:-both}
if [ "$what" = all ] || [ "$what" = both ]; then
  all=()
  for d in "$boards"/*/; do all+=("$(first "$(basename "$d")")"); done
  "$STUDY" --refine 1 "${all[@]}"
fi
if [ "$what" = study ] || [ "$what" = both ]; then
  # The design's own supports only (no suggestion search): the figure being studied.
  "$STUDY" --refine 1,2,4 --no-suggestions "$(first glasgow-c2-v9)" "$(first interf_u)" "$(first video-v9)" \
    "$(first video-panel-4x4)"
fi
if [ "$what" = panel ]; then
  "$STUDY" --refine 1,2,4 --no-suggestions "$(first video-panel-4x4)"
fi
