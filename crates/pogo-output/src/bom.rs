//! `bom.csv`: the fixture's bill of materials.
//!
//! Columns: `item, category, id, maker, part_number, description, quantity, references`
//! (RFC 4180 CSV, header first). Rows, in this order: spring probes (one per catalog
//! part, quantity = probes using it), receptacles (one per receptacle, quantity = probes
//! in it), guide pins (one per diameter), push fingers and support posts of the design.
//! `references` lists the probe ids, tooling hole references or support positions.

use crate::wiring::id_key;
use pogo_fixture::Fixture;
use std::collections::BTreeMap;

/// The columns of `bom.csv`.
pub const HEADER: [&str; 8] = [
    "item",
    "category",
    "id",
    "maker",
    "part_number",
    "description",
    "quantity",
    "references",
];

struct Row {
    category: &'static str,
    id: String,
    maker: String,
    part_number: String,
    description: String,
    quantity: usize,
    references: Vec<String>,
}

impl Row {
    /// The row of catalog item `id` (a probe part or a receptacle) used by the probes
    /// `ids`; maker and part number from the catalog entry when the fixture lists it
    /// (`listed`), else empty.
    fn catalog(
        category: &'static str,
        id: &str,
        listed: Option<(&str, &str)>,
        description: String,
        ids: &[&str],
    ) -> Row {
        let mut ids = ids.to_vec();
        ids.sort_by_key(|a| id_key(a));
        let (maker, part_number) = listed.unwrap_or_default();
        Row {
            category,
            id: id.to_string(),
            maker: maker.to_string(),
            part_number: part_number.to_string(),
            description,
            quantity: ids.len(),
            references: ids.iter().map(|s| s.to_string()).collect(),
        }
    }
}

fn tip_name(tip: pogo_catalog::TipStyle) -> String {
    serde_json::to_value(tip)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The bill of materials as CSV text.
pub fn render(fixture: &Fixture) -> String {
    let mut rows: Vec<Row> = Vec::new();
    // Probes per part, receptacles per receptacle.
    let mut by_part: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for p in &fixture.probes {
        by_part
            .entry(p.part.as_str())
            .or_default()
            .push(p.id.as_str());
    }
    let mut by_rec: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for (part_id, ids) in &by_part {
        let part = fixture.part(part_id);
        let rec = fixture
            .probes
            .iter()
            .find(|p| p.part == *part_id)
            .and_then(|p| p.receptacle.clone())
            .or_else(|| part.map(|q| q.receptacle.clone()))
            .unwrap_or_default();
        let description = part
            .map(|q| {
                format!(
                    "{} spring probe, {} tip, {:.2} mm full travel, {:.2} N at {:.2} mm working travel",
                    q.class,
                    tip_name(q.tip),
                    q.full_travel_mm,
                    q.spring_force_n,
                    q.working_travel_mm
                )
            })
            .unwrap_or_else(|| "spring probe (part not listed in fixture.json)".into());
        let listed = part.map(|q| (q.maker.as_str(), q.part_number.as_str()));
        rows.push(Row::catalog("probe", part_id, listed, description, ids));
        if !rec.is_empty() {
            by_rec.entry(rec).or_default().extend(ids.iter().copied());
        }
    }
    for (rec_id, ids) in &by_rec {
        let rec = fixture.receptacle(rec_id);
        let description = rec
            .map(|r| {
                format!(
                    "{} receptacle, press fit in {:.2} mm drill, {:.1} mm long",
                    r.class, r.mounting_drill_mm, r.length_mm
                )
            })
            .unwrap_or_else(|| "receptacle (not listed in fixture.json)".into());
        let listed = rec.map(|r| (r.maker.as_str(), r.part_number.as_str()));
        rows.push(Row::catalog("receptacle", rec_id, listed, description, ids));
    }
    // Guide pins by diameter.
    let mut pins: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for t in &fixture.tooling {
        let r = if t.hole_ref.is_empty() {
            format!("({:.3} {:.3})", t.x, t.y)
        } else {
            t.hole_ref.clone()
        };
        pins.entry(format!("{:.3}", t.diameter_mm))
            .or_default()
            .push(r);
    }
    for (d, refs) in pins {
        rows.push(Row {
            category: "guide pin",
            id: format!("GUIDE-PIN-{d}"),
            maker: "generic".into(),
            part_number: format!("guide pin Ø{d} mm"),
            description: format!(
                "tooling pin Ø{d} mm, press fit in the probe plate, enters the board's tooling hole"
            ),
            quantity: refs.len(),
            references: refs,
        });
    }
    // Push fingers and support posts.
    if let Some(force) = &fixture.force {
        let finger_len = fixture
            .stackup
            .iter()
            .flat_map(|s| s.sides.iter())
            .find_map(|s| s.pressure_plate.as_ref().map(|p| p.push_finger_length_mm));
        // One line per kind and length: a finger pressing a part body is shorter by the
        // part's height (in 0.01 mm, 0 on the bare board).
        let mut kinds: BTreeMap<(&str, i64), Vec<String>> = BTreeMap::new();
        for s in &force.supports {
            let on_part = s
                .on_part
                .as_ref()
                .map_or(0, |p| (p.height_mm * 100.0).round() as i64);
            let at = match &s.on_part {
                Some(p) => format!(
                    "({:.2} {:.2} {} on {})",
                    s.x,
                    s.y,
                    s.side.as_str(),
                    p.reference
                ),
                None => format!("({:.2} {:.2} {})", s.x, s.y, s.side.as_str()),
            };
            kinds
                .entry((s.kind.as_str(), on_part))
                .or_default()
                .push(at);
        }
        for ((kind, part_h), refs) in kinds {
            let part_h_mm = part_h as f64 / 100.0;
            let (id, what) = match kind {
                "push_finger" if part_h > 0 => (
                    format!("PUSH-FINGER-PART-{part_h_mm:.2}"),
                    format!(
                        "push finger on the pressure plate, pressing a part body {part_h_mm:.2} mm high"
                    ),
                ),
                "push_finger" => (
                    "PUSH-FINGER".to_string(),
                    "push finger on the pressure plate".to_string(),
                ),
                "support_post" => (
                    "SUPPORT-POST".to_string(),
                    "board support post on the probe plate".to_string(),
                ),
                other => (other.to_string(), other.to_string()),
            };
            let finger_len = finger_len.map(|l| l - part_h_mm);
            rows.push(Row {
                category: if kind == "push_finger" {
                    "push finger"
                } else {
                    "support post"
                },
                id,
                maker: "generic".into(),
                part_number: String::new(),
                description: match (kind, finger_len) {
                    ("push_finger", Some(l)) => format!("{what}, {l:.2} mm long"),
                    _ => what.to_string(),
                },
                quantity: refs.len(),
                references: refs,
            });
        }
    }
    // The probe board of each probed side (probe_board.rs): an alternative to drilling
    // the probe plate, the receptacles soldered in.
    for side in [pogo_geom::Side::Bottom, pogo_geom::Side::Top] {
        let ids: Vec<String> = fixture
            .probes
            .iter()
            .filter(|p| p.side == side)
            .map(|p| p.id.clone())
            .collect();
        if ids.is_empty() {
            continue;
        }
        let file = crate::probe_board::file_stem(fixture, side);
        let sites = crate::probe_board::sites(fixture, side);
        let mut pins: BTreeMap<String, (pogo_catalog::SolderedPin, Vec<String>)> = BTreeMap::new();
        for site in &sites {
            if let Some(pin) = &site.pin {
                pins.entry(pin.id.clone())
                    .or_insert_with(|| (pin.clone(), Vec::new()))
                    .1
                    .push(site.probe.clone());
            }
        }
        let soldered = sites.iter().filter(|s| s.pin.is_some()).count();
        let clashes = crate::probe_board::clashes(fixture, side);
        rows.push(Row {
            category: "probe board",
            id: format!("PROBE-BOARD-{}", side.as_str().to_uppercase()),
            maker: "PCB house".into(),
            part_number: format!("{file}.kicad_pcb"),
            description: format!(
                "2-layer 1.6 mm PCB from {file}.kicad_pcb (route the ratsnest first), {} spring pins and {} receptacles soldered in, instead of drilling the {} probe plate{}",
                soldered,
                ids.len() - soldered,
                side.as_str(),
                if clashes.is_empty() {
                    String::new()
                } else {
                    format!(
                        "; {} probe pair{} too close for their pads (KiCad DRC clearance errors, first {} and {}: {:.2} mm apart, {:.2} mm needed): drill the plate instead",
                        clashes.len(),
                        if clashes.len() == 1 { "" } else { "s" },
                        clashes[0].probes[0],
                        clashes[0].probes[1],
                        clashes[0].distance_mm,
                        clashes[0].needed_mm
                    )
                }
            ),
            quantity: 1,
            references: ids,
        });
        for (id, (pin, refs)) in pins {
            rows.push(Row {
                category: "soldered pin",
                id,
                maker: pin.maker.clone(),
                part_number: pin.order_code.clone(),
                description: format!(
                    "spring pin soldered into {file}.kicad_pcb ({} stroke; {})",
                    pin.stroke_mm
                        .map_or("unknown".to_string(), |s| format!("{s} mm")),
                    pin.source
                ),
                quantity: refs.len(),
                references: refs,
            });
        }
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(HEADER).expect("writing to memory");
    for (k, r) in rows.iter().enumerate() {
        w.write_record([
            (k + 1).to_string().as_str(),
            r.category,
            r.id.as_str(),
            r.maker.as_str(),
            r.part_number.as_str(),
            r.description.as_str(),
            r.quantity.to_string().as_str(),
            r.references.join(" ").as_str(),
        ])
        .expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("flush to memory"))
        .expect("csv of utf-8 fields is utf-8")
}
