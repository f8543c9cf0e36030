#!/usr/bin/env python3
"""Independent check of pogo's hit probabilities (numpy only, no pogo code).

Reads a fixture.json, and for every probe draws samples of the tip centre from the
2-D normal the fixture reports (probe place + tip_mean_offset_mm, tip_cov_mm2), then
counts the samples whose contact circle (tip_contact_radius_mm) lies inside the
target's exposed copper (its `exposed` polygons; the shape figures when it has none).
A hole in the copper may lie inside the contact circle but the circle must not cross
it. Prints one JSON line per probe and exits 1 when any probe's reported
hit_probability is 4 standard errors or more from the estimate (binomial standard
error from the larger of the two variances; half-sample continuity correction).

usage: independent_check.py fixture.json [samples] [seed]
"""
import json
import math
import sys

import numpy as np


def seg_dist(px, py, ax, ay, bx, by):
    dx, dy = bx - ax, by - ay
    l2 = dx * dx + dy * dy
    t = np.zeros_like(px) if l2 == 0 else np.clip(((px - ax) * dx + (py - ay) * dy) / l2, 0.0, 1.0)
    return np.hypot(px - (ax + t * dx), py - (ay + t * dy))


def ring_dist(px, py, ring):
    d = np.full(px.shape, np.inf)
    n = len(ring)
    for i in range(n):
        a, b = ring[i], ring[(i + 1) % n]
        d = np.minimum(d, seg_dist(px, py, a[0], a[1], b[0], b[1]))
    return d


def in_ring(px, py, ring):
    inside = np.zeros(px.shape, dtype=bool)
    n = len(ring)
    for i in range(n):
        (xa, ya), (xb, yb) = ring[i], ring[i - 1]
        if ya == yb:
            continue
        crosses = (ya > py) != (yb > py)
        xint = (xb - xa) * (py - ya) / (yb - ya) + xa
        inside ^= crosses & (px < xint)
    return inside


def polygon_admits(px, py, poly, r):
    outer = [(p["x"], p["y"]) for p in poly["outer"]]
    ok = in_ring(px, py, outer) & (ring_dist(px, py, outer) >= r)
    for h in poly["holes"]:
        hole = [(p["x"], p["y"]) for p in h]
        dmax = np.zeros(px.shape)
        for (hx, hy) in hole:
            dmax = np.maximum(dmax, np.hypot(px - hx, py - hy))
        clear = (~in_ring(px, py, hole)) & (ring_dist(px, py, hole) >= r)
        ok &= (dmax <= r) | clear
    return ok


def shape_admits(px, py, t, r):
    hw, hh = t["w"] / 2.0, t["h"] / 2.0
    shape = t["shape"]
    if shape == "circle":
        rad = max(hw, hh)
        return np.hypot(px - t["x"], py - t["y"]) <= rad - r
    cr = {"rect": 0.0, "roundrect": min(t.get("corner_radius_mm", 0.0), hw, hh), "oval": min(hw, hh)}.get(shape, 0.0)
    a = math.radians(t["rotation"])
    c, s = math.cos(a), math.sin(a)
    dx, dy = px - t["x"], py - t["y"]
    # KiCad rotation maps local (x, y) to (x c + y s, -x s + y c); invert it.
    lx = dx * c - dy * s
    ly = dx * s + dy * c
    hw2, hh2, cr2 = hw - r, hh - r, max(cr - r, 0.0)
    if hw2 <= 0 or hh2 <= 0:
        return np.zeros(px.shape, dtype=bool)
    ex = np.maximum(np.abs(lx) - (hw2 - cr2), 0.0)
    ey = np.maximum(np.abs(ly) - (hh2 - cr2), 0.0)
    return ex * ex + ey * ey <= cr2 * cr2


def main():
    path = sys.argv[1]
    samples = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 12345
    fixture = json.load(open(path))
    rng = np.random.default_rng(seed)
    bad = 0
    for probe in fixture["probes"]:
        p = probe["hit_probability"]
        mean = np.array(probe["tip_mean_offset_mm"]) + np.array([probe["x"], probe["y"]])
        cov = np.array(probe["tip_cov_mm2"])
        r = probe["tip_contact_radius_mm"]
        pts = rng.multivariate_normal(mean, cov, size=samples, method="eigh")
        px, py = pts[:, 0], pts[:, 1]
        target = probe["target"]
        polys = [q for q in target["exposed"] if len(q["outer"]) >= 3]
        if polys:
            ok = np.zeros(samples, dtype=bool)
            for q in polys:
                ok |= polygon_admits(px, py, q, r)
        else:
            ok = shape_admits(px, py, target, r)
        est = float(ok.mean())
        # Binomial standard error from the larger of the two variances, and a
        # continuity correction of half a sample (one rare miss is not a disagreement).
        se = math.sqrt(max(p * (1.0 - p), est * (1.0 - est), 1e-300) / samples)
        diff = max(abs(est - p) - 0.5 / samples, 0.0)
        z = math.copysign(diff / se, est - p)
        agree = bool(diff < 4.0 * se)
        bad += not agree
        print(json.dumps({"id": probe["id"], "reported": p, "numpy": est, "std_error": se, "z": z, "agree": agree}))
    print(json.dumps({"probes": len(fixture["probes"]), "disagree": bad}))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
