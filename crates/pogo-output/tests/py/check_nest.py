"""Independent check of a pogo nest with shapely and trimesh.

usage: check_nest.py FIXTURE.json NEST.stl
Checks, from fixture.json alone (the board outline, the registration, the nest):
- the pocket is the board outline buffered by the clearance (shapely's own offset):
  their symmetric difference is under 1 % of the buffered outline's area;
- every probe clearance hole lies inside the pocket (none cuts the pocket wall);
- the nest STL is watertight, consistently wound, a positive volume, as thick as
  the nest plate, and its volume is the plate's less the pocket and the opening
  within 2 % (the chamfer and the chords account for the rest).
Prints one line per finding; exit 1 on a failure.
"""
import json
import sys

import shapely
import trimesh
from shapely.geometry import Point, Polygon


def polygons(polys):
    out = [Polygon([(p["x"], p["y"]) for p in poly["outer"]],
                   [[(p["x"], p["y"]) for p in h] for h in poly["holes"]]) for poly in polys]
    return shapely.union_all([shapely.make_valid(p) for p in out])


def main() -> int:
    fixture = json.load(open(sys.argv[1]))
    reg = fixture["registration"]
    outline = polygons(fixture["board"]["outline"])
    pocket = polygons(reg["pocket"])
    want = outline.buffer(reg["clearance_mm"], quad_segs=64)
    sym = pocket.symmetric_difference(want).area
    share = sym / want.area
    print(f"pocket {pocket.area:.4f} mm2, shapely buffer {want.area:.4f} mm2, "
          f"symmetric difference {sym:.6f} mm2 ({100 * share:.4f} %)")
    fail = share >= 0.01
    nest = reg["nest"]
    for h in nest["probe_holes"]:
        hole = Point(h["x"], h["y"]).buffer(h["diameter_mm"] / 2.0, quad_segs=32)
        if not pocket.buffer(1e-6).contains(hole):
            print(f"FAIL probe {h['probe']}: clearance hole cuts the pocket wall")
            fail = True
    m = trimesh.load(sys.argv[2], file_type="stl", force="mesh")
    if not (m.is_watertight and m.is_winding_consistent and m.volume > 0):
        print(f"FAIL {sys.argv[2]}: watertight {m.is_watertight}, winding "
              f"{m.is_winding_consistent}, volume {m.volume}")
        return 1
    t = nest["thickness_mm"]
    z = m.bounds[1][2] - m.bounds[0][2]
    plate = Polygon([(p["x"], p["y"]) for p in nest["plate_outline"]])
    cut = polygons(nest["cut"])
    opening = polygons(nest["opening"])
    expect = plate.area * t - opening.area * t - (cut.area - opening.area) * nest["pocket_depth_mm"]
    print(f"stl watertight, volume {m.volume:.2f} mm3, expected {expect:.2f} mm3, z {z:.3f} mm")
    if abs(z - t) > 1e-3 or abs(m.volume - expect) > 0.02 * expect:
        print("FAIL stl volume or thickness")
        fail = True
    return 1 if fail else 0


if __name__ == "__main__":
    sys.exit(main())
