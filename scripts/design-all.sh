#!/usr/bin/env bash
# Runs `pogo design` on every shared board (its KiCad file, IPC-2581 and ODB++ exports and
# IPC-D-356 netlist) into OUT/<board>/<format>/, so that two builds can be compared file by file:
#   scripts/design-all.sh /tmp/before && (build the change) && scripts/design-all.sh /tmp/after
#   diff -r /tmp/before /tmp/after
# A board a format cannot design writes its error to OUT/<board>/<format>/error.txt.
# env: POGO=path/to/pogo to skip the cargo build; POGO_BOARDS as for the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: scripts/design-all.sh OUT}
boards=${POGO_BOARDS:-${POGO_SHARED:-../shared}/data/boards}
[ -d "$boards" ] || { echo "no shared boards at $boards" >&2; exit 2; }
if [ -z "${POGO:-}" ]; then
  cargo build --release -q -p pogo-cli
  POGO=${CARGO_TARGET_DIR:-target}/release/pogo
fi
rm -rf "$out"; mkdir -p "$out"
for dir in "$boards"/*/; do
  name=$(basename "$dir")
  for input in "$dir"*.kicad_pcb "$dir"*.kicad_pcb.xz "$dir"*.ipc2581.xml.xz "$dir"*-odb.tgz "$dir"*.d356; do
    [ -e "$input" ] || continue
    case $input in
      *.kicad_pcb|*.kicad_pcb.xz) fmt=kicad ;; *.ipc2581.xml.xz) fmt=ipc2581 ;;
      *-odb.tgz) fmt=odb ;; *.d356) fmt=d356 ;;
    esac
    dest="$out/$name/$fmt"; mkdir -p "$dest"
    status=0
    "$POGO" design "$input" --out "$dest" > "$dest/stdout.raw" 2> "$dest/error.txt" || status=$?
    # The output folder differs between runs: print it as OUT so runs compare.
    sed "s#$out#OUT#g" "$dest/stdout.raw" > "$dest/stdout.txt" && rm "$dest/stdout.raw"
    [ "$status" = 0 ] || echo "exit $status" >> "$dest/error.txt"
    [ -s "$dest/error.txt" ] || rm -f "$dest/error.txt"
  done
done
echo "designed $(find "$out" -name fixture.json | wc -l) fixtures into $out"
