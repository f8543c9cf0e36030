"""Independent check of a pogo plate STL with trimesh.

usage: check_stl.py FILE.stl THICKNESS_MM AREA_MM2 [POCKET_VOLUME_MM3]
Checks: the mesh is watertight, its winding consistent, its volume positive (outward
normals) and equal to AREA_MM2 * THICKNESS_MM (less the blind pockets' volume) within 0.5 %, and its Z extent equals the
thickness. AREA_MM2 comes from the DXF (check_dxf.py), not from our own code.
"""
import sys

import trimesh


def main() -> int:
    path, thickness, area = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
    pockets = float(sys.argv[4]) if len(sys.argv) > 4 else 0.0
    m = trimesh.load(path, file_type="stl", force="mesh")
    if not m.is_watertight:
        print(f"FAIL {path}: not watertight")
        return 1
    if not m.is_winding_consistent:
        print(f"FAIL {path}: winding not consistent")
        return 1
    if not m.is_volume:
        print(f"FAIL {path}: trimesh does not take it for a volume")
        return 1
    vol = m.volume
    want = area * thickness - pockets
    if vol <= 0:
        print(f"FAIL {path}: volume {vol} <= 0 (normals inward)")
        return 1
    if abs(vol - want) > 0.005 * want:
        print(f"FAIL {path}: volume {vol:.3f} mm3, expected {want:.3f} (area {area} x {thickness})")
        return 1
    z = m.bounds[1][2] - m.bounds[0][2]
    if abs(z - thickness) > 1e-4:
        print(f"FAIL {path}: height {z}, expected {thickness}")
        return 1
    print(f"ok {path}: {len(m.faces)} triangles, watertight, volume {vol:.3f} mm3 "
          f"({100 * (vol - want) / want:+.3f} % of area x thickness)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
