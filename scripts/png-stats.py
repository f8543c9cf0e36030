"""Prints `width height colours ink` of a PNG: the number of distinct colours and the
share of pixels that are not (near) white or the page background. Used by the report
tests to tell a rendered page from a blank one."""
import sys

from PIL import Image

img = Image.open(sys.argv[1]).convert("RGB")
w, h = img.size
small = img.resize((w // 2, h // 2), Image.NEAREST)
colours = len(small.getcolors(maxcolors=1 << 24) or [])
pixels = small.getdata()
ink = sum(1 for (r, g, b) in pixels if not (r > 235 and g > 235 and b > 235))
print(w, h, colours, round(ink / max(1, len(pixels)), 4))
