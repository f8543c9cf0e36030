#!/usr/bin/python3
"""Writes the box of KiCad's hull of each footprint without a courtyard (the package
outline KiCad's IPC-2581 and ODB++ exports write for it), for every shared board:
{"BOARD": {"REF": [[left, top, right, bottom], ...]}}, page coordinates, mm.

usage: /usr/bin/python3 scripts/kicad_hulls.py BOARDS_DIR OUT.json
Needs KiCad 9's pcbnew module (../shared/data/README.md, tools/get-kicad9.sh), the
version that wrote the exports:
  LD_LIBRARY_PATH=/tmp/kicad9/usr/lib/x86_64-linux-gnu:/tmp/kicad9/usr/lib \\
  PYTHONPATH=/tmp/kicad9/usr/lib/python3/dist-packages /usr/bin/python3 scripts/kicad_hulls.py ...
"""
import glob
import json
import lzma
import os
import sys
import tempfile

import pcbnew


def hulls(path):
    board = pcbnew.LoadBoard(path)
    out = {}
    for fp in board.GetFootprints():
        if fp.GetCourtyard(pcbnew.F_CrtYd).OutlineCount() or fp.GetCourtyard(
            pcbnew.B_CrtYd
        ).OutlineCount():
            continue
        box = fp.GetBoundingHull().BBox()
        out.setdefault(fp.GetReference(), []).append(
            [round(pcbnew.ToMM(v), 6) for v in (box.GetX(), box.GetY(), box.GetRight(), box.GetBottom())]
        )
    return out


def main():
    boards, out = sys.argv[1], sys.argv[2]
    result = {}
    for folder in sorted(os.listdir(boards)):
        files = sorted(glob.glob(os.path.join(boards, folder, "*.kicad_pcb*")))
        if not files or not glob.glob(os.path.join(boards, folder, "*.ipc2581.xml.xz")):
            continue
        if files[0].endswith(".xz"):
            with tempfile.NamedTemporaryFile(suffix=".kicad_pcb") as tmp:
                tmp.write(lzma.open(files[0]).read())
                tmp.flush()
                result[folder] = hulls(tmp.name)
        else:
            result[folder] = hulls(files[0])
    with open(out, "w") as f:
        json.dump(result, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
