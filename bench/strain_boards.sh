#!/usr/bin/env bash
# Board strain of `pogo design` on every shared board (video-panel-4x4 left out: 120 MB).
# Usage: bench/strain_boards.sh POGO_BINARY [POGO_TOML_DIR]
# POGO_TOML_DIR/<board folder>.toml, when present, is passed as --config.
# Prints: board, probes, strain µε, supports, part-body fingers, over limit.
set -euo pipefail
pogo=${1:?pogo binary}
cfgdir=${2:-}
data=$(cd "$(dirname "$0")/../../shared/data/boards" && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
printf '%-22s %6s %9s %8s %9s %s\n' board probes strain_ue supports on_parts over_limit
for dir in "$data"/*/; do
  name=$(basename "$dir")
  [ "$name" = video-panel-4x4 ] && continue
  board=$(ls "$dir"*.kicad_pcb "$dir"*.kicad_pcb.xz 2>/dev/null | head -1 || true)
  [ -n "$board" ] || continue
  args=()
  if [ -n "$cfgdir" ] && [ -f "$cfgdir/$name.toml" ]; then args=(--config "$cfgdir/$name.toml"); fi
  if ! "$pogo" design "$board" "${args[@]}" --out "$out/$name" >/dev/null 2>&1; then
    if [ ! -f "$out/$name/fixture.json" ]; then printf '%-22s failed\n' "$name"; continue; fi
  fi
  python3 - "$out/$name/fixture.json" "$name" <<'PY'
import json, sys
f = json.load(open(sys.argv[1]))
fo = f.get("force") or {}
sup = fo.get("supports", []) + fo.get("suggested_supports", [])
strain = fo.get("strain_with_suggestions_ue") or fo.get("max_strain_ue", 0)
print("%-22s %6d %9.0f %8d %9d %s" % (sys.argv[2], len(f["probes"]), strain, len(sup),
      sum(1 for s in sup if s.get("on_part")), "yes" if fo.get("over_limit") else "-"))
PY
done
