#!/usr/bin/python3
"""Writes what KiCad's own pcbnew says about a board, in the format of
../shared/data/boards/*/kicad-view.json (see ../shared/data/README.md).

usage: /usr/bin/python3 scripts/kicad_view.py BOARD.kicad_pcb OUT.json
Needs Debian's `kicad` package (its pcbnew Python module lives in /usr/lib/python3).
"""
import json
import sys
import time

import pcbnew

SHAPES = {
    pcbnew.PAD_SHAPE_CIRCLE: "circle",
    pcbnew.PAD_SHAPE_RECT: "rect",
    pcbnew.PAD_SHAPE_OVAL: "oval",
    pcbnew.PAD_SHAPE_TRAPEZOID: "trapezoid",
    pcbnew.PAD_SHAPE_ROUNDRECT: "roundrect",
    pcbnew.PAD_SHAPE_CHAMFERED_RECT: "chamfered_rect",
    pcbnew.PAD_SHAPE_CUSTOM: "custom",
}
TYPES = {
    pcbnew.PAD_ATTRIB_PTH: "thru_hole",
    pcbnew.PAD_ATTRIB_SMD: "smd",
    pcbnew.PAD_ATTRIB_CONN: "connect",
    pcbnew.PAD_ATTRIB_NPTH: "np_thru_hole",
}


def mm(v):
    return round(pcbnew.ToMM(v), 6)


def bbox(b):
    return [mm(b.GetLeft()), mm(b.GetTop()), mm(b.GetRight()), mm(b.GetBottom())]


def main(path, out):
    t0 = time.perf_counter()
    board = pcbnew.LoadBoard(path)
    load_seconds = time.perf_counter() - t0

    footprints, pads, vias, nets = [], [], [], set()
    for fp in board.GetFootprints():
        court = None
        for item in fp.GraphicalItems():
            if item.GetLayer() in (pcbnew.F_CrtYd, pcbnew.B_CrtYd):
                b = bbox(item.GetBoundingBox())
                court = b if court is None else [min(court[0], b[0]), min(court[1], b[1]),
                                                  max(court[2], b[2]), max(court[3], b[3])]
        footprints.append({
            "ref": fp.GetReference(), "value": fp.GetValue(), "footprint": str(fp.GetFPID().GetUniStringLibId()),
            "side": "bottom" if fp.IsFlipped() else "top",
            "x": mm(fp.GetPosition().x), "y": mm(fp.GetPosition().y),
            "rotation": round(fp.GetOrientationDegrees(), 6), "courtyard_bbox": court,
            "pad_count": len(fp.Pads()),
        })
        for pad in fp.Pads():
            drill = pad.GetDrillSize()
            has_drill = drill.x > 0 or drill.y > 0
            net = pad.GetNetname()
            if net:
                nets.add(net)
            pads.append({
                "ref": fp.GetReference(), "number": pad.GetName(),
                "type": TYPES[pad.GetAttribute()], "shape": SHAPES[pad.GetShape()],
                "x": mm(pad.GetPosition().x), "y": mm(pad.GetPosition().y),
                "w": mm(pad.GetSize().x), "h": mm(pad.GetSize().y),
                "rotation": round(pad.GetOrientationDegrees(), 6),
                "drill": [mm(drill.x), mm(drill.y)] if has_drill else None,
                "front": pad.IsOnLayer(pcbnew.F_Cu), "back": pad.IsOnLayer(pcbnew.B_Cu),
                "front_mask": pad.IsOnLayer(pcbnew.F_Mask), "back_mask": pad.IsOnLayer(pcbnew.B_Mask),
                "net": net,
            })
    for track in board.GetTracks():
        if track.GetClass() in ("PCB_VIA", "VIA"):
            net = track.GetNetname()
            if net:
                nets.add(net)
            vias.append({"x": mm(track.GetPosition().x), "y": mm(track.GetPosition().y),
                         "diameter": mm(track.GetWidth()), "drill": mm(track.GetDrillValue()), "net": net})
    view = {
        "source": path.rsplit("/", 1)[-1],
        "kicad": pcbnew.Version(),
        "load_seconds": round(load_seconds, 4),
        "outline_bbox": bbox(board.GetBoardEdgesBoundingBox()),
        "thickness": mm(board.GetDesignSettings().GetBoardThickness()),
        "nets": sorted(nets),
        "footprints": footprints,
        "pads": pads,
        "vias": vias,
    }
    with open(out, "w") as f:
        json.dump(view, f, indent=1)
        f.write("\n")
    print(f"{path}: KiCad {pcbnew.Version()} loaded {len(footprints)} footprints, {len(pads)} pads, "
          f"{len(vias)} vias, {len(nets)} nets in {load_seconds:.4f} s")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
