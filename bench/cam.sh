#!/usr/bin/env bash
# CAM readers benchmark (issue 14), in one run on one machine:
#  1. `pogo board info` (release, whole process) on the Allegro IPC-2581 test case
#     testcase1-revc-full (58.6 MB of XML, decompressed to a temp dir first) against
#     the MIT `ipc2581` crate's own parser (bench/ipc2581-crate, release) on the same
#     file: median wall time, CPU time (user + sys) and peak RSS of RUNS runs each,
#     and the ratios (on a loaded machine the CPU ratio is the fairer one).
#  2. `pogo board info` on the shared video board's ODB++ archive (video-odb.tgz)
#     against `tar xzf` of the same archive into a temp dir (wall and CPU time).
#
# usage: bench/cam.sh [RUNS]     (default 5)
# env:   POGO=path/to/pogo, CRATE_BENCH=path/to/ipc2581-crate-bench to skip builds.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
data=../shared/data
if [ -z "${POGO:-}" ]; then
  cargo build --release -q -p pogo-cli
  POGO=${CARGO_TARGET_DIR:-target}/release/pogo
fi
if [ -z "${CRATE_BENCH:-}" ]; then
  (cd bench/ipc2581-crate && cargo build --release -q)
  CRATE_BENCH=bench/ipc2581-crate/target/release/ipc2581-crate-bench
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
xml=$tmp/testcase1-revc-full.xml
xz -dc "$data/ipc2581-allegro/testcase1-revc-full.xml.xz" > "$xml"
odb=$data/boards/video/video-odb.tgz

# time LABEL CMD...: RUNS runs after one warm-up, rows "wall_s rss_kb user_s sys_s" in $tmp/LABEL,
# each from the child's own rusage (wait4: microseconds, where /usr/bin/time rounds to 10 ms)
time_it() {
  local label=$1; shift
  python3 - "$tmp/$label" "$runs" "$@" <<'PY'
import os, subprocess, sys, time
out, runs, cmd = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
def once():
    start = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - start, usage
once()
with open(out, "w") as f:
    for _ in range(runs):
        wall, u = once()
        f.write(f"{wall:.4f} {u.ru_maxrss} {u.ru_utime:.4f} {u.ru_stime:.4f}\n")
PY
}
time_it pogo_ipc "$POGO" board info "$xml"
time_it crate_ipc "$CRATE_BENCH" "$xml"
time_it pogo_odb "$POGO" board info "$odb"
time_it tar_odb sh -c "rm -rf '$tmp/x' && mkdir '$tmp/x' && tar xzf '$odb' -C '$tmp/x'"
python3 - "$tmp" "$(stat -c %s "$xml")" <<'PY'
import statistics, sys
tmp, size = sys.argv[1], int(sys.argv[2])
def load(label):
    rows = [l.split() for l in open(f"{tmp}/{label}") if l.strip() and l[0].isdigit()]
    cpu = statistics.median(float(r[2]) + float(r[3]) for r in rows)
    return statistics.median(float(r[0]) for r in rows), max(int(r[1]) for r in rows), len(rows), cpu
p, c = load("pogo_ipc"), load("crate_ipc")
print(f"IPC-2581 testcase1-revc-full ({size / 1e6:.1f} MB), median of {p[2]} runs:")
print(f"  pogo board info      {p[0]:.3f} s wall  {p[3]:.3f} s CPU  peak RSS {p[1] / 1024:.0f} MiB ({p[1] * 1024 / size:.2f}x the file)")
print(f"  ipc2581 crate parse  {c[0]:.3f} s wall  {c[3]:.3f} s CPU  peak RSS {c[1] / 1024:.0f} MiB")
print(f"  speed ratio crate/pogo: {c[0] / p[0]:.1f}x wall, {c[3] / max(p[3], 0.001):.1f}x CPU")
o, t = load("pogo_odb"), load("tar_odb")
print(f"ODB++ video-odb.tgz, median of {o[2]} runs:")
print(f"  pogo board info  {o[0]:.3f} s wall  {o[3]:.3f} s CPU  peak RSS {o[1] / 1024:.0f} MiB")
print(f"  tar xzf          {t[0]:.3f} s wall  {t[3]:.3f} s CPU")
print(f"  ratio pogo/tar: {o[0] / t[0]:.2f}x wall, {o[3] / max(t[3], 0.001):.2f}x CPU")
PY
