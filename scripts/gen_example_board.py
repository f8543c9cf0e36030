#!/usr/bin/env python3
"""Writes examples/pogo-demo/pogo-demo.kicad_pcb: pogo's own example board.

A small two-sided board (80 x 60 mm, KiCad 6 file format 20211014 so that Debian's
KiCad 6 `pcbnew` can load it): a 5 V -> 3.3 V regulator, an I2C EEPROM (SOIC-8), an
I2C I/O expander (QFN-16) driving an LED and a MOSFET load switch, a tall electrolytic
capacitor, a 2x5 and a 1x2 through-hole header, 0603/0805 passives on both sides,
test points TP1..TP20 on both sides, vias (three of them untented: mask opened by
F.Mask/B.Mask graphics, the KiCad 6 way), a non-rectangular outline (arcs, a chamfer,
a notch and a slot cut-out) and four 3.2 mm NPTH mounting holes.

Deliberately awkward for a fixture designer: TP11 sits 1.2 mm from the board edge,
TP12 sits 1 mm from the courtyard of the 7.7 mm tall C7, TP4/TP5 are 1.9 mm apart,
and two QFN pins are unconnected (one without a net, one on a single-pad net).

usage: python3 scripts/gen_example_board.py [OUT.kicad_pcb]
The output is deterministic (uuids derive from names).
"""
import math
import sys
import uuid
from pathlib import Path

NS = uuid.UUID("6f0a2b1e-4c1d-4f7a-9d3e-706f676f6465")


def uid(*parts):
    return str(uuid.uuid5(NS, "/".join(str(p) for p in parts)))


def n(v):
    """KiCad-style number: shortest form, no trailing zeros."""
    s = f"{v:.6f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


# ---------------------------------------------------------------- footprints --
# A footprint definition: local geometry as seen from the top.
# pads: (number, kind, shape, (x, y), (w, h), drill, extra)
# graphics: ("line", layer_suffix, (x1, y1), (x2, y2)) / ("rect", suffix, (x1,y1), (x2,y2))
#           / ("circle", suffix, (cx, cy), r)


def rect_lines(suffix, x1, y1, x2, y2):
    return [("line", suffix, (x1, y1), (x2, y1)), ("line", suffix, (x2, y1), (x2, y2)),
            ("line", suffix, (x2, y2), (x1, y2)), ("line", suffix, (x1, y2), (x1, y1))]


def two_pad(lib, pitch_half, pad_w, pad_h, crt, fab, descr, model):
    return {
        "lib": lib, "descr": descr, "attr": "smd", "model": model,
        "pads": [("1", "smd", "roundrect", (-pitch_half, 0), (pad_w, pad_h), None, 0.25),
                 ("2", "smd", "roundrect", (pitch_half, 0), (pad_w, pad_h), None, 0.25)],
        "graphics": rect_lines("CrtYd", -crt[0], -crt[1], crt[0], crt[1])
        + rect_lines("Fab", -fab[0], -fab[1], fab[0], fab[1]),
    }


FP = {
    "R0603": two_pad("Resistor_SMD:R_0603_1608Metric", 0.825, 0.8, 0.95, (1.48, 0.73), (0.8, 0.4),
                     "Resistor SMD 0603 (1608 Metric)", "Resistor_SMD.3dshapes/R_0603_1608Metric.wrl"),
    "C0603": two_pad("Capacitor_SMD:C_0603_1608Metric", 0.775, 0.9, 0.95, (1.48, 0.73), (0.8, 0.4),
                     "Capacitor SMD 0603 (1608 Metric)", "Capacitor_SMD.3dshapes/C_0603_1608Metric.wrl"),
    "C0805": two_pad("Capacitor_SMD:C_0805_2012Metric", 0.95, 1.0, 1.45, (1.7, 0.98), (1.0, 0.625),
                     "Capacitor SMD 0805 (2012 Metric)", "Capacitor_SMD.3dshapes/C_0805_2012Metric.wrl"),
    "LED0805": two_pad("LED_SMD:LED_0805_2012Metric", 0.9375, 0.975, 1.4, (1.68, 0.95), (1.0, 0.6),
                       "LED SMD 0805 (2012 Metric)", "LED_SMD.3dshapes/LED_0805_2012Metric.wrl"),
}

FP["SOIC8"] = {
    "lib": "Package_SO:SOIC-8_3.9x4.9mm_P1.27mm", "descr": "SOIC, 8 Pin, 3.9x4.9 mm, pitch 1.27 mm",
    "attr": "smd", "model": "Package_SO.3dshapes/SOIC-8_3.9x4.9mm_P1.27mm.wrl",
    "pads": [(str(i + 1), "smd", "roundrect", (-2.475, -1.905 + 1.27 * i), (1.95, 0.6), None, 0.25)
             for i in range(4)]
    + [(str(8 - i), "smd", "roundrect", (2.475, -1.905 + 1.27 * i), (1.95, 0.6), None, 0.25)
       for i in range(4)],
    "graphics": rect_lines("CrtYd", -3.7, -2.7, 3.7, 2.7)
    + [("line", "Fab", (-0.975, -2.45), (1.95, -2.45)), ("line", "Fab", (1.95, -2.45), (1.95, 2.45)),
       ("line", "Fab", (1.95, 2.45), (-1.95, 2.45)), ("line", "Fab", (-1.95, 2.45), (-1.95, -1.475)),
       ("line", "Fab", (-1.95, -1.475), (-0.975, -2.45))],
}


def qfn16():
    pads = []
    p = 0.5
    for i in range(4):
        pads.append((str(1 + i), "smd", "roundrect", (-1.475, -0.75 + p * i), (0.75, 0.25), None, 0.25))
        pads.append((str(5 + i), "smd", "roundrect", (-0.75 + p * i, 1.475), (0.25, 0.75), None, 0.25))
        pads.append((str(9 + i), "smd", "roundrect", (1.475, 0.75 - p * i), (0.75, 0.25), None, 0.25))
        pads.append((str(13 + i), "smd", "roundrect", (0.75 - p * i, -1.475), (0.25, 0.75), None, 0.25))
    pads.sort(key=lambda t: int(t[0]))
    pads.append(("17", "smd", "rect", (0, 0), (1.7, 1.7), None, None))
    return {
        "lib": "Package_DFN_QFN:QFN-16-1EP_3x3mm_P0.5mm_EP1.7x1.7mm",
        "descr": "QFN, 16 Pin, 3x3 mm, pitch 0.5 mm, exposed pad 1.7x1.7 mm", "attr": "smd",
        "model": "Package_DFN_QFN.3dshapes/QFN-16-1EP_3x3mm_P0.5mm_EP1.7x1.7mm.wrl",
        "pads": pads,
        "graphics": rect_lines("CrtYd", -2.1, -2.1, 2.1, 2.1)
        + [("line", "Fab", (-0.75, -1.5), (1.5, -1.5)), ("line", "Fab", (1.5, -1.5), (1.5, 1.5)),
           ("line", "Fab", (1.5, 1.5), (-1.5, 1.5)), ("line", "Fab", (-1.5, 1.5), (-1.5, -0.75)),
           ("line", "Fab", (-1.5, -0.75), (-0.75, -1.5))],
    }


FP["QFN16"] = qfn16()

FP["SOT223"] = {
    "lib": "Package_TO_SOT_SMD:SOT-223-3_TabPin2", "descr": "SOT-223, 3 pins + tab on pin 2",
    "attr": "smd", "model": "Package_TO_SOT_SMD.3dshapes/SOT-223.wrl",
    "pads": [("1", "smd", "roundrect", (-3.15, -2.3), (2.0, 1.5), None, 0.25),
             ("2", "smd", "roundrect", (-3.15, 0), (2.0, 1.5), None, 0.25),
             ("3", "smd", "roundrect", (-3.15, 2.3), (2.0, 1.5), None, 0.25),
             ("2", "smd", "roundrect", (3.15, 0), (2.0, 3.8), None, 0.125)],
    "graphics": rect_lines("CrtYd", -4.4, -3.6, 4.4, 3.6) + rect_lines("Fab", -1.85, -3.35, 1.85, 3.35),
}

FP["SOT23"] = {
    "lib": "Package_TO_SOT_SMD:SOT-23", "descr": "SOT, 3 pins", "attr": "smd",
    "model": "Package_TO_SOT_SMD.3dshapes/SOT-23.wrl",
    "pads": [("1", "smd", "roundrect", (-0.9375, -0.95), (1.325, 0.6), None, 0.25),
             ("2", "smd", "roundrect", (-0.9375, 0.95), (1.325, 0.6), None, 0.25),
             ("3", "smd", "roundrect", (0.9375, 0), (1.325, 0.6), None, 0.25)],
    "graphics": rect_lines("CrtYd", -1.92, -1.7, 1.92, 1.7) + rect_lines("Fab", -0.65, -1.45, 0.65, 1.45),
}

FP["CP6.3"] = {
    "lib": "Capacitor_SMD:CP_Elec_6.3x7.7", "descr": "SMD electrolytic capacitor, 6.3 x 7.7 mm",
    "attr": "smd", "model": "Capacitor_SMD.3dshapes/CP_Elec_6.3x7.7.wrl", "height": 7.7,
    "pads": [("1", "smd", "roundrect", (-2.7, 0), (3.5, 1.6), None, 0.15625),
             ("2", "smd", "roundrect", (2.7, 0), (3.5, 1.6), None, 0.15625)],
    "graphics": rect_lines("CrtYd", -4.7, -3.55, 4.7, 3.55)
    + [("line", "Fab", (-2.3, -3.3), (3.3, -3.3)), ("line", "Fab", (3.3, -3.3), (3.3, 3.3)),
       ("line", "Fab", (3.3, 3.3), (-2.3, 3.3)), ("line", "Fab", (-2.3, 3.3), (-3.3, 2.3)),
       ("line", "Fab", (-3.3, 2.3), (-3.3, -2.3)), ("line", "Fab", (-3.3, -2.3), (-2.3, -3.3))],
}


def header(rows, cols):
    pads = []
    for r in range(rows):
        for c in range(cols):
            num = r * cols + c + 1
            shape = "rect" if num == 1 else "oval"
            pads.append((str(num), "thru_hole", shape, (2.54 * c, 2.54 * r), (1.7, 1.7), 1.0, None))
    w = 2.54 * (cols - 1)
    h = 2.54 * (rows - 1)
    lib = f"Connector_PinHeader_2.54mm:PinHeader_{cols}x{rows:02d}_P2.54mm_Vertical"
    return {
        "lib": lib, "descr": f"Through hole straight pin header, {cols}x{rows:02d}, 2.54 mm pitch",
        "attr": "through_hole", "model": f"Connector_PinHeader_2.54mm.3dshapes/PinHeader_{cols}x{rows:02d}_P2.54mm_Vertical.wrl",
        "height": 8.5, "pads": pads,
        "graphics": rect_lines("CrtYd", -1.8, -1.8, w + 1.8, h + 1.8)
        + [("line", "Fab", (-0.635, -1.27), (w + 1.27, -1.27)), ("line", "Fab", (w + 1.27, -1.27), (w + 1.27, h + 1.27)),
           ("line", "Fab", (w + 1.27, h + 1.27), (-1.27, h + 1.27)), ("line", "Fab", (-1.27, h + 1.27), (-1.27, -0.635)),
           ("line", "Fab", (-1.27, -0.635), (-0.635, -1.27))],
    }


FP["HDR2x5"] = header(5, 2)
FP["HDR1x2"] = header(2, 1)

FP["MH3.2"] = {
    "lib": "MountingHole:MountingHole_3.2mm_M3", "descr": "Mounting Hole 3.2mm, no annular, M3",
    "attr": "exclude_from_pos_files exclude_from_bom", "model": None,
    "pads": [("", "np_thru_hole", "circle", (0, 0), (3.2, 3.2), 3.2, None)],
    "graphics": [("circle", "CrtYd", (0, 0), 3.45), ("circle", "Fab", (0, 0), 3.2)],
}

FP["TP1.5"] = {
    "lib": "TestPoint:TestPoint_Pad_D1.5mm", "descr": "SMD pad as test Point, diameter 1.5mm",
    "attr": "exclude_from_pos_files exclude_from_bom", "model": None,
    "pads": [("1", "smd", "circle", (0, 0), (1.5, 1.5), None, None)],
    "graphics": [("circle", "CrtYd", (0, 0), 1.25), ("circle", "Fab", (0, 0), 0.75)],
}

# --------------------------------------------------------------------- parts --
# (ref, footprint, value, x, y, rotation, side, {pad number: net})
TOP, BOT = "top", "bottom"
PARTS = [
    ("H1", "MH3.2", "MountingHole", 104.5, 104.5, 0, TOP, {}),
    ("H2", "MH3.2", "MountingHole", 175.5, 104.5, 0, TOP, {}),
    ("H3", "MH3.2", "MountingHole", 104.5, 155.5, 0, TOP, {}),
    ("H4", "MH3.2", "MountingHole", 171.5, 155.5, 0, TOP, {}),
    ("J1", "HDR2x5", "Conn_02x05", 107.5, 121.0, 0, TOP,
     {"1": "+5V", "2": "GND", "3": "SDA", "4": "SCL", "5": "+3V3", "6": "GND", "7": "/RESET",
      "8": "/TX", "9": "/RX", "10": "GND"}),
    ("J2", "HDR1x2", "LOAD", 174.0, 138.0, 0, TOP, {"1": "/LOAD", "2": "+5V"}),
    ("U3", "SOT223", "AMS1117-3.3", 122.0, 112.0, 0, TOP, {"1": "GND", "2": "+3V3", "3": "+5V"}),
    ("C1", "C0805", "10u", 116.0, 120.0, 90, TOP, {"1": "+5V", "2": "GND"}),
    ("C2", "C0805", "10u", 128.0, 120.0, 90, TOP, {"1": "+3V3", "2": "GND"}),
    ("C7", "CP6.3", "100u", 148.0, 112.0, 0, TOP, {"1": "+5V", "2": "GND"}),
    ("R1", "R0603", "4k7", 135.0, 124.0, 0, TOP, {"1": "+3V3", "2": "SDA"}),
    ("R2", "R0603", "4k7", 135.0, 126.5, 0, TOP, {"1": "+3V3", "2": "SCL"}),
    ("U1", "SOIC8", "24LC256", 148.0, 128.0, 0, TOP,
     {"1": "GND", "2": "GND", "3": "GND", "4": "GND", "5": "SDA", "6": "SCL", "7": "/WP", "8": "+3V3"}),
    ("R4", "R0603", "10k", 148.0, 133.5, 0, TOP, {"1": "/WP", "2": "GND"}),
    ("U2", "QFN16", "TCA9534", 166.0, 124.0, 0, TOP,
     {"1": "SCL", "2": "SDA", "3": "/INT", "4": "/LED_K", "5": "/P1", "6": "/P2", "7": "/P3",
      "8": "GND", "9": "/P4", "10": "/P5", "12": "unconnected-(U2-P7-Pad12)", "13": "GND",
      "14": "GND", "15": "+3V3", "16": "+3V3", "17": "GND"}),
    ("C5", "C0603", "100n", 166.0, 119.5, 0, TOP, {"1": "+3V3", "2": "GND"}),
    ("R3", "R0603", "1k", 160.0, 132.0, 0, TOP, {"1": "+3V3", "2": "/LED_A"}),
    ("D1", "LED0805", "green", 165.0, 132.0, 0, TOP, {"1": "/LED_K", "2": "/LED_A"}),
    ("R6", "R0603", "10k", 160.0, 135.0, 0, TOP, {"1": "+3V3", "2": "/P1"}),
    ("R7", "R0603", "10k", 165.0, 135.0, 0, TOP, {"1": "+3V3", "2": "/P2"}),
    ("R12", "R0603", "10k", 170.0, 135.0, 0, TOP, {"1": "+3V3", "2": "/INT"}),
    ("R8", "R0603", "100", 172.0, 124.0, 90, TOP, {"1": "/P4", "2": "/GATE"}),
    ("C8", "C0603", "1n", 172.0, 119.0, 0, TOP, {"1": "/P5", "2": "GND"}),
    ("R10", "R0603", "33", 118.0, 128.0, 0, TOP, {"1": "/TX", "2": "/TX_F"}),
    ("R11", "R0603", "33", 118.0, 131.0, 0, TOP, {"1": "/RX", "2": "/RX_F"}),
    ("C3", "C0603", "100n", 148.0, 128.0, 0, BOT, {"1": "+3V3", "2": "GND"}),
    ("C4", "C0603", "100n", 166.0, 124.0, 0, BOT, {"1": "+3V3", "2": "GND"}),
    ("R9", "R0603", "10k", 125.0, 138.0, 0, BOT, {"1": "+3V3", "2": "/RESET"}),
    ("C6", "C0603", "100n", 125.0, 141.0, 0, BOT, {"1": "/RESET", "2": "GND"}),
    ("Q1", "SOT23", "AO3400", 170.0, 146.0, 0, BOT, {"1": "/GATE", "2": "GND", "3": "/LOAD"}),
    # Test points.
    ("TP1", "TP1.5", "GND", 113.0, 145.0, 0, TOP, {"1": "GND"}),
    ("TP2", "TP1.5", "+5V", 117.0, 145.0, 0, TOP, {"1": "+5V"}),
    ("TP3", "TP1.5", "+3V3", 121.0, 145.0, 0, TOP, {"1": "+3V3"}),
    ("TP4", "TP1.5", "SDA", 135.0, 150.0, 0, BOT, {"1": "SDA"}),
    ("TP5", "TP1.5", "SCL", 136.9, 150.0, 0, BOT, {"1": "SCL"}),
    ("TP6", "TP1.5", "RESET", 125.0, 147.0, 0, BOT, {"1": "/RESET"}),
    ("TP7", "TP1.5", "TX", 112.0, 152.0, 0, BOT, {"1": "/TX_F"}),
    ("TP8", "TP1.5", "RX", 116.0, 152.0, 0, BOT, {"1": "/RX_F"}),
    ("TP9", "TP1.5", "P3", 160.0, 152.0, 0, BOT, {"1": "/P3"}),
    ("TP10", "TP1.5", "INT", 170.0, 129.5, 0, TOP, {"1": "/INT"}),
    ("TP11", "TP1.5", "LOAD", 178.8, 132.0, 0, TOP, {"1": "/LOAD"}),
    ("TP12", "TP1.5", "P5", 148.0, 117.3, 0, TOP, {"1": "/P5"}),
    ("TP13", "TP1.5", "GATE", 176.0, 124.0, 0, TOP, {"1": "/GATE"}),
    ("TP14", "TP1.5", "GND", 145.0, 155.0, 0, BOT, {"1": "GND"}),
    ("TP15", "TP1.5", "+3V3", 150.0, 155.0, 0, BOT, {"1": "+3V3"}),
    ("TP16", "TP1.5", "WP", 148.0, 136.5, 0, BOT, {"1": "/WP"}),
    ("TP17", "TP1.5", "P1", 163.0, 138.5, 0, BOT, {"1": "/P1"}),
    ("TP18", "TP1.5", "P2", 166.5, 138.5, 0, BOT, {"1": "/P2"}),
    ("TP19", "TP1.5", "P4", 176.0, 120.0, 0, TOP, {"1": "/P4"}),
    ("TP20", "TP1.5", "LED_K", 165.0, 129.0, 0, BOT, {"1": "/LED_K"}),
]

# (net, x, y, untented)
VIAS = [
    ("SDA", 137.5, 124.0, True), ("SCL", 137.5, 126.5, True), ("/RESET", 122.0, 138.0, True),
    ("GND", 112.0, 115.0, False), ("GND", 130.0, 135.0, False), ("GND", 155.0, 145.0, False),
    ("GND", 175.0, 115.0, False), ("GND", 140.0, 157.5, False), ("GND", 105.0, 140.0, False),
    ("GND", 160.0, 110.0, False), ("GND", 120.0, 155.0, False),
    ("+3V3", 130.5, 121.5, False), ("+3V3", 158.0, 124.0, False), ("+3V3", 152.5, 124.5, False),
    ("/TX_F", 114.0, 130.0, False), ("/RX_F", 114.0, 133.0, False), ("/GATE", 172.0, 127.5, False),
    ("/LOAD", 174.5, 146.0, False), ("+5V", 116.0, 116.5, False),
]
VIA_SIZE, VIA_DRILL = 0.6, 0.3

# ---------------------------------------------------------------- outline --
R_CORNER = 3.0


def arc_mid(cx, cy, r, a_deg):
    return (cx + r * math.cos(math.radians(a_deg)), cy + r * math.sin(math.radians(a_deg)))


def outline_items():
    """Edge.Cuts: (kind, points) in page coordinates."""
    x0, y0, x1, y1 = 100.0, 100.0, 180.0, 160.0
    r = R_CORNER
    items = [
        ("arc", (x0, y0 + r), arc_mid(x0 + r, y0 + r, r, 225), (x0 + r, y0)),
        ("line", (x0 + r, y0), (130.0, y0)),
        ("line", (130.0, y0), (130.0, 104.0)),  # notch
        ("line", (130.0, 104.0), (140.0, 104.0)),
        ("line", (140.0, 104.0), (140.0, y0)),
        ("line", (140.0, y0), (x1 - r, y0)),
        ("arc", (x1 - r, y0), arc_mid(x1 - r, y0 + r, r, 315), (x1, y0 + r)),
        ("line", (x1, y0 + r), (x1, y1 - 5.0)),
        ("line", (x1, y1 - 5.0), (x1 - 5.0, y1)),  # chamfer
        ("line", (x1 - 5.0, y1), (x0 + r, y1)),
        ("arc", (x0 + r, y1), arc_mid(x0 + r, y1 - r, r, 135), (x0, y1 - r)),
        ("line", (x0, y1 - r), (x0, y0 + r)),
        # slot cut-out, rounded ends
        ("line", (151.0, 140.0), (159.0, 140.0)),
        ("arc", (159.0, 140.0), (161.0, 142.0), (159.0, 144.0)),
        ("line", (159.0, 144.0), (151.0, 144.0)),
        ("arc", (151.0, 144.0), (149.0, 142.0), (151.0, 140.0)),
    ]
    return items


# -------------------------------------------------------------------- writer --

def layer_of(suffix, side):
    return ("F." if side == TOP else "B.") + suffix


def write_board(out):
    nets = ["GND", "+3V3", "+5V", "SDA", "SCL"]
    for p in PARTS:
        for net in p[7].values():
            if net not in nets:
                nets.append(net)
    for v in VIAS:
        assert v[0] in nets, v
    net_no = {name: i + 1 for i, name in enumerate(nets)}

    L = []
    w = L.append
    w('(kicad_pcb (version 20211014) (generator pcbnew)')
    w('')
    w('  (general')
    w('    (thickness 1.6)')
    w('  )')
    w('')
    w('  (paper "A4")')
    w('  (title_block')
    w('    (title "pogo demo board")')
    w('    (rev "A")')
    w('    (company "pogo")')
    w('    (comment 1 "Generated by scripts/gen_example_board.py")')
    w('  )')
    w('')
    w('  (layers')
    for num, name, kind, user in [
        (0, "F.Cu", "signal", None), (31, "B.Cu", "signal", None),
        (32, "B.Adhes", "user", "B.Adhesive"), (33, "F.Adhes", "user", "F.Adhesive"),
        (34, "B.Paste", "user", None), (35, "F.Paste", "user", None),
        (36, "B.SilkS", "user", "B.Silkscreen"), (37, "F.SilkS", "user", "F.Silkscreen"),
        (38, "B.Mask", "user", None), (39, "F.Mask", "user", None),
        (40, "Dwgs.User", "user", "User.Drawings"), (41, "Cmts.User", "user", "User.Comments"),
        (42, "Eco1.User", "user", "User.Eco1"), (43, "Eco2.User", "user", "User.Eco2"),
        (44, "Edge.Cuts", "user", None), (45, "Margin", "user", None),
        (46, "B.CrtYd", "user", "B.Courtyard"), (47, "F.CrtYd", "user", "F.Courtyard"),
        (48, "B.Fab", "user", None), (49, "F.Fab", "user", None),
    ]:
        w(f'    ({num} "{name}" {kind}' + (f' "{user}"' if user else "") + ")")
    w('  )')
    w('')
    w('  (setup')
    w('    (stackup')
    w('      (layer "F.SilkS" (type "Top Silk Screen"))')
    w('      (layer "F.Paste" (type "Top Solder Paste"))')
    w('      (layer "F.Mask" (type "Top Solder Mask") (thickness 0.01))')
    w('      (layer "F.Cu" (type "copper") (thickness 0.035))')
    w('      (layer "dielectric 1" (type "core") (thickness 1.51) (material "FR4") (epsilon_r 4.5) (loss_tangent 0.02))')
    w('      (layer "B.Cu" (type "copper") (thickness 0.035))')
    w('      (layer "B.Mask" (type "Bottom Solder Mask") (thickness 0.01))')
    w('      (layer "B.Paste" (type "Bottom Solder Paste"))')
    w('      (layer "B.SilkS" (type "Bottom Silk Screen"))')
    w('      (copper_finish "ENIG")')
    w('      (dielectric_constraints no)')
    w('    )')
    w('    (pad_to_mask_clearance 0)')
    w('    (aux_axis_origin 100 160)')
    w('    (grid_origin 100 160)')
    w('    (pcbplotparams')
    w('      (layerselection 0x00010fc_ffffffff)')
    w('      (viasonmask false)')
    w('      (useauxorigin false)')
    w('      (outputdirectory "")')
    w('    )')
    w('  )')
    w('')
    w('  (net 0 "")')
    for name in nets:
        w(f'  (net {net_no[name]} "{name}")')
    w('')

    for ref, fpkey, value, fx, fy, rot, side, pinmap in PARTS:
        fp = FP[fpkey]
        cu = "F.Cu" if side == TOP else "B.Cu"
        mirror = -1.0 if side == BOT else 1.0
        at = f"{n(fx)} {n(fy)}" + (f" {n(rot)}" if rot else "")
        w(f'  (footprint "{fp["lib"]}" (layer "{cu}")')
        w(f'    (tedit 5F68FEEE) (tstamp {uid(ref)})')
        w(f'    (at {at})')
        w(f'    (descr "{fp["descr"]}")')
        w('    (property "Sheetfile" "pogo-demo.kicad_sch")')
        w('    (property "Sheetname" "")')
        if "height" in fp:
            w(f'    (property "Height" "{n(fp["height"])}")')
        w(f'    (path "/{uid(ref, "sym")}")')
        w(f'    (attr {fp["attr"]})')
        just = " (justify mirror)" if side == BOT else ""
        crt = [g for g in fp["graphics"] if g[1] == "CrtYd"]
        ys = [g[2][1] for g in crt if g[0] == "line"] + [g[2][1] - g[3] for g in crt if g[0] == "circle"]
        top_y = min(ys) if ys else -1.5
        trot = f" {n(rot)}" if rot else ""
        w(f'    (fp_text reference "{ref}" (at 0 {n(top_y - 0.8)}{trot}) (layer "{layer_of("SilkS", side)}")')
        w(f'      (effects (font (size 0.8 0.8) (thickness 0.12)){just})')
        w(f'      (tstamp {uid(ref, "reftext")})')
        w('    )')
        w(f'    (fp_text value "{value}" (at 0 {n(-top_y + 0.8)}{trot}) (layer "{layer_of("Fab", side)}")')
        w(f'      (effects (font (size 0.8 0.8) (thickness 0.12)){just})')
        w(f'      (tstamp {uid(ref, "valtext")})')
        w('    )')
        for gi, g in enumerate(fp["graphics"]):
            layer = layer_of(g[1], side)
            width = 0.05 if g[1] == "CrtYd" else 0.1
            tid = uid(ref, "g", gi)
            if g[0] == "line":
                (x1, y1), (x2, y2) = g[2], g[3]
                w(f'    (fp_line (start {n(mirror * x1)} {n(y1)}) (end {n(mirror * x2)} {n(y2)}) '
                  f'(layer "{layer}") (width {n(width)}) (tstamp {tid}))')
            elif g[0] == "circle":
                (cx, cy), r = g[2], g[3]
                w(f'    (fp_circle (center {n(mirror * cx)} {n(cy)}) (end {n(mirror * cx + r)} {n(cy)}) '
                  f'(layer "{layer}") (width {n(width)}) (fill none) (tstamp {tid}))')
        for pi, (num, kind, shape, (px, py), (pw, ph), drill, rr) in enumerate(fp["pads"]):
            pat = f"{n(mirror * px)} {n(py)}" + (f" {n(rot)}" if rot else "")
            if kind == "smd":
                layers = f'"{cu}" "{layer_of("Mask", side)}"'
                if fpkey != "TP1.5":
                    layers = f'"{cu}" "{layer_of("Paste", side)}" "{layer_of("Mask", side)}"'
            else:
                layers = '"*.Cu" "*.Mask"'
            drill_s = f" (drill {n(drill)})" if drill else ""
            rr_s = f" (roundrect_rratio {n(rr)})" if shape == "roundrect" else ""
            net = pinmap.get(num)
            net_s = f' (net {net_no[net]} "{net}")' if net else ""
            if kind == "np_thru_hole":
                net_s = ""
            w(f'    (pad "{num}" {kind} {shape} (at {pat}) (size {n(pw)} {n(ph)}){drill_s} (layers {layers}){rr_s}')
            w(f'     {net_s} (tstamp {uid(ref, "pad", pi)}))'.replace("     ", "      ", 1).replace("       (", "      (", 1))
        if fp.get("model"):
            w(f'    (model "${{KICAD6_3DMODEL_DIR}}/{fp["model"]}"')
            w('      (offset (xyz 0 0 0))')
            w('      (scale (xyz 1 1 1))')
            w('      (rotate (xyz 0 0 0))')
            w('    )')
        w('  )')
        w('')

    for i, item in enumerate(outline_items()):
        tid = uid("edge", i)
        if item[0] == "line":
            (x1, y1), (x2, y2) = item[1], item[2]
            w(f'  (gr_line (start {n(x1)} {n(y1)}) (end {n(x2)} {n(y2)}) (layer "Edge.Cuts") (width 0.1) (tstamp {tid}))')
        else:
            s, m, e = item[1], item[2], item[3]
            w(f'  (gr_arc (start {n(s[0])} {n(s[1])}) (mid {n(m[0])} {n(m[1])}) (end {n(e[0])} {n(e[1])}) '
              f'(layer "Edge.Cuts") (width 0.1) (tstamp {tid}))')
    # Mask openings over the untented vias (KiCad 6 has no per-via tenting).
    for i, (net, x, y, untented) in enumerate(VIAS):
        if untented:
            for layer in ("F.Mask", "B.Mask"):
                w(f'  (gr_circle (center {n(x)} {n(y)}) (end {n(x + 0.4)} {n(y)}) (layer "{layer}") '
                  f'(width 0) (fill solid) (tstamp {uid("viamask", i, layer)}))')
    w('')
    for i, (net, x, y, untented) in enumerate(VIAS):
        w(f'  (via (at {n(x)} {n(y)}) (size {n(VIA_SIZE)}) (drill {n(VIA_DRILL)}) (layers "F.Cu" "B.Cu") '
          f'(net {net_no[net]}) (tstamp {uid("via", i)}))')
    w('')
    w(')')
    text = "\n".join(L) + "\n"
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(text)
    return text


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else str(
        Path(__file__).resolve().parent.parent / "examples/pogo-demo/pogo-demo.kicad_pcb")
    write_board(out)
    fps = len(PARTS)
    pads = sum(len(FP[p[1]]["pads"]) for p in PARTS)
    print(f"wrote {out}: {fps} footprints, {pads} pads, {len(VIAS)} vias")


if __name__ == "__main__":
    main()
