"""Independent check of a pogo plate drill file with gerbonara.

usage: check_excellon.py FILE.drl EXPECTED.json
EXPECTED.json: {"holes": [[X, Y, diameter_mm], ...]} in the Excellon frame (mm).
Checks: the file is metric, has exactly the expected holes (as a multiset, matched to
1 um in position and diameter), and nothing else. Prints one summary line.
"""
import json
import sys
import warnings

from gerbonara import ExcellonFile
from gerbonara.utils import MM
from matching import mismatch


def main() -> int:
    path, expected_path = sys.argv[1], sys.argv[2]
    expected = json.load(open(expected_path))["holes"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        f = ExcellonFile.open(path)
    slots = list(f.slots())
    if slots:
        print(f"FAIL {path}: {len(slots)} unexpected slots")
        return 1
    got = []
    for d in f.drills():
        x, y = d.unit.convert_to(MM, d.x), d.unit.convert_to(MM, d.y)
        dia = d.aperture.unit.convert_to(MM, d.aperture.diameter)
        got.append((round(x, 3), round(y, 3), round(dia, 3)))
    want = sorted((round(x, 3), round(y, 3), round(dia, 3)) for x, y, dia in expected)
    got.sort()
    bad = mismatch(got, want, "hole")
    if bad:
        print(f"FAIL {path}: {bad}")
        return 1
    sizes = sorted({w[2] for w in want})
    print(f"ok {path}: {len(got)} holes, diameters {sizes} mm")
    return 0


if __name__ == "__main__":
    sys.exit(main())
