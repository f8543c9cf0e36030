//! pogo-output: Fixture outputs: Excellon, DXF, SVG, OpenSCAD, STL, wiring and BOM CSV, HTML report.
