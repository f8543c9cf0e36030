#!/usr/bin/env python3
"""Independent check of wiring.csv and bom.csv against fixture.json (Python's csv and
json modules only). Usage: check_wiring_bom.py DIR [DIR ...]; each DIR holds the three
files. Prints one line per directory; exits 1 on the first disagreement."""

import csv
import json
import sys
from collections import Counter


def fail(d, msg):
    print(f"{d}: {msg}")
    sys.exit(1)


def check(d):
    with open(f"{d}/fixture.json", encoding="utf-8") as f:
        fx = json.load(f)
    probes = {p["id"]: p for p in fx["probes"]}
    parts = {p["id"]: p for p in fx["parts"]}
    with open(f"{d}/wiring.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    expected_cols = ["probe", "net", "side", "x_mm", "y_mm", "part", "receptacle", "channel", "connector", "pin", "wire_length_mm"]
    with open(f"{d}/wiring.csv", newline="", encoding="utf-8") as f:
        header = next(csv.reader(f))
    if header != expected_cols:
        fail(d, f"wiring.csv header {header}")
    ids = [r["probe"] for r in rows]
    if sorted(ids) != sorted(probes):
        fail(d, f"wiring.csv lists {len(ids)} probes, fixture.json {len(probes)}")
    if len(set(ids)) != len(ids):
        fail(d, "a probe appears twice in wiring.csv")
    channels = [r["channel"] for r in rows]
    if any(c == "" for c in channels) or len(set(channels)) != len(channels):
        fail(d, "channels missing or repeated")
    assignments = {a["probe"]: a for a in (fx.get("channels") or {}).get("assignments", [])}
    for r in rows:
        p = probes[r["probe"]]
        for key in ("net", "side", "part"):
            if r[key] != p[key]:
                fail(d, f"{r['probe']}: {key} {r[key]!r} vs {p[key]!r}")
        if abs(float(r["x_mm"]) - p["x"]) > 5.1e-5 or abs(float(r["y_mm"]) - p["y"]) > 5.1e-5:
            fail(d, f"{r['probe']}: position differs")
        rec = p.get("receptacle") or parts[p["part"]]["receptacle"]
        if r["receptacle"] != rec:
            fail(d, f"{r['probe']}: receptacle {r['receptacle']} vs {rec}")
        if int(r["channel"]) != p.get("channel"):
            fail(d, f"{r['probe']}: channel {r['channel']} vs {p.get('channel')}")
        a = assignments[r["probe"]]
        if r["connector"] != a["connector"] or int(r["pin"]) != a["pin"]:
            fail(d, f"{r['probe']}: connector pin differs")
    chans = [int(c) for c in channels]
    if chans != sorted(chans):
        fail(d, "wiring.csv is not in channel order")

    with open(f"{d}/bom.csv", newline="", encoding="utf-8") as f:
        bom = list(csv.DictReader(f))
    by_cat = {}
    for r in bom:
        by_cat.setdefault(r["category"], []).append(r)
    want_parts = Counter(p["part"] for p in fx["probes"])
    got_parts = {r["id"]: int(r["quantity"]) for r in by_cat.get("probe", [])}
    if got_parts != dict(want_parts):
        fail(d, f"bom probes {got_parts} vs {dict(want_parts)}")
    for r in by_cat.get("probe", []):
        part = parts[r["id"]]
        if r["maker"] != part["maker"] or r["part_number"] != part["part_number"]:
            fail(d, f"bom maker/part number of {r['id']}")
        if sorted(r["references"].split()) != sorted(i for i, p in probes.items() if p["part"] == r["id"]):
            fail(d, f"bom references of {r['id']}")
    want_rec = Counter(p.get("receptacle") or parts[p["part"]]["receptacle"] for p in fx["probes"])
    got_rec = {r["id"]: int(r["quantity"]) for r in by_cat.get("receptacle", [])}
    if got_rec != dict(want_rec):
        fail(d, f"bom receptacles {got_rec} vs {dict(want_rec)}")
    pins = sum(int(r["quantity"]) for r in by_cat.get("guide pin", []))
    if pins != len(fx.get("tooling", [])):
        fail(d, f"bom guide pins {pins} vs {len(fx.get('tooling', []))}")
    fingers = sum(int(r["quantity"]) for r in by_cat.get("push finger", []))
    want_fingers = sum(1 for s in (fx.get("force") or {}).get("supports", []) if s["kind"] == "push_finger")
    if fingers != want_fingers:
        fail(d, f"bom push fingers {fingers} vs {want_fingers}")
    items = [int(r["item"]) for r in bom]
    if items != list(range(1, len(bom) + 1)):
        fail(d, "bom items are not numbered 1..n")
    print(f"{d}: ok {len(rows)} probes, {len(bom)} bom lines")


for d in sys.argv[1:]:
    check(d)
