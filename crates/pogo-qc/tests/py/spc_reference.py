"""Independent SPC reference for pogo-qc tests (numpy only).

usage: spc_reference.py constants
       spc_reference.py chart VALUES_FILE SUBGROUP

`constants` prints, for n = 2..25, the control chart constants computed from their
definitions: d2 = E[range of n standard normals] and d3 = sd of that range (numerical
integration of Tippett's formulas), c4 from the gamma function, and A2, A3, B3, B4, D3,
D4, E2 from those. `chart` reads one value per line and prints the chart statistics
with these constants. Output is JSON on stdout.
"""
import json
import math
import sys

import numpy as np

GRID = np.linspace(-8.0, 8.0, 2401)
STEP = GRID[1] - GRID[0]
PHI = np.array([0.5 * (1.0 + math.erf(x / math.sqrt(2.0))) for x in GRID])


def d2_d3(n):
    f1 = 1.0 - PHI**n - (1.0 - PHI) ** n
    d2 = np.trapezoid(f1, GRID) if hasattr(np, "trapezoid") else np.trapz(f1, GRID)
    # E[R^2] = 2 * integral over x < y of 1 - F(y)^n - (1 - F(x))^n + (F(y) - F(x))^n
    fx = PHI[:, None]
    fy = PHI[None, :]
    inner = 1.0 - fy**n - (1.0 - fx) ** n + np.clip(fy - fx, 0.0, None) ** n
    # Trapezoid weights on the triangle y >= x: half weight on the diagonal.
    weight = np.where(GRID[None, :] > GRID[:, None], 1.0, 0.0) + 0.5 * np.eye(len(GRID))
    er2 = 2.0 * np.sum(weight * inner) * STEP * STEP
    return float(d2), float(math.sqrt(max(er2 - d2 * d2, 0.0)))


def c4(n):
    return math.sqrt(2.0 / (n - 1)) * math.exp(math.lgamma(n / 2.0) - math.lgamma((n - 1) / 2.0))


def constants(n):
    d2, d3 = d2_d3(n)
    c = c4(n)
    k = 3.0 * math.sqrt(1.0 - c * c) / c
    return {
        "n": n,
        "d2": d2,
        "d3": d3,
        "c4": c,
        "a2": 3.0 / (d2 * math.sqrt(n)),
        "a3": 3.0 / (c * math.sqrt(n)),
        "b3": max(0.0, 1.0 - k),
        "b4": 1.0 + k,
        "d3_lower": max(0.0, 1.0 - 3.0 * d3 / d2),
        "d4": 1.0 + 3.0 * d3 / d2,
        "e2": 3.0 / d2,
    }


def chart(values, k):
    x = np.asarray(values, dtype=float)
    out = {"sigma_overall": float(np.std(x, ddof=1)), "mean": float(np.mean(x))}
    if k == 1:
        mr = np.abs(np.diff(x))
        out.update({"points": x.tolist(), "dispersion_points": mr.tolist(), "dispersion_center": float(np.mean(mr))})
    else:
        g = x.reshape(-1, k)
        means = g.mean(axis=1)
        if k <= 10:
            disp = g.max(axis=1) - g.min(axis=1)
        else:
            disp = g.std(axis=1, ddof=1)
        out.update(
            {
                "points": means.tolist(),
                "dispersion_points": disp.tolist(),
                "center": float(np.mean(means)),
                "dispersion_center": float(np.mean(disp)),
            }
        )
    return out


def main():
    if sys.argv[1] == "constants":
        print(json.dumps([constants(n) for n in range(2, 26)]))
    else:
        with open(sys.argv[2]) as f:
            values = [float(line) for line in f if line.strip()]
        print(json.dumps(chart(values, int(sys.argv[3]))))


if __name__ == "__main__":
    main()
