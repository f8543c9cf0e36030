#!/usr/bin/env python3
"""Plain numpy Monte Carlo of probe hits: the reference for pogo's Rust Monte Carlo.

The same computation as pogo_tolerance::monte_carlo_hits: for each of the first K
probes of an analysed fixture.json, draw S tip centres from the reported normal
(probe place + tip_mean_offset_mm, tip_cov_mm2) and count those whose contact circle
lies in the pad (shape figures: circle, rect, roundrect, oval). Prints the time.

usage: tolerance_mc_numpy.py fixture.json K S
"""
import json
import math
import sys
import time

import numpy as np


def admits(px, py, t, r):
    hw, hh = t["w"] / 2.0, t["h"] / 2.0
    if t["shape"] == "circle":
        rad = max(hw, hh) - r
        return (px - t["x"]) ** 2 + (py - t["y"]) ** 2 <= rad * rad
    cr = {"rect": 0.0, "roundrect": min(t.get("corner_radius_mm", 0.0), hw, hh), "oval": min(hw, hh)}[t["shape"]]
    a = math.radians(t["rotation"])
    c, s = math.cos(a), math.sin(a)
    dx, dy = px - t["x"], py - t["y"]
    lx, ly = dx * c - dy * s, dx * s + dy * c
    hw2, hh2, cr2 = hw - r, hh - r, max(cr - r, 0.0)
    ex = np.maximum(np.abs(lx) - (hw2 - cr2), 0.0)
    ey = np.maximum(np.abs(ly) - (hh2 - cr2), 0.0)
    return ex * ex + ey * ey <= cr2 * cr2


def main():
    fixture = json.load(open(sys.argv[1]))
    k, samples = int(sys.argv[2]), int(sys.argv[3])
    rng = np.random.default_rng(7)
    t0 = time.perf_counter()
    worst = 0.0
    for probe in fixture["probes"][:k]:
        mean = np.array(probe["tip_mean_offset_mm"]) + np.array([probe["x"], probe["y"]])
        cov = np.array(probe["tip_cov_mm2"])
        chol = np.linalg.cholesky(cov)
        z = rng.standard_normal((2, samples))
        px = mean[0] + chol[0, 0] * z[0]
        py = mean[1] + chol[1, 0] * z[0] + chol[1, 1] * z[1]
        hits = np.count_nonzero(admits(px, py, probe["target"], probe["tip_contact_radius_mm"]))
        p = probe["hit_probability"]
        est = hits / samples
        # Same rule as pogo_tolerance::mc_z: larger variance, half-sample correction.
        se = math.sqrt(max(p * (1 - p), est * (1 - est), 1e-300) / samples)
        worst = max(worst, max(abs(est - p) - 0.5 / samples, 0.0) / se)
    elapsed = time.perf_counter() - t0
    print(json.dumps({"numpy_mc_s": elapsed, "mc_probes": min(k, len(fixture["probes"])),
                      "mc_samples_per_probe": samples, "numpy_worst_abs_z": worst}))


if __name__ == "__main__":
    main()
