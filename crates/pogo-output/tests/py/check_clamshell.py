"""Independent check of pogo's clamshell files with ezdxf and trimesh (+ python-fcl).

usage: check_clamshell.py OUT_DIR ASSUMED_PART_HEIGHT_MM
Reads OUT_DIR/fixture.json and, for every clamshell part:
- frame-NAME.stl (every part pogo draws): watertight, consistently wound, positive
  volume, extent along Z equal to the part's thickness;
- frame-NAME.dxf (laser-cut parts): read by ezdxf, every POLYLINE/LWPOLYLINE closed,
  one outline on PART_OUTLINE;
then places every part mesh (and the probe plates' plate-SIDE.stl) at its closed
position and asks trimesh's collision manager (FCL) whether any touches a box of a
board part at its height (the courtyard's box, shrunk by 0.05 mm so that a push finger
resting on a part's top does not count). Prints one line per finding and exits 1 if any.
"""
import json
import sys
from pathlib import Path

import ezdxf
import numpy as np
import trimesh


def placement_matrix(pl):
    u, v, o = np.array(pl["u"]), np.array(pl["v"]), np.array(pl["origin"])
    n = np.cross(u, v)
    m = np.eye(4)
    m[:3, 0], m[:3, 1], m[:3, 2], m[:3, 3] = u, v, n, o
    return m


def main() -> int:
    out, assumed = Path(sys.argv[1]), float(sys.argv[2])
    fx = json.loads((out / "fixture.json").read_text())
    c = fx["clamshell"]
    fails = []
    manager = trimesh.collision.CollisionManager()
    for part in c["parts"]:
        name = part["name"]
        if part["making"] == "plate_files":
            mesh = trimesh.load(out / f"{name}.stl", file_type="stl", force="mesh")
            # plate-SIDE.stl is drawn in X = page x, Y = -(page y); the turned-over upper
            # plate's own frame is the page's: mirror its y.
            pre = np.diag([1.0, -1.0 if part["placements"][0]["v"][1] < 0 else 1.0, 1.0, 1.0])
        else:
            mesh = trimesh.load(out / f"frame-{name}.stl", file_type="stl", force="mesh")
            pre = np.eye(4)
            if not (mesh.is_watertight and mesh.is_winding_consistent and mesh.volume > 0):
                fails.append(f"frame-{name}.stl: not a closed, outward solid")
            dz = mesh.bounds[1][2] - mesh.bounds[0][2]
            if abs(dz - part["thickness_mm"]) > 1e-3:
                fails.append(f"frame-{name}.stl: {dz} thick, expected {part['thickness_mm']}")
        if part["making"] == "laser":
            doc = ezdxf.readfile(out / f"frame-{name}.dxf")
            ents = [e for e in doc.modelspace() if e.dxftype() in ("POLYLINE", "LWPOLYLINE")]
            if not all(e.is_closed for e in ents):
                fails.append(f"frame-{name}.dxf: an open polyline")
            if sum(1 for e in ents if e.dxf.layer == "PART_OUTLINE") != 1:
                fails.append(f"frame-{name}.dxf: not one outline")
        for i, pl in enumerate(part["placements"]):
            manager.add_object(f"{name}#{i}", mesh, transform=placement_matrix(pl) @ pre)
    tb = fx["board"]["thickness_mm"]
    hits = 0
    for p in fx["board"]["parts"]:
        pts = [q for poly in p["courtyard"] for q in poly["outer"]]
        if pts:
            x0, x1 = min(q["x"] for q in pts), max(q["x"] for q in pts)
            y0, y1 = min(q["y"] for q in pts), max(q["y"] for q in pts)
        else:
            x0, x1, y0, y1 = p["x"] - 1.5, p["x"] + 1.5, p["y"] - 1.5, p["y"] + 1.5
        h = p.get("height_mm") or assumed
        z0, z1 = (tb, tb + h) if p["side"] == "top" else (-h, 0.0)
        e = 0.05
        ext = [x1 - x0 - 2 * e, y1 - y0 - 2 * e, z1 - z0 - 2 * e]
        if min(ext) <= 0:
            continue
        box = trimesh.creation.box(ext, transform=trimesh.transformations.translation_matrix(
            [(x0 + x1) / 2, -(y0 + y1) / 2, (z0 + z1) / 2]))
        hit, names = manager.in_collision_single(box, return_names=True)
        if hit:
            hits += 1
            fails.append(f"{p['reference']} ({p['side']}, {h} mm) touches {sorted(names)}")
    for f in fails:
        print("FAIL", f)
    print(f"checked {len(c['parts'])} parts against {len(fx['board']['parts'])} board parts: "
          f"{hits} collisions")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
