"""Times KiCad's own board loading: `pcbnew.LoadBoard(path)` (KiCad 6's Python module,
so run it with the system python, /usr/bin/python3). The `import pcbnew` is not timed.

usage: /usr/bin/python3 bench/kicad_load.py BOARD
prints one line "WALL_S CPU_S" (CPU time of the process during LoadBoard, all threads)
"""

import sys
import time

import pcbnew

path = sys.argv[1]
wall, cpu = time.perf_counter(), time.process_time()
board = pcbnew.LoadBoard(path)
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
if board is None or len(board.GetFootprints()) == 0:
    sys.exit(f"KiCad loaded no footprints from {path}")
print(f"{wall:.4f} {cpu:.4f}")
