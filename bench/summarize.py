"""Summarises bench runs: each file holds rows "wall_s cpu_s peak_rss_kb" (the
`/usr/bin/time -f "%e %U %S %M"` rows are folded to that by the bench scripts).

usage: python3 bench/summarize.py REFERENCE_LABEL DIR LABEL...
prints per label the median wall and CPU time, min and max wall, peak RSS, and the
ratio REFERENCE / label (wall medians and CPU medians) for every other label.
"""

import statistics
import sys


def load(path):
    rows = [line.split() for line in open(path) if line.strip()]
    wall = [float(r[0]) for r in rows]
    cpu = [float(r[1]) for r in rows]
    rss = [int(r[2]) for r in rows if len(r) > 2]
    return wall, cpu, rss


ref_label, folder, labels = sys.argv[1], sys.argv[2], sys.argv[3:]
data = {label: load(f"{folder}/{label}") for label in labels}
ref_wall = statistics.median(data[ref_label][0])
ref_cpu = statistics.median(data[ref_label][1])
for label in labels:
    wall, cpu, rss = data[label]
    mw, mc = statistics.median(wall), statistics.median(cpu)
    line = (
        f"{label:<30} {len(wall):>2} runs  wall median {mw:7.3f} s"
        f" (min {min(wall):.3f}, max {max(wall):.3f})  CPU median {mc:7.3f} s"
    )
    if rss:
        line += f"  peak RSS {max(rss) / 1024:6.1f} MiB"
    if label != ref_label:
        line += f"  | {ref_label} is {ref_wall / mw:5.1f}x (wall), {ref_cpu / mc:5.1f}x (CPU)"
    print(line)
