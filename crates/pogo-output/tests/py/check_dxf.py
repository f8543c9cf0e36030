"""Independent check of a pogo plate DXF drawing with ezdxf.

usage: check_dxf.py FILE.dxf EXPECTED.json
EXPECTED.json: {"circles": {"LAYER": [[X, Y, radius], ...]}, "cutouts": N,
                "outline_box": [minX, minY, maxX, maxY]}   (mm, DXF frame)
Checks: $INSUNITS is 4 (mm); every expected circle is there on its layer (1 um);
no other circle; exactly one closed polyline on PLATE_OUTLINE whose extent equals
outline_box (1 um) and N closed polylines on CUTOUTS; every hole lies inside the
outline. Prints one line, and the plate area (outline - cut-outs - circles) as
`area_mm2=...` for the STL check.
"""
import json
import math
import sys

import ezdxf
from matching import TOL_MM, mismatch


def shoelace(pts):
    a = 0.0
    for (x1, y1), (x2, y2) in zip(pts, pts[1:] + pts[:1]):
        a += x1 * y2 - x2 * y1
    return abs(a) / 2.0


def inside(p, pts):
    x, y = p
    c = False
    j = len(pts) - 1
    for i in range(len(pts)):
        xi, yi = pts[i]
        xj, yj = pts[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            c = not c
        j = i
    return c


def main() -> int:
    path, expected_path = sys.argv[1], sys.argv[2]
    exp = json.load(open(expected_path))
    doc = ezdxf.readfile(path)
    units = doc.header.get("$INSUNITS")
    if units != 4:
        print(f"FAIL {path}: $INSUNITS is {units}, expected 4 (mm)")
        return 1
    msp = doc.modelspace()
    circles = {}
    for c in msp.query("CIRCLE"):
        circles.setdefault(c.dxf.layer, []).append((c.dxf.center.x, c.dxf.center.y, c.dxf.radius))
    want = exp["circles"]
    for layer in set(circles) | set(want):
        g = sorted(circles.get(layer, []))
        w = sorted(tuple(v) for v in want.get(layer, []))
        bad = mismatch(g, w, "circle")
        if bad:
            print(f"FAIL {path}: layer {layer}: {bad}")
            return 1
    polys = {}
    for e in msp:
        if e.dxftype() == "POLYLINE":
            if not e.is_closed:
                print(f"FAIL {path}: open polyline on {e.dxf.layer}")
                return 1
            pts = [(v.dxf.location.x, v.dxf.location.y) for v in e.vertices]
        elif e.dxftype() == "LWPOLYLINE":
            if not e.closed:
                print(f"FAIL {path}: open polyline on {e.dxf.layer}")
                return 1
            pts = [(p[0], p[1]) for p in e.get_points()]
        else:
            continue
        polys.setdefault(e.dxf.layer, []).append(pts)
    outline = polys.get("PLATE_OUTLINE", [])
    if len(outline) != 1:
        print(f"FAIL {path}: {len(outline)} outline polylines, expected 1")
        return 1
    cut = polys.get("CUTOUTS", [])
    if len(cut) != exp["cutouts"]:
        print(f"FAIL {path}: {len(cut)} cut-outs, expected {exp['cutouts']}")
        return 1
    o = outline[0]
    box = [min(p[0] for p in o), min(p[1] for p in o), max(p[0] for p in o), max(p[1] for p in o)]
    if any(abs(a - b) > TOL_MM for a, b in zip(box, exp["outline_box"])):
        print(f"FAIL {path}: outline box {box}, expected {exp['outline_box']}")
        return 1
    for layer, cs in circles.items():
        for x, y, r in cs:
            if not inside((x, y), o):
                print(f"FAIL {path}: {layer} circle at ({x}, {y}) outside the outline")
                return 1
    area = shoelace(o) - sum(shoelace(c) for c in cut)
    area -= sum(math.pi * r * r for cs in circles.values() for _, _, r in cs)
    n = sum(len(v) for v in circles.values())
    print(f"ok {path}: {n} circles on {len(circles)} layers, {len(cut)} cut-outs, area_mm2={area:.6f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
