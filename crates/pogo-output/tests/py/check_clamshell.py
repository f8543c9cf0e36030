"""Independent check of pogo's clamshell files with ezdxf and trimesh (+ python-fcl).

usage: check_clamshell.py OUT_DIR ASSUMED_PART_HEIGHT_MM
Reads OUT_DIR/fixture.json and, for every clamshell part:
- frame-NAME.stl (every part pogo draws): watertight, consistently wound, positive
  volume, extent along Z equal to the part's thickness;
- frame-NAME.dxf (laser-cut parts): read by ezdxf, every POLYLINE/LWPOLYLINE closed,
  one outline on PART_OUTLINE;
then places every part mesh (and the probe plates' plate-SIDE.stl, the nest's nest.stl)
at its closed
position and asks trimesh's collision manager (FCL) whether any touches a board part
at its height (the convex hull of its courtyard, or a 1.5 mm radius disc without one,
as pogo's model; shrunk 0.05 mm in Z so that a push finger resting on a part's top
does not count; a tooling pin in the hole of its own footprint does not count).
Prints one line per finding and exits 1 if any.
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


def ear_clip(poly):
    """Triangles of a simple polygon (list of (x, y)) by ear clipping."""
    pts = list(poly)
    if len(pts) > 3 and pts[0] == pts[-1]:
        pts.pop()
    area = sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(pts, pts[1:] + pts[:1]))
    if area < 0:
        pts.reverse()
    idx, tris = list(range(len(pts))), []

    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    guard = 0
    while len(idx) > 3 and guard < 10000:
        guard += 1
        for k in range(len(idx)):
            i0, i1, i2 = idx[k - 1], idx[k], idx[(k + 1) % len(idx)]
            a, b, c = pts[i0], pts[i1], pts[i2]
            if cross(a, b, c) <= 1e-12:
                continue
            if any(cross(a, b, pts[j]) >= 0 and cross(b, c, pts[j]) >= 0 and cross(c, a, pts[j]) >= 0
                   for j in idx if j not in (i0, i1, i2)):
                continue
            tris.append((a, b, c))
            idx.pop(k)
            break
        else:
            break
    if len(idx) == 3:
        tris.append(tuple(pts[j] for j in idx))
    return tris


def ring_courtyard(p):
    """(cx, cy, r_in, r_out) of a courtyard that is one circle with one round hole."""
    if len(p["courtyard"]) != 1 or len(p["courtyard"][0]["holes"]) != 1:
        return None
    outer = np.array([(q["x"], -q["y"]) for q in p["courtyard"][0]["outer"]])
    hole = np.array([(q["x"], -q["y"]) for q in p["courtyard"][0]["holes"][0]])
    c = outer.mean(axis=0)
    ro, ri = np.hypot(*(outer - c).T), np.hypot(*(hole - c).T)
    if ro.max() - ro.min() > 0.05 or ri.max() - ri.min() > 0.05:
        return None
    return c[0], c[1], ri.max(), ro.max()


def main() -> int:
    out, assumed = Path(sys.argv[1]), float(sys.argv[2])
    fx = json.loads((out / "fixture.json").read_text())
    c = fx["clamshell"]
    fails = []
    manager = trimesh.collision.CollisionManager()
    pin_hole = {}  # tooling pin copy -> reference of the footprint whose hole it enters
    for part in c["parts"]:
        name = part["name"]
        if part["making"] == "plate_files":
            mesh = trimesh.load(out / f"{name}.stl", file_type="stl", force="mesh")
            # plate-SIDE.stl is drawn in X = page x, Y = -(page y); the turned-over upper
            # plate's own frame is the page's: mirror its y.
            pre = np.diag([1.0, -1.0 if part["placements"][0]["v"][1] < 0 else 1.0, 1.0, 1.0])
        elif part["making"] == "nest_files":
            # nest.stl is drawn in the model frame, Z from its bottom face.
            mesh = trimesh.load(out / "nest.stl", file_type="stl", force="mesh")
            pre = np.eye(4)
            if not (mesh.is_watertight and mesh.volume > 0):
                fails.append("nest.stl: not a closed solid")
            dz = mesh.bounds[1][2] - mesh.bounds[0][2]
            if abs(dz - part["thickness_mm"]) > 1e-3:
                fails.append(f"nest.stl: {dz} thick, expected {part['thickness_mm']}")
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
            if part["role"] == "tooling_pin":
                # The footprint whose hole the pin enters (fixture.json tooling[]).
                for t in fx.get("tooling", []):
                    if abs(t["x"] - pl["origin"][0]) < 1e-6 and abs(-t["y"] - pl["origin"][1]) < 1e-6:
                        pin_hole[f"{name}#{i}"] = t.get("hole_ref", "")
    tb = fx["board"]["thickness_mm"]
    hits = 0
    for p in fx["board"]["parts"]:
        h = p.get("height_mm") or assumed
        z0, z1 = (tb, tb + h) if p["side"] == "top" else (-h, 0.0)
        # Shrunk 0.05 mm in Z so a finger resting on the part's top does not count.
        e = 0.05
        if h <= 2 * e:
            continue
        pts = [(q["x"], -q["y"]) for poly in p["courtyard"] for q in poly["outer"]]
        ring = ring_courtyard(p)
        if ring is not None:
            # A round courtyard with a round hole (a mounting hole's): an annulus.
            cx, cy, r_in, r_out = ring
            solid = trimesh.creation.annulus(
                r_min=r_in, r_max=r_out, height=h - 2 * e,
                transform=trimesh.transformations.translation_matrix([cx, cy, (z0 + z1) / 2]))
        elif len(pts) >= 3:
            # The courtyard polygons (holes aside) as prisms over their triangles.
            solids = []
            for poly in p["courtyard"]:
                for tri in ear_clip([(q["x"], -q["y"]) for q in poly["outer"]]):
                    corners = np.array([(x, y, z) for x, y in tri for z in (z0 + e, z1 - e)])
                    solids.append(trimesh.convex.convex_hull(corners))
            solid = trimesh.util.concatenate(solids)
        else:
            solid = trimesh.creation.cylinder(
                radius=1.5, height=h - 2 * e,
                transform=trimesh.transformations.translation_matrix(
                    [p["x"], -p["y"], (z0 + z1) / 2]))
        hit, names = manager.in_collision_single(solid, return_names=True)
        # A tooling pin stands in its own footprint's hole.
        names = {n for n in names if not (p["reference"] and pin_hole.get(n) == p["reference"])}
        hit = bool(names)
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
