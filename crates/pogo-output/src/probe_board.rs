//! The probe board: a KiCad 9 project (`probe-board.kicad_pcb` and
//! `probe-board.kicad_pro`) to order from a PCB house instead of drilling a probe plate.
//!
//! One board per probed side, the same size as that side's probe plate
//! ([`crate::plate`]): its outline on Edge.Cuts and its mounting and guide pin holes as
//! non-plated holes. One footprint per probe (reference = probe id, shown on the
//! silkscreen), a plated through hole for the spring pin soldered in ([`sites`]): the
//! catalog's through-hole pogo pin with the longest stroke whose pad fits the distance
//! to the next probe ([`choose_pin`]), else the probe's receptacle (drill = its
//! mounting drill); the pad as large as the neighbours allow, up to the drill + 0.6 mm,
//! on the board net it probes. With `[mechanics] probe_board_pins = "smt"` (recorded in
//! the stack-up) an SMT pogo pin of the catalog stands where its land fits: the maker's
//! land (pad diameter) on F.Cu with paste, round its locating peg hole, drawn plated and
//! on the probe's net (KiCad's DRC refuses copper at the edge of a bare hole; whether
//! the maker plates the peg hole its figures do not say); elsewhere the through-hole
//! choice. Probes too close for any pad (50 mil receptacles at
//! 1.27 mm) are listed by [`clashes`]: the board would fail KiCad's DRC there, and the
//! BOM and report say so. One interface connector per
//! `channels.connectors` entry (2.54 mm pin header, pins = channels), each pin on the
//! net of the probe `wiring.csv` assigns to it. Tracks are left to the engineer: the
//! ratsnest shows every probe-to-connector connection.
//!
//! Positions: the probe board's front (F.Cu, where the receptacles stand) faces the
//! board under test. For bottom-side probes it lies under the board face up, so a probe
//! sits at the test point's page position; for top-side probes it hangs over the board
//! face down, so its page position is the test point's mirrored about the plate's
//! `mirror_x` (the front seen from the board). The primary side (most probes) is
//! written as `probe-board.*`, the other as `probe-board-SIDE.*`.

use crate::plate::{HoleKind, Plate};
use crate::{OutputOptions, num};
use pogo_catalog::{Catalog, PinMounting, SolderedPin};
use pogo_fixture::Fixture;
use pogo_geom::Side;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

/// Annular ring added to the drill for a probe pad, mm (0.3 mm a side).
const PAD_RING_MM: f64 = 0.6;
/// Least annular ring of a probe pad (0.1 mm a side, KiCad's default minimum), mm:
/// probes closer than the drill + this + 0.2 mm clearance (50 mil receptacles at
/// 1.27 mm) cannot be soldered into a probe board and fail its DRC.
const MIN_RING_MM: f64 = 0.2;
/// Least copper between two probe pads, mm.
const PAD_GAP_MM: f64 = 0.3;
/// Interface connector pin pitch, pad and drill, mm (2.54 mm pin header).
const HEADER_PITCH_MM: f64 = 2.54;
const HEADER_PAD_MM: f64 = 1.7;
const HEADER_DRILL_MM: f64 = 1.0;

/// Least stroke a soldered pin must have to stand in for a probe, mm: enough for the
/// board's flatness and the closed fixture's height tolerance (pogo's own figure).
pub const MIN_PIN_STROKE_MM: f64 = 1.0;

/// The soldered pin to put where the next probe is `nearest_mm` away, soldered as
/// `mounting` asks. Through-hole: of the catalog's through-hole pins with a hole figure
/// and at least [`MIN_PIN_STROKE_MM`] of stroke, those whose least pad (hole + 0.2 mm
/// ring) keeps the pad gap to a neighbour's. SMT: of the SMT pins with a land (pad
/// diameter) figure and that stroke, those whose land keeps the pad gap to a
/// neighbour's; where none fits, the through-hole choice. Among those, the one with the
/// longest stroke (then the smallest hole or land, then the id).
pub fn choose_pin(
    catalog: &Catalog,
    nearest_mm: f64,
    mounting: PinMounting,
) -> Option<&SolderedPin> {
    let best = |want: PinMounting, size: fn(&SolderedPin) -> Option<f64>, extra_mm: f64| {
        catalog
            .soldered_pins
            .iter()
            .filter(|p| p.mounting == want)
            .filter_map(|p| Some((p, size(p)?, p.stroke_mm?)))
            .filter(|&(_, size, stroke)| {
                stroke >= MIN_PIN_STROKE_MM && size + extra_mm <= nearest_mm - PAD_GAP_MM
            })
            .max_by(|a, b| {
                a.2.total_cmp(&b.2)
                    .then(b.1.total_cmp(&a.1))
                    .then(b.0.id.cmp(&a.0.id))
            })
            .map(|(p, _, _)| p)
    };
    let smt = match mounting {
        PinMounting::Smt => best(PinMounting::Smt, |p| p.pad_diameter_mm, 0.0),
        PinMounting::ThroughHole => None,
    };
    smt.or_else(|| best(PinMounting::ThroughHole, |p| p.hole_mm, MIN_RING_MM))
}

/// What sits in one probe's place on the probe board.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    /// The probe id.
    pub probe: String,
    /// The soldered pin, or None: the probe's receptacle is soldered in.
    pub pin: Option<SolderedPin>,
    /// Drill, mm: the pin's tail or the receptacle's hole; an SMT pin's locating peg
    /// hole (0: an SMT land without a peg).
    pub drill_mm: f64,
    /// Pad diameter, mm (an SMT pin's land as its maker gives it).
    pub pad_mm: f64,
    /// Distance to the nearest probe of the side, mm.
    pub nearest_mm: f64,
}

/// The probe sites of one side's probe board, in probe order.
pub fn sites(fixture: &Fixture, side: Side) -> Vec<Site> {
    let catalog = Catalog::builtin();
    let probes: Vec<&pogo_fixture::Probe> =
        fixture.probes.iter().filter(|p| p.side == side).collect();
    let receptacle_drill = |p: &pogo_fixture::Probe| {
        crate::plate::probe_receptacle(fixture, p)
            .and_then(|r| fixture.receptacle(r))
            .map(|r| r.mounting_drill_mm)
    };
    let points: Vec<(f64, f64)> = probes.iter().map(|p| (p.x, p.y)).collect();
    let nearest_mm = nearest_distances(&points);
    let mounting = fixture
        .stackup
        .as_ref()
        .map_or(PinMounting::ThroughHole, |s| s.probe_board_pins);
    probes
        .iter()
        .zip(nearest_mm)
        .map(|(p, nearest)| {
            let pin = choose_pin(&catalog, nearest, mounting).cloned();
            if let Some(land) = pin
                .as_ref()
                .filter(|pin| pin.mounting == PinMounting::Smt)
                .and_then(|pin| pin.pad_diameter_mm)
            {
                return Site {
                    probe: p.id.clone(),
                    drill_mm: pin.as_ref().and_then(|pin| pin.hole_mm).unwrap_or(0.0),
                    pin,
                    pad_mm: land,
                    nearest_mm: nearest,
                };
            }
            let drill = match &pin {
                Some(pin) => pin.hole_mm.unwrap_or(1.0),
                None => receptacle_drill(p).unwrap_or(1.0),
            };
            let pad = (drill + PAD_RING_MM)
                .min(nearest - PAD_GAP_MM)
                .max(drill + MIN_RING_MM);
            Site {
                probe: p.id.clone(),
                pin,
                drill_mm: drill,
                pad_mm: pad,
                nearest_mm: nearest,
            }
        })
        .collect()
}

/// Two probes whose pads cannot keep the pad gap: KiCad's DRC reports a clearance
/// error there.
#[derive(Debug, Clone, PartialEq)]
pub struct PadClash {
    /// The side's probe board.
    pub side: Side,
    /// The two probes.
    pub probes: [String; 2],
    /// Their distance, mm.
    pub distance_mm: f64,
    /// The least distance their pads need, mm.
    pub needed_mm: f64,
}

/// Every pair of probes on one side's probe board whose pads (at their least ring)
/// come closer than the pad gap.
pub fn clashes(fixture: &Fixture, side: Side) -> Vec<PadClash> {
    let sites = sites(fixture, side);
    let at: BTreeMap<&str, (f64, f64)> = fixture
        .probes
        .iter()
        .map(|p| (p.id.as_str(), (p.x, p.y)))
        .collect();
    let points: Vec<(f64, f64)> = sites.iter().map(|s| at[s.probe.as_str()]).collect();
    let widest_mm = sites.iter().map(|s| s.pad_mm).fold(0.0, f64::max);
    let mut pairs = pairs_within(&points, widest_mm + PAD_GAP_MM);
    pairs.sort_unstable();
    let mut out = Vec::new();
    for (i, j) in pairs {
        let (a, b) = (&sites[i], &sites[j]);
        let (pa, pb) = (points[i], points[j]);
        let d = (pa.0 - pb.0).hypot(pa.1 - pb.1);
        let needed = (a.pad_mm + b.pad_mm) / 2.0 + PAD_GAP_MM;
        if d < needed - 1e-9 {
            out.push(PadClash {
                side,
                probes: [a.probe.clone(), b.probe.clone()],
                distance_mm: d,
                needed_mm: needed,
            });
        }
    }
    out
}

/// The indices of `points` in order of x, for sweeps that look only at points within
/// a distance along x.
fn order_by_x(points: &[(f64, f64)]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..points.len()).collect();
    order.sort_by(|&a, &b| points[a].0.total_cmp(&points[b].0));
    order
}

/// Each point's distance to its nearest other point (infinite when it is alone): a
/// sweep in x from each point both ways, stopped once the x distance alone is
/// farther than the nearest found.
fn nearest_distances(points: &[(f64, f64)]) -> Vec<f64> {
    let order = order_by_x(points);
    let mut nearest = vec![f64::INFINITY; points.len()];
    for (k, &i) in order.iter().enumerate() {
        let (x, y) = points[i];
        let mut best = f64::INFINITY;
        let mut look = |j: usize| {
            let stop = (points[j].0 - x).abs() > best;
            if !stop {
                best = best.min((points[j].0 - x).hypot(points[j].1 - y));
            }
            stop
        };
        let _ = order[k + 1..].iter().any(|&j| look(j));
        let _ = order[..k].iter().rev().any(|&j| look(j));
        nearest[i] = best;
    }
    nearest
}

/// The pairs `(i, j)`, `i < j`, of points closer than `reach` in x (a superset of
/// the pairs closer than `reach`), in no particular order.
fn pairs_within(points: &[(f64, f64)], reach: f64) -> Vec<(usize, usize)> {
    let order = order_by_x(points);
    let mut pairs = Vec::new();
    for (k, &i) in order.iter().enumerate() {
        for &j in &order[k + 1..] {
            if points[j].0 - points[i].0 > reach {
                break;
            }
            pairs.push((i.min(j), i.max(j)));
        }
    }
    pairs
}

/// The KiCad files of one probe board.
#[derive(Debug, Clone, PartialEq)]
pub struct ProbeBoard {
    /// File stem: `probe-board` or `probe-board-top`.
    pub stem: String,
    /// The `.kicad_pcb` text.
    pub pcb: String,
    /// The `.kicad_pro` text.
    pub pro: String,
}

/// A pad as written (footprint position and size), for the writers' own checks.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedPad {
    /// Footprint reference (`P3`, `J1`, `H1`).
    pub reference: String,
    /// Pad number within the footprint.
    pub number: String,
    /// Page position x on the probe board, mm.
    pub x: f64,
    /// Page position y on the probe board, mm.
    pub y: f64,
    /// Copper land diameter.
    pub diameter_mm: f64,
    /// Drill diameter.
    pub drill_mm: f64,
    /// Net name (empty: no net).
    pub net: String,
    /// The soldered spring pin in a probe's pad (maker and order code); empty for a
    /// receptacle, a connector pin or a hole.
    pub pin: String,
    /// The spring pin is an SMT one: its land on F.Cu with paste (`drill_mm`: its
    /// locating peg hole, 0 for none).
    pub smt: bool,
}

/// The probe board of every plate, primary side first.
pub fn render(fixture: &Fixture, plates: &[Plate], opts: &OutputOptions) -> Vec<ProbeBoard> {
    let mut out: Vec<ProbeBoard> = plates
        .iter()
        .map(|plate| {
            let stem = file_stem(fixture, plate.side);
            let pads = pads(fixture, plate);
            ProbeBoard {
                pcb: pcb_text(fixture, plate, &pads, opts),
                pro: pro_text(&stem),
                stem,
            }
        })
        .collect();
    out.sort_by_key(|b| b.stem != "probe-board");
    out
}

/// The file stem of `side`'s probe board: `probe-board` for the primary side (most
/// probes), `probe-board-SIDE` for the other.
pub fn file_stem(fixture: &Fixture, side: Side) -> String {
    if primary_side(fixture) == Some(side) {
        "probe-board".to_string()
    } else {
        format!("probe-board-{}", side.as_str())
    }
}

/// The side with the most probes (bottom on a tie).
fn primary_side(fixture: &Fixture) -> Option<Side> {
    let count = |s: Side| fixture.probes.iter().filter(|p| p.side == s).count();
    if fixture.probes.is_empty() {
        None
    } else if count(Side::Top) > count(Side::Bottom) {
        Some(Side::Top)
    } else {
        Some(Side::Bottom)
    }
}

/// Where a page position of the board under test lands on this side's probe board.
fn board_xy(plate: &Plate, x: f64, y: f64) -> (f64, f64) {
    match plate.side {
        Side::Bottom => (x, y),
        Side::Top => (2.0 * plate.mirror_x - x, y),
    }
}

/// Every pad of the probe board: probes, interface connector pins, then holes.
pub fn pads(fixture: &Fixture, plate: &Plate) -> Vec<PlacedPad> {
    let mut out = Vec::new();
    // Each probe id's first probe (a lookup, not a scan of every probe per site).
    let mut by_id: HashMap<&str, &pogo_fixture::Probe> = HashMap::new();
    for p in &fixture.probes {
        by_id.entry(p.id.as_str()).or_insert(p);
    }
    for site in sites(fixture, plate.side) {
        let Some(&p) = by_id.get(site.probe.as_str()) else {
            continue;
        };
        let (x, y) = board_xy(plate, p.x, p.y);
        out.push(PlacedPad {
            reference: p.id.clone(),
            number: "1".into(),
            x,
            y,
            diameter_mm: site.pad_mm,
            drill_mm: site.drill_mm,
            net: p.net.clone(),
            smt: site
                .pin
                .as_ref()
                .is_some_and(|pin| pin.mounting == PinMounting::Smt),
            pin: site.pin.map_or(String::new(), |pin| {
                format!("{} {}", pin.maker, pin.order_code)
            }),
        });
    }
    out.extend(connector_pads(fixture, plate));
    for h in &plate.holes {
        if matches!(h.kind, HoleKind::Probe { .. }) {
            continue;
        }
        out.push(PlacedPad {
            reference: h.label.clone(),
            number: String::new(),
            x: h.x,
            y: h.y,
            diameter_mm: h.diameter_mm,
            drill_mm: h.diameter_mm,
            net: String::new(),
            pin: String::new(),
            smt: false,
        });
    }
    out
}

/// Interface connector pins: one 2.54 mm header per connector, in rows along the
/// plate's bottom edge (inside its margin, clear of the corner mounting holes).
fn connector_pads(fixture: &Fixture, plate: &Plate) -> Vec<PlacedPad> {
    let Some(ch) = &fixture.channels else {
        return Vec::new();
    };
    let side_probes: BTreeMap<&str, &str> = fixture
        .probes
        .iter()
        .filter(|p| p.side == plate.side)
        .map(|p| (p.id.as_str(), p.net.as_str()))
        .collect();
    let net_of: BTreeMap<(&str, u32), &str> = ch
        .assignments
        .iter()
        .filter_map(|a| {
            side_probes
                .get(a.probe.as_str())
                .map(|net| ((a.connector.as_str(), a.pin), *net))
        })
        .collect();
    let [l, _, r, b] = plate.bbox;
    let inset = 14.0;
    let per_row = (((r - l) - 2.0 * inset) / HEADER_PITCH_MM).floor().max(1.0) as u32;
    let mut out = Vec::new();
    let mut row = 0u32;
    for c in &ch.connectors {
        let used = c.pins.div_ceil(per_row);
        for pin in 1..=c.pins {
            let k = pin - 1;
            let x = l + inset + (k % per_row) as f64 * HEADER_PITCH_MM;
            let y = b - 3.0 - (row + k / per_row) as f64 * HEADER_PITCH_MM;
            out.push(PlacedPad {
                reference: c.name.clone(),
                number: pin.to_string(),
                x,
                y,
                diameter_mm: HEADER_PAD_MM,
                drill_mm: HEADER_DRILL_MM,
                net: net_of
                    .get(&(c.name.as_str(), pin))
                    .map(|n| n.to_string())
                    .unwrap_or_default(),
                pin: String::new(),
                smt: false,
            });
        }
        row += used;
    }
    out
}

/// Deterministic UUIDs: the n-th item of the file.
struct Uuids(u64);

impl Uuids {
    fn next(&mut self) -> String {
        self.0 += 1;
        format!("00000000-0000-4000-8000-{:012x}", self.0)
    }
}

fn q(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn mm(v: f64) -> String {
    num(v, 4)
}

const LAYERS: &str = r#"	(layers
		(0 "F.Cu" signal)
		(2 "B.Cu" signal)
		(9 "F.Adhes" user "F.Adhesive")
		(11 "B.Adhes" user "B.Adhesive")
		(13 "F.Paste" user)
		(15 "B.Paste" user)
		(5 "F.SilkS" user "F.Silkscreen")
		(7 "B.SilkS" user "B.Silkscreen")
		(1 "F.Mask" user)
		(3 "B.Mask" user)
		(17 "Dwgs.User" user "User.Drawings")
		(19 "Cmts.User" user "User.Comments")
		(25 "Edge.Cuts" user)
		(27 "Margin" user)
		(31 "F.CrtYd" user "F.Courtyard")
		(29 "B.CrtYd" user "B.Courtyard")
		(35 "F.Fab" user)
		(33 "B.Fab" user)
	)
"#;

fn pcb_text(fixture: &Fixture, plate: &Plate, pads: &[PlacedPad], opts: &OutputOptions) -> String {
    let _ = opts;
    let mut ids = Uuids(0);
    let mut s = String::new();
    s.push_str(
        "(kicad_pcb\n\t(version 20241229)\n\t(generator \"pogo\")\n\t(generator_version \"9.0\")\n",
    );
    s.push_str(
        "\t(general\n\t\t(thickness 1.6)\n\t\t(legacy_teardrops no)\n\t)\n\t(paper \"A3\")\n",
    );
    let _ = writeln!(
        s,
        "\t(title_block\n\t\t(title {})\n\t\t(comment 1 {})\n\t)",
        q(&format!(
            "Probe board, {} side, for {}",
            plate.side.as_str(),
            fixture.board.file
        )),
        q("Written by pogo design: route the ratsnest, then order")
    );
    s.push_str(LAYERS);
    s.push_str("\t(setup\n\t\t(pad_to_mask_clearance 0)\n\t\t(allow_soldermask_bridges_in_footprints no)\n\t\t(tenting front back)\n\t)\n");
    // Nets: sorted names, numbered from 1.
    let mut names: Vec<&str> = pads
        .iter()
        .map(|p| p.net.as_str())
        .filter(|n| !n.is_empty())
        .collect();
    names.sort_unstable();
    names.dedup();
    let net_no: BTreeMap<&str, usize> =
        names.iter().enumerate().map(|(i, n)| (*n, i + 1)).collect();
    s.push_str("\t(net 0 \"\")\n");
    for (i, n) in names.iter().enumerate() {
        let _ = writeln!(s, "\t(net {} {})", i + 1, q(n));
    }
    // Footprints, one per reference, in pad order.
    let mut order: Vec<&str> = Vec::new();
    let mut by_ref: BTreeMap<&str, Vec<&PlacedPad>> = BTreeMap::new();
    for p in pads {
        if !by_ref.contains_key(p.reference.as_str()) {
            order.push(&p.reference);
        }
        by_ref.entry(&p.reference).or_default().push(p);
    }
    for r in order {
        let group = &by_ref[r];
        footprint(&mut s, &mut ids, r, group, &net_no);
    }
    // Outline.
    let ring = &plate.outline;
    if ring.len() >= 3 {
        s.push_str("\t(gr_poly\n\t\t(pts\n");
        for p in ring {
            let _ = writeln!(s, "\t\t\t(xy {} {})", mm(p.x), mm(p.y));
        }
        let _ = writeln!(
            s,
            "\t\t)\n\t\t(stroke\n\t\t\t(width 0.1)\n\t\t\t(type solid)\n\t\t)\n\t\t(fill no)\n\t\t(layer \"Edge.Cuts\")\n\t\t(uuid \"{}\")\n\t)",
            ids.next()
        );
    }
    s.push_str(")\n");
    s
}

/// One footprint: a probe (one plated pad), a connector (its pins) or a hole.
fn footprint(
    s: &mut String,
    ids: &mut Uuids,
    reference: &str,
    pads: &[&PlacedPad],
    net_no: &BTreeMap<&str, usize>,
) {
    let (ox, oy) = (pads[0].x, pads[0].y);
    let hole = pads[0].number.is_empty();
    let connector = pads.len() > 1;
    let smt = !hole && !connector && pads[0].smt;
    let lib = if hole {
        "pogo:Hole_NPTH"
    } else if connector {
        "pogo:Interface_Header_2.54mm"
    } else if smt {
        "pogo:Spring_Pin_SMD"
    } else if !pads[0].pin.is_empty() {
        "pogo:Spring_Pin_THT"
    } else {
        "pogo:Probe_Receptacle_THT"
    };
    let value = if hole {
        format!("hole {} mm", num(pads[0].drill_mm, 3))
    } else if connector {
        format!("{} pins", pads.len())
    } else if smt {
        format!(
            "{}, SMT land {} mm, peg hole {} mm",
            pads[0].pin,
            num(pads[0].diameter_mm, 3),
            num(pads[0].drill_mm, 3)
        )
    } else if !pads[0].pin.is_empty() {
        format!("{}, drill {} mm", pads[0].pin, num(pads[0].drill_mm, 3))
    } else {
        format!("receptacle, drill {} mm", num(pads[0].drill_mm, 3))
    };
    let _ = writeln!(
        s,
        "\t(footprint {}\n\t\t(layer \"F.Cu\")\n\t\t(uuid \"{}\")\n\t\t(at {} {})",
        q(lib),
        ids.next(),
        mm(ox),
        mm(oy)
    );
    let label_dy = -(pads[0].diameter_mm / 2.0 + 0.7);
    property(
        s,
        ids,
        "Reference",
        reference,
        0.0,
        label_dy,
        "F.SilkS",
        false,
    );
    property(s, ids, "Value", &value, 0.0, -label_dy, "F.Fab", true);
    if hole {
        let _ = writeln!(s, "\t\t(attr exclude_from_pos_files exclude_from_bom)");
    } else if smt {
        let _ = writeln!(s, "\t\t(attr smd)");
    } else {
        let _ = writeln!(s, "\t\t(attr through_hole)");
    }
    // Courtyard: round each pad, never reaching past half the gap to a neighbour.
    let (mut l, mut t, mut r, mut b) = (
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    );
    for p in pads {
        let h = p.diameter_mm / 2.0 + 0.1;
        l = l.min(p.x - ox - h);
        t = t.min(p.y - oy - h);
        r = r.max(p.x - ox + h);
        b = b.max(p.y - oy + h);
    }
    let _ = writeln!(
        s,
        "\t\t(fp_rect\n\t\t\t(start {} {})\n\t\t\t(end {} {})\n\t\t\t(stroke\n\t\t\t\t(width 0.05)\n\t\t\t\t(type solid)\n\t\t\t)\n\t\t\t(fill no)\n\t\t\t(layer \"F.CrtYd\")\n\t\t\t(uuid \"{}\")\n\t\t)",
        mm(l),
        mm(t),
        mm(r),
        mm(b),
        ids.next()
    );
    // Copper and mask on both sides, kept on every layer (the pin's barrel or a hole).
    const THROUGH_LAYERS: &str = "(layers \"*.Cu\" \"*.Mask\")";
    const KEEP_UNUSED: &str = "\n\t\t\t(remove_unused_layers no)";
    for p in pads {
        let land = Land {
            at: (p.x - ox, p.y - oy),
            diameter_mm: p.diameter_mm,
            drill_mm: p.drill_mm,
        };
        if hole {
            land.write(s, ids, "\"\"", "np_thru_hole circle", THROUGH_LAYERS, "");
            continue;
        }
        let net = net_no
            .get(p.net.as_str())
            .map(|n| format!("\n\t\t\t(net {n} {})", q(&p.net)))
            .unwrap_or_default();
        let number = q(&p.number);
        if smt {
            // The maker's land with paste on the front, round the locating peg hole
            // (plated, on the pin's net), or a plain SMD land without a peg.
            if p.drill_mm > 0.0 {
                let layers = format!("(layers \"*.Cu\" \"F.Paste\" \"F.Mask\"){KEEP_UNUSED}");
                land.write(s, ids, &number, "thru_hole circle", &layers, &net);
            } else {
                let layers = "(layers \"F.Cu\" \"F.Paste\" \"F.Mask\")";
                land.write(s, ids, &number, "smd circle", layers, &net);
            }
            continue;
        }
        let kind = if connector && p.number == "1" {
            "thru_hole rect"
        } else {
            "thru_hole circle"
        };
        let layers = format!("{THROUGH_LAYERS}{KEEP_UNUSED}");
        land.write(s, ids, &number, kind, &layers, &net);
    }
    s.push_str("\t\t(embedded_fonts no)\n\t)\n");
}

/// A round pad of a footprint, relative to the footprint's origin.
struct Land {
    at: (f64, f64),
    diameter_mm: f64,
    /// 0 for a pad without a hole.
    drill_mm: f64,
}

impl Land {
    /// Writes `(pad NUMBER KIND_AND_SHAPE ...)`: position, size, drill when there is one,
    /// `layers` (with anything that follows them) and `net` (empty, or `\n(net ...)`).
    fn write(
        &self,
        s: &mut String,
        ids: &mut Uuids,
        number: &str,
        kind_and_shape: &str,
        layers: &str,
        net: &str,
    ) {
        let drill = if self.drill_mm > 0.0 {
            format!("\n\t\t\t(drill {})", mm(self.drill_mm))
        } else {
            String::new()
        };
        let _ = writeln!(
            s,
            "\t\t(pad {number} {kind_and_shape}\n\t\t\t(at {} {})\n\t\t\t(size {} {}){drill}\n\t\t\t{layers}{net}\n\t\t\t(uuid \"{}\")\n\t\t)",
            mm(self.at.0),
            mm(self.at.1),
            mm(self.diameter_mm),
            mm(self.diameter_mm),
            ids.next()
        );
    }
}

#[allow(clippy::too_many_arguments)]
fn property(
    s: &mut String,
    ids: &mut Uuids,
    name: &str,
    value: &str,
    x: f64,
    y: f64,
    layer: &str,
    hide: bool,
) {
    let _ = writeln!(
        s,
        "\t\t(property {} {}\n\t\t\t(at {} {} 0)\n\t\t\t(layer {}){}\n\t\t\t(uuid \"{}\")\n\t\t\t(effects\n\t\t\t\t(font\n\t\t\t\t\t(size 0.8 0.8)\n\t\t\t\t\t(thickness 0.12)\n\t\t\t\t)\n\t\t\t)\n\t\t)",
        q(name),
        q(value),
        mm(x),
        mm(y),
        q(layer),
        if hide { "\n\t\t\t(hide yes)" } else { "" },
        ids.next()
    );
}

/// A minimal KiCad 9 project: its name and the design rules the DRC checks against (the
/// footprints are written into the board, not taken from a library: KiCad's library
/// checks are off).
fn pro_text(stem: &str) -> String {
    format!(
        r#"{{
  "board": {{
    "design_settings": {{
      "rule_severities": {{
        "lib_footprint_issues": "ignore",
        "lib_footprint_mismatch": "ignore"
      }},
      "rules": {{
        "min_clearance": 0.2,
        "min_copper_edge_clearance": 0.5,
        "min_hole_clearance": 0.25,
        "min_hole_to_hole": 0.25,
        "min_through_hole_diameter": 0.3,
        "min_track_width": 0.2
      }}
    }}
  }},
  "meta": {{
    "filename": "{stem}.kicad_pro",
    "version": 3
  }},
  "net_settings": {{
    "classes": [
      {{
        "clearance": 0.2,
        "name": "Default",
        "track_width": 0.25,
        "via_diameter": 0.6,
        "via_drill": 0.3
      }}
    ],
    "meta": {{
      "version": 4
    }}
  }}
}}
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Points on a jittered grid with a few exact duplicates and a lone far point.
    fn points() -> Vec<(f64, f64)> {
        let mut v: Vec<(f64, f64)> = (0..400)
            .map(|i| {
                let (gx, gy) = ((i % 20) as f64, (i / 20) as f64);
                let jitter = ((i * 7919) % 97) as f64 / 97.0;
                (gx * 1.3 + jitter, gy * 0.9 - jitter / 2.0)
            })
            .collect();
        v.extend([(3.0, 3.0), (3.0, 3.0), (500.0, -40.0)]);
        v
    }

    #[test]
    fn the_sweeps_agree_with_every_pair() {
        let p = points();
        let nearest = nearest_distances(&p);
        for (i, a) in p.iter().enumerate() {
            let brute = p
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, b)| (a.0 - b.0).hypot(a.1 - b.1))
                .fold(f64::INFINITY, f64::min);
            assert_eq!(nearest[i], brute, "point {i}");
        }
        let reach = 1.7;
        let mut swept: Vec<(usize, usize)> = pairs_within(&p, reach)
            .into_iter()
            .filter(|&(i, j)| (p[i].0 - p[j].0).hypot(p[i].1 - p[j].1) < reach)
            .collect();
        swept.sort_unstable();
        let mut brute = Vec::new();
        for i in 0..p.len() {
            for j in i + 1..p.len() {
                if (p[i].0 - p[j].0).hypot(p[i].1 - p[j].1) < reach {
                    brute.push((i, j));
                }
            }
        }
        assert!(!brute.is_empty());
        assert_eq!(swept, brute);
        assert_eq!(nearest_distances(&[(1.0, 1.0)]), vec![f64::INFINITY]);
    }
}
