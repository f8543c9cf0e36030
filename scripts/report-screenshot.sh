#!/usr/bin/env bash
# Renders an HTML file in headless Chromium and writes a 1400 px wide PNG screenshot.
#   scripts/report-screenshot.sh REPORT.html OUT.png [HEIGHT_PX]
# Exit 3 when no Chromium is installed (Debian: apt-get install chromium).
set -euo pipefail
html=$(realpath "$1")
png=$(realpath -m "$2")
height=${3:-3000}
browser=""
for b in chromium chromium-browser google-chrome; do
  if command -v "$b" >/dev/null 2>&1; then browser=$b; break; fi
done
if [ -z "$browser" ]; then
  echo "no chromium found" >&2
  exit 3
fi
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
rm -f "$png"
timeout 180 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --hide-scrollbars --user-data-dir="$profile" --screenshot="$png" \
  --window-size="1400,$height" "file://$html" >"$profile/log" 2>&1 || {
  cat "$profile/log" >&2
  exit 1
}
if [ ! -s "$png" ]; then
  cat "$profile/log" >&2
  echo "chromium wrote no screenshot" >&2
  exit 1
fi
