"""Folds `perf script` output into stacks and draws a flame graph (SVG), with no
other tool: `perf record -g --call-graph dwarf -o perf.data CMD`, then
`perf script -i perf.data | python3 bench/flamegraph.py TITLE OUT.svg [FOLDED.txt]`.

Frames are shortened to `crate::module::function` (generic arguments and closures
dropped, inlined frames kept), so the graph reads by crate and stage. Also prints the
30 widest frames (inclusive share of the samples) to stdout.
"""

import collections
import html
import re
import sys


PLUMBING = ("rayon", "rayon_core", "std", "core", "alloc", "<", "?", "[unknown]")


def short(frame):
    name = frame.rsplit(" (", 1)[0]  # the object file, or "(inlined)"
    name = re.sub(r"^[0-9a-f]+\s+", "", name, count=1)  # the address
    name = name.split("+0x")[0]
    depth, out = 0, []
    for c in name:  # drop generic arguments
        if c == "<":
            depth += 1
        elif c == ">":
            depth = max(0, depth - 1)
        elif depth == 0:
            out.append(c)
    name = "".join(out)
    name = re.sub(r"::\{\{closure\}\}|::\{closure#\d+\}|\{closure#\d+\}", "", name)
    name = re.sub(r"::h[0-9a-f]{16}$", "", name)
    return name.strip() or "?"


def keep(frames):
    """Root-first frames without the thread and iterator plumbing (rayon, std, core,
    alloc, unnamed closures); the leaf frame is always kept."""
    names = [short(f) for f in reversed(frames)]
    kept = [
        n
        for n in names[:-1]
        if "::" in n and ", " not in n and not n.startswith(PLUMBING + ("::",))
    ]
    kept = [n for i, n in enumerate(kept) if i == 0 or kept[i - 1] != n]
    return kept + names[-1:]


def fold(lines):
    stacks = collections.Counter()
    comm, frames = None, []
    for line in lines:
        line = line.rstrip("\n")
        if not line.strip():
            if comm is not None and frames:
                stacks[";".join([comm] + keep(frames))] += 1
            comm, frames = None, []
        elif not line.startswith((" ", "\t")):
            comm = line.split()[0]
        else:
            frames.append(line.strip())
    if comm is not None and frames:
        stacks[";".join([comm] + keep(frames))] += 1
    return stacks


def svg(stacks, title, width=1400, row=16):
    total = sum(stacks.values())
    tree = {}
    for stack, n in stacks.items():
        node = tree
        for f in stack.split(";"):
            node = node.setdefault(f, [0, {}])
            node[0] += n
            node = node[1]
    rects, depth_max = [], 0

    def walk(children, x, depth):
        nonlocal depth_max
        depth_max = max(depth_max, depth)
        for name, (n, kids) in sorted(children.items()):
            w = n / total * width
            if w >= 0.3:
                rects.append((x, depth, w, name, n))
                walk(kids, x, depth + 1)
            x += w

    walk(tree, 0.0, 0)
    height = (depth_max + 3) * row
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'font-family="monospace" font-size="11">',
        f'<text x="4" y="{row - 3}">{html.escape(title)} ({total} samples; width = share of CPU samples)</text>',
    ]
    for x, depth, w, name, n in rects:
        y = height - (depth + 1) * row
        hue = 20 + (hash(name.split("::")[0]) % 40)
        label = html.escape(name)
        out.append(
            f'<g><title>{label} ({n} samples, {100 * n / total:.1f}%)</title>'
            f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{row - 1}" '
            f'fill="hsl({hue},80%,{60 + depth % 3 * 5}%)"/>'
        )
        if w > 40:
            chars = int(w / 7)
            text = name if len(name) <= chars else name[: max(chars - 2, 0)] + ".."
            out.append(f'<text x="{x + 2:.1f}" y="{y + row - 4}">{html.escape(text)}</text>')
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    title, out_svg = sys.argv[1], sys.argv[2]
    stacks = fold(sys.stdin)
    if len(sys.argv) > 3:
        with open(sys.argv[3], "w") as f:
            for stack, n in sorted(stacks.items()):
                f.write(f"{stack} {n}\n")
    with open(out_svg, "w") as f:
        f.write(svg(stacks, title))
    total = sum(stacks.values())
    inclusive = collections.Counter()
    for stack, n in stacks.items():
        for f in set(stack.split(";")[1:]):
            inclusive[f] += n
    for name, n in inclusive.most_common(30):
        print(f"{100 * n / total:5.1f}%  {name}")


main()
