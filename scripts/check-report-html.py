"""Checks that an HTML file is well formed, with Python's own html.parser:
every element closed in the order opened (void elements and self-closed SVG elements
excepted), no stray end tags, unique ids, one html/head/body and one document title (SVG <title> tooltips aside), and every in-page
link (#id) pointing at an existing id. Exit 1 with the problems listed."""
import sys
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Checker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.problems = []
        self.ids = {}
        self.links = []
        self.counts = {}

    def where(self):
        line, col = self.getpos()
        return f"line {line}, column {col + 1}"

    def attrs(self, tag, attrs):
        in_svg = tag == "svg" or any(t == "svg" for t, _ in self.stack)
        if not in_svg:
            self.counts[tag] = self.counts.get(tag, 0) + 1
        for k, v in attrs:
            if k == "id":
                if v in self.ids:
                    self.problems.append(f"{self.where()}: duplicate id {v!r}")
                self.ids[v] = True
            if k in ("href", "xlink:href") and v is not None and v.startswith("#"):
                self.links.append((self.where(), v[1:]))

    def handle_starttag(self, tag, attrs):
        self.attrs(tag, attrs)
        if tag not in VOID:
            self.stack.append((tag, self.where()))

    def handle_startendtag(self, tag, attrs):
        self.attrs(tag, attrs)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack:
            self.problems.append(f"{self.where()}: stray </{tag}>")
            return
        open_tag, opened = self.stack[-1]
        if open_tag != tag:
            self.problems.append(f"{self.where()}: </{tag}> closes <{open_tag}> opened at {opened}")
            if any(t == tag for t, _ in self.stack):
                while self.stack and self.stack[-1][0] != tag:
                    self.stack.pop()
                self.stack.pop()
            return
        self.stack.pop()


def main():
    text = open(sys.argv[1], encoding="utf-8").read()
    c = Checker()
    c.feed(text)
    c.close()
    for tag, opened in c.stack:
        c.problems.append(f"<{tag}> opened at {opened} is never closed")
    for tag in ("html", "head", "body", "title"):
        if c.counts.get(tag, 0) != 1:
            c.problems.append(f"expected one <{tag}>, found {c.counts.get(tag, 0)}")
    for where, target in c.links:
        if target not in c.ids:
            c.problems.append(f"{where}: link to missing id #{target}")
    if not text.lstrip().lower().startswith("<!doctype html>"):
        c.problems.append("missing <!DOCTYPE html>")
    for p in c.problems[:50]:
        print(p)
    sys.exit(1 if c.problems else 0)


main()
