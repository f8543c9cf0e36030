//! The generic tables of the report (stack-up, force and strain, channels, tolerance):
//! every field of a typed fixture section, one row or column per field under its
//! `fixture.json` name, formatted by the unit that name ends in.
//!
//! Each section lists its own fields ([`Fields`] impls below), so a field added to the
//! fixture shows only where the report is told of it, and the compiler checks every
//! name read. Rows and columns keep the order `fixture.json` has always given them:
//! alphabetical by name, with the fields a table leads with first.

use super::{esc, fmt, fmt_auto, humanize};
use pogo_fixture::tolerance::{
    MonteCarloYield, OffsetStack, ToleranceDatum, ToleranceModel, ToleranceSummary,
};
use pogo_fixture::{
    Channels, ForceSummary, InterfaceConnector, PartPress, PlateModelInfo, PressurePlate,
    ReliefPocket, SideStackup, Stackup, StrainOverLimit, Support,
};
use pogo_text::{HtmlTable, TableCell};

/// A field's value as a table cell.
pub(super) enum Cell {
    /// A number (a non-finite one is [`Cell::Absent`], as `fixture.json` writes null).
    Num(f64),
    /// Text (escaped when shown).
    Text(String),
    /// Yes or no.
    Flag(bool),
    /// No value: `—`.
    Absent,
    /// A list of scalars, shown joined.
    List(Vec<Cell>),
    /// A list of `n` (> 0) objects or polygons, shown as a count.
    Items(usize),
    /// A small object shown inline (`name: value; ...`), fields in name order.
    Inline(Fields),
}

/// Named cells: a table row, or the members of an object.
pub(super) type Fields = Vec<(&'static str, Cell)>;

impl Cell {
    /// A number; a non-finite one is absent.
    pub(super) fn num(x: f64) -> Cell {
        if x.is_finite() {
            Cell::Num(x)
        } else {
            Cell::Absent
        }
    }

    fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    fn opt_num(x: Option<f64>) -> Option<Cell> {
        x.map(Cell::num)
    }

    /// `n` objects: a count, or an empty list when there are none.
    fn items(n: usize) -> Cell {
        if n == 0 {
            Cell::List(Vec::new())
        } else {
            Cell::Items(n)
        }
    }

    fn texts<'a>(names: impl IntoIterator<Item = &'a str>) -> Cell {
        Cell::List(names.into_iter().map(Cell::text).collect())
    }

    fn is_num(&self) -> bool {
        matches!(self, Cell::Num(_))
    }

    /// A whole object or a list of objects: left out of key/value tables.
    fn is_nested(&self) -> bool {
        match self {
            Cell::Inline(_) | Cell::Items(_) => true,
            Cell::List(l) => l.is_empty(),
            _ => false,
        }
    }

    /// The cell as text, numbers by magnitude (escaped).
    fn text_of(&self) -> String {
        match self {
            Cell::Num(x) => fmt_auto(*x),
            Cell::Text(s) => esc(s),
            Cell::Flag(b) => if *b { "yes" } else { "no" }.to_string(),
            Cell::Absent => "—".to_string(),
            Cell::List(l) => l.iter().map(Cell::text_of).collect::<Vec<_>>().join(", "),
            Cell::Items(n) => format!("{n} item{}", if *n == 1 { "" } else { "s" }),
            Cell::Inline(fields) => sorted(fields)
                .iter()
                .map(|(k, v)| format!("{}: {}", esc(k), v.text_of()))
                .collect::<Vec<_>>()
                .join("; "),
        }
    }

    /// The cell of field `key`: numbers formatted by the unit in the name.
    fn member_text(&self, key: &str) -> String {
        let Cell::Num(x) = *self else {
            return self.text_of();
        };
        let mm = key.ends_with("_mm") || key == "x" || key == "y";
        if x == x.trunc() && !mm && !key.ends_with("_n") {
            return fmt(x, 0);
        }
        if mm {
            fmt(x, if x.abs() < 1.0 { 3 } else { 2 })
        } else if key.ends_with("_n") || key.ends_with("_gpa") {
            fmt(x, 2)
        } else if key.ends_with("_ue") {
            fmt(x, 0)
        } else {
            fmt_auto(x)
        }
    }
}

/// The fields in name order.
fn sorted(fields: &Fields) -> Vec<&(&'static str, Cell)> {
    let mut v: Vec<_> = fields.iter().collect();
    v.sort_by_key(|(k, _)| *k);
    v
}

/// A typed fixture object listed field by field.
pub(super) trait ListFields {
    /// Every field under its `fixture.json` name (fields absent from the file left out).
    fn fields(&self) -> Fields;
}

/// Key/value table of the scalar fields of `obj`, the names in `first` leading (in that
/// order), the rest in name order; `side` (the heading says it), nested objects and
/// lists of objects left out.
pub(super) fn kv_table(obj: &impl ListFields, first: &[&str], out: &mut String) {
    let fields = obj.fields();
    let mut rows = sorted(&fields);
    rows.sort_by_key(|(k, _)| first.iter().position(|f| f == k).unwrap_or(first.len()));
    let mut table = HtmlTable::new(out, "narrow", &[]);
    for (k, v) in rows {
        if *k == "side" || v.is_nested() {
            continue;
        }
        let class = if v.is_num() { "num" } else { "" };
        table.key_row(&humanize(k), TableCell::html(v.member_text(k)).class(class));
    }
    table.end();
}

/// A table of typed objects, one column per field (in name order as first met, these
/// leading: id, name, reference, kind, side, x, y, reason); a field a row lacks is `—`.
pub(super) fn object_table<T: ListFields>(items: &[T], out: &mut String) {
    let rows: Vec<Fields> = items.iter().map(ListFields::fields).collect();
    let rows: Vec<Vec<&(&'static str, Cell)>> = rows.iter().map(sorted).collect();
    let mut cols: Vec<&str> = Vec::new();
    for r in &rows {
        for (k, _) in r {
            if !cols.contains(k) {
                cols.push(k);
            }
        }
    }
    const FIRST: [&str; 8] = [
        "id",
        "name",
        "reference",
        "kind",
        "side",
        "x",
        "y",
        "reason",
    ];
    cols.sort_by_key(|c| FIRST.iter().position(|f| f == c).unwrap_or(FIRST.len()));
    fn cell<'r>(r: &[&'r (&'static str, Cell)], c: &str) -> Option<&'r Cell> {
        r.iter().find(|(k, _)| *k == c).map(|(_, v)| v)
    }
    let titles: Vec<String> = cols.iter().map(|c| humanize(c)).collect();
    let head: Vec<(&str, &str)> = cols
        .iter()
        .zip(&titles)
        .map(|(c, title)| {
            let numeric = rows.iter().any(|r| cell(r, c).is_some_and(Cell::is_num));
            (title.as_str(), if numeric { "num" } else { "" })
        })
        .collect();
    let mut table = HtmlTable::new(out, "", &head);
    for r in &rows {
        let cells: Vec<TableCell> = cols
            .iter()
            .map(|c| {
                let v = cell(r, c).unwrap_or(&Cell::Absent);
                let class = if v.is_num() { "num" } else { "" };
                match v {
                    Cell::Text(s) if *c == "kind" || *c == "reason" => {
                        TableCell::text(s.replace('_', " "))
                    }
                    _ => TableCell::html(v.member_text(c)),
                }
                .class(class)
            })
            .collect();
        table.row(&cells);
    }
    table.end();
}

impl ListFields for Stackup {
    fn fields(&self) -> Fields {
        let mut f = vec![
            ("process", Cell::text(self.process.as_str())),
            ("dual_level", Cell::Flag(self.dual_level)),
            ("sides", Cell::items(self.sides.len())),
        ];
        if !self.probe_board_pins.is_through_hole() {
            let pins = self.probe_board_pins.as_str();
            f.push(("probe_board_pins", Cell::text(pins)));
        }
        f
    }
}

impl ListFields for SideStackup {
    fn fields(&self) -> Fields {
        let mut f = vec![
            ("side", Cell::text(self.side.as_str())),
            (
                "probe_plate_thickness_mm",
                Cell::num(self.probe_plate_thickness_mm),
            ),
            ("board_thickness_mm", Cell::num(self.board_thickness_mm)),
            ("set_height_mm", Cell::num(self.set_height_mm)),
            (
                "board_support_height_mm",
                Cell::num(self.board_support_height_mm),
            ),
            ("tallest_part", Cell::text(&self.tallest_part)),
            (
                "tallest_part_height_mm",
                Cell::num(self.tallest_part_height_mm),
            ),
            ("part_clearance_mm", Cell::num(self.part_clearance_mm)),
            ("relief_pockets", Cell::items(self.relief_pockets.len())),
            ("levels", Cell::items(self.levels.len())),
            ("total_height_mm", Cell::num(self.total_height_mm)),
        ];
        if let Some(h) = Cell::opt_num(self.stage1_set_height_mm) {
            f.push(("stage1_set_height_mm", h));
        }
        f
    }
}

impl ListFields for ReliefPocket {
    fn fields(&self) -> Fields {
        vec![
            ("reference", Cell::text(&self.reference)),
            ("outline", Cell::items(self.outline.len())),
            ("depth_mm", Cell::num(self.depth_mm)),
            ("through", Cell::Flag(self.through)),
        ]
    }
}

impl ListFields for PressurePlate {
    fn fields(&self) -> Fields {
        vec![
            ("thickness_mm", Cell::num(self.thickness_mm)),
            ("tallest_part", Cell::text(&self.tallest_part)),
            (
                "tallest_part_height_mm",
                Cell::num(self.tallest_part_height_mm),
            ),
            (
                "push_finger_length_mm",
                Cell::num(self.push_finger_length_mm),
            ),
        ]
    }
}

/// The force section's own figures: its totals, peak and lists have tables of their own.
pub(super) struct ForceFigures<'a>(pub(super) &'a ForceSummary);

impl ListFields for ForceFigures<'_> {
    fn fields(&self) -> Fields {
        let f = self.0;
        let mut v = vec![
            ("max_deflection_mm", Cell::num(f.max_deflection_mm)),
            ("limit_ue", Cell::num(f.limit_ue)),
            ("exceeded", Cell::Flag(f.exceeded)),
        ];
        if let Some(s) = Cell::opt_num(f.strain_with_suggestions_ue) {
            v.push(("strain_with_suggestions_ue", s));
        }
        v
    }
}

impl ListFields for Support {
    fn fields(&self) -> Fields {
        let mut f = vec![
            ("x", Cell::num(self.x)),
            ("y", Cell::num(self.y)),
            ("side", Cell::text(self.side.as_str())),
            ("kind", Cell::text(self.kind.as_str())),
            ("reason", Cell::text(self.reason.as_str())),
            ("reaction_n", Cell::num(self.reaction_n)),
            ("tip_diameter_mm", Cell::num(self.tip_diameter_mm)),
        ];
        if let Some(part) = &self.on_part {
            f.push(("on_part", Cell::Inline(part.fields())));
        }
        f
    }
}

impl ListFields for PartPress {
    fn fields(&self) -> Fields {
        vec![
            ("reference", Cell::text(&self.reference)),
            ("height_mm", Cell::num(self.height_mm)),
            ("height_from", Cell::text(self.height_from.as_str())),
        ]
    }
}

impl ListFields for PlateModelInfo {
    fn fields(&self) -> Fields {
        vec![
            ("method", Cell::text(&self.method)),
            ("youngs_modulus_gpa", Cell::num(self.youngs_modulus_gpa)),
            ("poisson_ratio", Cell::num(self.poisson_ratio)),
            ("thickness_mm", Cell::num(self.thickness_mm)),
            ("element_mm", Cell::num(self.element_mm)),
            ("elements", Cell::num(self.elements as f64)),
            ("gauge_mm", Cell::num(self.gauge_mm)),
        ]
    }
}

impl ListFields for StrainOverLimit {
    fn fields(&self) -> Fields {
        vec![
            (
                "probes_to_move",
                Cell::texts(self.probes_to_move.iter().map(String::as_str)),
            ),
            ("force_n", Cell::num(self.force_n)),
            ("radius_mm", Cell::num(self.radius_mm)),
            ("nearest_support_mm", Cell::num(self.nearest_support_mm)),
            (
                "parts_without_height",
                Cell::texts(self.parts_without_height.iter().map(String::as_str)),
            ),
        ]
    }
}

impl ListFields for Channels {
    fn fields(&self) -> Fields {
        vec![
            ("interface", Cell::text(&self.interface)),
            ("edge", Cell::text(self.edge.as_str())),
            ("connectors", Cell::items(self.connectors.len())),
            ("assignments", Cell::items(self.assignments.len())),
            ("total_wire_mm", Cell::num(self.total_wire_mm)),
        ]
    }
}

impl ListFields for InterfaceConnector {
    fn fields(&self) -> Fields {
        vec![
            ("name", Cell::text(&self.name)),
            ("first_channel", Cell::num(f64::from(self.first_channel))),
            ("pins", Cell::num(f64::from(self.pins))),
        ]
    }
}

/// The tolerance section's own figures (the yield has its own line, the lists and
/// stacks their own tables).
pub(super) struct ToleranceFigures<'a>(pub(super) &'a ToleranceSummary);

impl ListFields for ToleranceFigures<'_> {
    fn fields(&self) -> Fields {
        let t = self.0;
        vec![
            (
                "contact_yield_std_error",
                Cell::num(t.contact_yield_std_error),
            ),
            ("contact_yield_method", Cell::text(&t.contact_yield_method)),
            ("independent_product", Cell::num(t.independent_product)),
            ("expected_misses", Cell::num(t.expected_misses)),
        ]
    }
}

impl ListFields for MonteCarloYield {
    fn fields(&self) -> Fields {
        vec![
            ("insertions", Cell::num(self.insertions as f64)),
            ("seed", Cell::num(self.seed as f64)),
            ("contact_yield", Cell::num(self.contact_yield)),
            ("std_error", Cell::num(self.std_error)),
        ]
    }
}

impl ListFields for ToleranceDatum {
    fn fields(&self) -> Fields {
        vec![
            ("x", Cell::num(self.x)),
            ("y", Cell::num(self.y)),
            ("span_mm", Cell::num(self.span_mm)),
            ("source", Cell::text(&self.source)),
        ]
    }
}

impl ListFields for ToleranceModel {
    fn fields(&self) -> Fields {
        vec![
            ("pointing_scale", Cell::num(self.pointing_scale)),
            (
                "receptacle_clearance_mm",
                Cell::num(self.receptacle_clearance_mm),
            ),
            ("plate_process", Cell::text(self.plate_process.as_str())),
            (
                "plate_drill_position_mm",
                Cell::num(self.plate_drill_position_mm),
            ),
            ("plate_scale_ppm", Cell::num(self.plate_scale_ppm)),
            (
                "tooling_pin_clearance_mm",
                Cell::num(self.tooling_pin_clearance_mm),
            ),
            (
                "tooling_hole_position_mm",
                Cell::num(self.tooling_hole_position_mm),
            ),
            ("pad_registration_mm", Cell::num(self.pad_registration_mm)),
            ("board_cte_ppm_per_k", Cell::num(self.board_cte_ppm_per_k)),
            ("plate_cte_ppm_per_k", Cell::num(self.plate_cte_ppm_per_k)),
            ("board_delta_t_k", Cell::num(self.board_delta_t_k)),
            ("plate_delta_t_k", Cell::num(self.plate_delta_t_k)),
            (
                "uniform",
                Cell::texts(self.uniform.iter().map(|c| c.as_str())),
            ),
            ("yield_points", Cell::num(self.yield_points as f64)),
            ("seed", Cell::num(self.seed as f64)),
        ]
    }
}

/// A deterministic stack's cells: largest offset, at which probe, how many miss.
pub(super) fn stack_cells(s: &OffsetStack) -> [String; 3] {
    [
        Cell::num(s.max_offset_mm).text_of(),
        esc(&s.probe),
        Cell::num(s.probes_failing as f64).text_of(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use pogo_fixture::{HeightSource, SupportKind, SupportReason};
    use pogo_geom::Side;

    fn support(x: f64, on_part: Option<PartPress>) -> Support {
        Support {
            x,
            y: 20.0,
            side: Side::Bottom,
            kind: SupportKind::PushFinger,
            reason: SupportReason::LoadShare,
            reaction_n: 1.5,
            tip_diameter_mm: 3.0,
            on_part,
        }
    }

    #[test]
    fn object_tables_lead_with_place_and_kind_and_mark_missing_fields() {
        let press = PartPress {
            reference: "J3".into(),
            height_mm: 12.5,
            height_from: HeightSource::PogoToml,
        };
        let mut out = String::new();
        object_table(&[support(10.0, None), support(0.5, Some(press))], &mut out);
        let header = "<table><thead><tr><th>Kind</th><th>Side</th><th class=\"num\">X</th>\
            <th class=\"num\">Y</th><th>Reason</th><th class=\"num\">Reaction (N)</th>\
            <th class=\"num\">Tip diameter (mm)</th><th>On part</th></tr></thead>";
        assert!(out.starts_with(header), "{out}");
        // A field one row lacks is a dash; kind and reason read as words; x in mm.
        assert!(out.contains("<td>push finger</td><td>bottom</td><td class=\"num\">10.00</td>"));
        assert!(out.contains("<td>load share</td><td class=\"num\">1.50</td><td class=\"num\">3.00</td><td>—</td></tr>"));
        assert!(out.contains("<td class=\"num\">0.500</td>"), "{out}");
        assert!(out.contains("<td>height_from: pogo_toml; height_mm: 12.500; reference: J3</td>"));
    }

    #[test]
    fn key_value_tables_leave_out_the_side_lists_and_absent_options() {
        let f = ForceSummary {
            max_strain_ue: 600.0,
            limit_ue: 800.0,
            strain_with_suggestions_ue: Some(f64::NAN),
            ..ForceSummary::default()
        };
        let mut out = String::new();
        kv_table(&ForceFigures(&f), &[], &mut out);
        assert_eq!(
            out,
            "<table class=\"narrow\"><tbody>\n\
             <tr><th>Exceeded</th><td>no</td></tr>\n\
             <tr><th>Limit (µε)</th><td class=\"num\">800</td></tr>\n\
             <tr><th>Max deflection (mm)</th><td class=\"num\">0.000</td></tr>\n\
             <tr><th>Strain with suggestions (µε)</th><td>—</td></tr>\n\
             </tbody></table>\n"
        );
        let mut out = String::new();
        let o = StrainOverLimit {
            probes_to_move: vec!["P1".into(), "P<2>".into()],
            ..StrainOverLimit::default()
        };
        kv_table(&o, &["radius_mm"], &mut out);
        assert!(out.starts_with("<table class=\"narrow\"><tbody>\n<tr><th>Radius (mm)</th>"));
        assert!(out.contains("<td>P1, P&lt;2&gt;</td>"), "{out}");
        assert!(!out.contains("Parts without height"), "{out}");
    }

    /// The names a section lists are its `fixture.json` names, all of them: the field
    /// lists above are written by hand beside the serde derive, so a field added to,
    /// renamed in or dropped from the fixture without its list fails here (the demo
    /// fixture of the service, read and written back through the typed fixture).
    #[test]
    fn listed_fields_are_the_fixture_json_fields() {
        fn names(f: &Fields) -> Vec<&'static str> {
            let mut v: Vec<_> = f.iter().map(|(k, _)| *k).collect();
            v.sort_unstable();
            v
        }
        fn json_keys(obj: &impl serde::Serialize) -> Vec<String> {
            let value = serde_json::to_value(obj).unwrap();
            let mut v: Vec<String> = value.as_object().unwrap().keys().cloned().collect();
            v.sort_unstable();
            v
        }
        fn same<T: ListFields + serde::Serialize>(what: &str, obj: &T) {
            assert_eq!(names(&obj.fields()), json_keys(obj), "{what}");
        }
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../pogo-service/demo/pogo-demo-fixture.json");
        let fixture = pogo_fixture::Fixture::read(&path).unwrap();
        let stackup = fixture.stackup.as_ref().expect("the demo has a stack-up");
        same("stackup", stackup);
        assert!(!stackup.sides.is_empty());
        for side in &stackup.sides {
            same("stackup side", side);
            side.relief_pockets.iter().for_each(|r| same("relief", r));
        }
        let force = fixture
            .force
            .as_ref()
            .expect("the demo has a force section");
        assert!(!force.supports.is_empty());
        force.supports.iter().for_each(|s| same("support", s));
        same("plate model", &force.model);
        same("over limit", &StrainOverLimit::default());
        // The force and tolerance figures are a part of their section: real names.
        let force_json = json_keys(force);
        for name in names(&ForceFigures(force).fields()) {
            assert!(force_json.iter().any(|k| k == name), "force: {name}");
        }
        let channels = fixture.channels.as_ref().expect("the demo has channels");
        same("channels", channels);
        channels
            .connectors
            .iter()
            .for_each(|c| same("connector", c));
        let tolerance = fixture.tolerance.as_ref().expect("the demo has tolerance");
        same("tolerance model", &tolerance.model);
        same("tolerance datum", &tolerance.datum);
        let tolerance_json = json_keys(tolerance);
        for name in names(&ToleranceFigures(tolerance).fields()) {
            assert!(
                tolerance_json.iter().any(|k| k == name),
                "tolerance: {name}"
            );
        }
    }
}
