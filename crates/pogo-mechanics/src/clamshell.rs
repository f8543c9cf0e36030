//! The hinged clamshell (`mechanism = "clamshell"`): the whole fixture as parts.
//!
//! Layout (model frame of `pogo_fixture::clamshell`: X = page x, Y = -(page y), Z up,
//! board bottom face at Z = 0; the front is the page's bottom edge, the hinge at the
//! back):
//! - the **lower plate** facing the board's bottom face (the bottom probe plate, or the
//!   pressure plate of a top-probed board) on M3 standoffs over the **base**;
//! - two **side plates** and a **front plate** standing on the base (tab-and-slot joints
//!   held by M3 screws into captive nuts); the head closes onto their top edges, which
//!   fixes the set height;
//! - the **head**: a head top sheet with two **head sides** that turn on the hinge pin
//!   through the side plates; the **upper plate** (pressure plate with its push fingers,
//!   or the top probe plate) hangs under the head top on M3 standoffs;
//! - a draw latch on the front plate, its keeper on the head top.
//!
//! The hinge axis is put far enough behind the probes that every probe meets the board
//! within [`ClamshellSettings::max_hinge_angle_deg`] of vertical ([`hinge_check`]); the
//! closed assembly is checked against boxes of the board's parts ([`interference`]).

use crate::config::MechanicsSettings;
use crate::geom;
use crate::nest::NestSeat;
use pogo_fixture::{
    Clamshell, FrameHole, FramePart, FramePartRole, FramePocket, HardwareItem, HardwareKind,
    HardwareUse, HingeCheck, HingeSide, HingeStatus, HolePurpose, Interference, InterferenceRule,
    Making, Placement, PocketReason, ProbeAngle,
};
use pogo_geom::{PointMm, Side};
use pogo_geom::{point_in_ring, ring_distance, segment_distance};
use serde::{Deserialize, Serialize};

/// Margin of the probe plates round the board's bounding box, mm: the same figure the
/// plate files are drawn with (`pogo_output::OutputOptions::plate_margin_mm`).
pub const PLATE_MARGIN_MM: f64 = 12.0;
/// Plate mounting holes: inset from the plate edges and diameter (M3 clearance), mm,
/// as the plate files draw them.
pub const MOUNTING_INSET_MM: f64 = 6.0;
/// Clearance hole for an M3 screw, mm (ISO 273 medium).
pub const M3_CLEARANCE_MM: f64 = 3.4;
/// Tap drill for an M3 thread in a printed push finger, mm.
pub const M3_TAP_MM: f64 = 2.5;
/// Captive M3 nut pocket of a T-slot joint (nut 5.5 mm across flats, 2.4 mm thick) and
/// the screw slot, mm.
const NUT_W_MM: f64 = 5.8;
const NUT_H_MM: f64 = 2.7;
const SCREW_SLOT_W_MM: f64 = 3.2;
const SCREW_SLOT_DEPTH_MM: f64 = 12.0;
const NUT_AT_MM: f64 = 6.0;
/// Tab width of a tab-and-slot joint, mm, and the slot's play round a tab.
const TAB_W_MM: f64 = 10.0;
const SLOT_PLAY_MM: f64 = 0.1;
/// Gaps between the plate edge, head side and side plate, mm.
const HEAD_GAP_MM: f64 = 3.0;
const SIDE_GAP_MM: f64 = 1.0;
/// Front plate distance in front of the plate, base margin round the frame, mm.
const FRONT_GAP_MM: f64 = 10.0;
const BASE_MARGIN_MM: f64 = 8.0;
/// Material round the hinge pin hole, mm.
const HINGE_EAR_MM: f64 = 10.0;
/// How far a tooling pin stands above the board's top face while the board rests on
/// the uncompressed probes, mm: the lead-in that finds the hole before a probe
/// touches (pogo's own figure).
pub const TOOLING_PIN_LEAD_MM: f64 = 2.0;
/// ISO 8734 dowel pin lengths, mm (the standard's preferred series).
const DOWEL_LENGTHS_MM: [f64; 22] = [
    4.0, 5.0, 6.0, 8.0, 10.0, 12.0, 14.0, 16.0, 18.0, 20.0, 22.0, 24.0, 26.0, 28.0, 30.0, 32.0,
    35.0, 40.0, 45.0, 50.0, 55.0, 60.0,
];

/// The `[clamshell]` table of `pogo.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClamshellSettings {
    /// Sheet thickness of the laser-cut parts, mm (6 mm acrylic, MDF or plywood).
    pub sheet_thickness_mm: f64,
    /// Laser kerf the DXF paths compensate, mm.
    pub kerf_mm: f64,
    /// Clearance kept between any fixture part and a board part's body, mm.
    pub clearance_mm: f64,
    /// Room under the lower plate for receptacle tails and wires (standoff length), mm.
    pub wiring_space_mm: f64,
    /// Room between the head top and the upper plate (standoff length), mm.
    pub head_space_mm: f64,
    /// Hinge pin (steel dowel or shoulder screw) diameter, mm.
    pub hinge_pin_mm: f64,
    /// OpenFixture's rule: the largest angle from vertical a probe may meet the board at.
    pub max_hinge_angle_deg: f64,
    /// Farthest the hinge axis may sit behind the plate, mm (beyond it the rule is refused).
    pub max_hinge_distance_mm: f64,
}

impl Default for ClamshellSettings {
    fn default() -> Self {
        Self {
            sheet_thickness_mm: 6.0,
            kerf_mm: 0.1,
            clearance_mm: 1.0,
            wiring_space_mm: 30.0,
            head_space_mm: 15.0,
            hinge_pin_mm: 6.0,
            max_hinge_angle_deg: 0.5,
            max_hinge_distance_mm: 250.0,
        }
    }
}

impl ClamshellSettings {
    /// Checks every figure; the error names the field.
    pub fn validate(&self) -> Result<(), (String, String)> {
        let fields = [
            ("sheet_thickness_mm", self.sheet_thickness_mm, 1.0, 25.0),
            ("kerf_mm", self.kerf_mm, 0.0, 0.99),
            ("clearance_mm", self.clearance_mm, 0.0, 20.0),
            ("wiring_space_mm", self.wiring_space_mm, 5.0, 200.0),
            ("head_space_mm", self.head_space_mm, 5.0, 200.0),
            ("hinge_pin_mm", self.hinge_pin_mm, 2.0, 20.0),
            ("max_hinge_angle_deg", self.max_hinge_angle_deg, 0.01, 10.0),
            (
                "max_hinge_distance_mm",
                self.max_hinge_distance_mm,
                10.0,
                2000.0,
            ),
        ];
        for (name, v, lo, hi) in fields {
            if !(v.is_finite() && (lo..=hi).contains(&v)) {
                return Err((
                    format!("clamshell.{name}"),
                    format!("expected a figure from {lo} to {hi}, found {v}"),
                ));
            }
        }
        Ok(())
    }
}

/// Z levels of the closed assembly (model frame), mm.
#[derive(Debug, Clone, Copy)]
struct Levels {
    /// Lower plate: bottom and top face.
    lower: (f64, f64),
    /// Upper plate: bottom and top face.
    upper: (f64, f64),
    /// Base top face.
    base_top: f64,
    /// Head top bottom face (rests on the side and front plates).
    head: f64,
}

/// X and Y extents of the frame (model frame), mm.
#[derive(Debug, Clone, Copy)]
struct Extents {
    /// Probe plate rectangle [x0, y0, x1, y1].
    plate: [f64; 4],
    /// Head sides: inner faces (left, right).
    head_in: (f64, f64),
    /// Side plates: inner faces (left, right).
    side_in: (f64, f64),
    /// Front plate: front face and back face (Y).
    front: (f64, f64),
    /// Hinge axis (Y, Z).
    hinge: (f64, f64),
}

/// What a plate facing one board face is.
struct FacePlate {
    role: FramePartRole,
    thickness_mm: f64,
    /// Distance from the board face to the plate face, mm.
    gap_mm: f64,
    side: Side,
}

fn face_plates(fx: &pogo_fixture::Fixture) -> Result<(FacePlate, FacePlate), String> {
    let st = fx
        .stackup
        .as_ref()
        .ok_or("the fixture has no stack-up (mechanics not built)")?;
    let probe = |side: Side| st.sides.iter().find(|s| s.side == side);
    let pressure = |side: Side| -> Result<FacePlate, String> {
        let other = probe(side.opposite()).ok_or("no probed side")?;
        let pp = other
            .pressure_plate
            .as_ref()
            .ok_or("the stack-up has no pressure plate")?;
        Ok(FacePlate {
            role: FramePartRole::PressurePlate,
            thickness_mm: pp.thickness_mm,
            gap_mm: pp.push_finger_length_mm,
            side,
        })
    };
    let plate_for = |side: Side| match probe(side) {
        Some(s) => Ok(FacePlate {
            role: FramePartRole::ProbePlate,
            thickness_mm: s.probe_plate_thickness_mm,
            gap_mm: s.set_height_mm,
            side,
        }),
        None => pressure(side),
    };
    Ok((plate_for(Side::Bottom)?, plate_for(Side::Top)?))
}

/// The board's box `[l, t, r, b]`, page coordinates: its outline's, else the recorded
/// outline box.
fn board_bbox(fx: &pogo_fixture::Fixture) -> Result<[f64; 4], String> {
    crate::geom::bbox(&geom::outline(&fx.board))
        .or_else(|| {
            let b = fx.board.outline_bbox;
            (b[2] > b[0] && b[3] > b[1]).then_some(b)
        })
        .ok_or_else(|| "the board has no outline".to_string())
}

/// The lower plate's rectangle, page coordinates (the plate files' margin round the
/// board's box).
fn plate_rect_page(bb: [f64; 4]) -> [f64; 4] {
    let m = PLATE_MARGIN_MM;
    [bb[0] - m, bb[1] - m, bb[2] + m, bb[3] + m]
}

/// Where the nest sits in the clamshell: on the lower plate's top face (the bottom
/// probe plate, or the pressure plate of a top-probed board), the board's bottom face
/// on its ledge at the set height (or push finger length) above the plate, fixed by
/// the plate's four standoff screws, the push fingers on the plate passing through it.
pub fn nest_seat(
    fx: &pogo_fixture::Fixture,
    s: &ClamshellSettings,
    m: &MechanicsSettings,
) -> Result<NestSeat, String> {
    let (lower, _) = face_plates(fx)?;
    let fingers = face_fingers(fx, Side::Bottom)
        .into_iter()
        .map(|f| [f.x, f.y, finger_tip_mm(f, m)])
        .collect();
    Ok(NestSeat::Clamshell {
        gap_mm: lower.gap_mm,
        plate: plate_rect_page(board_bbox(fx)?),
        inset_mm: MOUNTING_INSET_MM,
        hole_mm: M3_CLEARANCE_MM,
        clearance_mm: s.clearance_mm,
        fingers,
    })
}

/// Builds the clamshell of a fixture whose stack-up, registration and force are built
/// (a nest seated by [`nest_seat`]).
pub fn build(
    fx: &pogo_fixture::Fixture,
    s: &ClamshellSettings,
    m: &MechanicsSettings,
) -> Result<Clamshell, String> {
    let bb = board_bbox(fx)?;
    let (lower, upper) = face_plates(fx)?;
    let t = s.sheet_thickness_mm;
    let tb = fx.board.thickness_mm;
    let lv = Levels {
        lower: (-lower.gap_mm - lower.thickness_mm, -lower.gap_mm),
        upper: (tb + upper.gap_mm, tb + upper.gap_mm + upper.thickness_mm),
        base_top: -lower.gap_mm - lower.thickness_mm - s.wiring_space_mm,
        head: tb + upper.gap_mm + upper.thickness_mm + s.head_space_mm,
    };
    let m_ = PLATE_MARGIN_MM;
    let plate = [bb[0] - m_, -bb[3] - m_, bb[2] + m_, -bb[1] + m_];
    let head_in = (plate[0] - HEAD_GAP_MM, plate[2] + HEAD_GAP_MM);
    let side_in = (head_in.0 - t - SIDE_GAP_MM, head_in.1 + t + SIDE_GAP_MM);
    let front = (plate[1] - FRONT_GAP_MM - t, plate[1] - FRONT_GAP_MM);
    let mut hinge = hinge_check(fx, s, plate[3], tb)?;
    let ex = Extents {
        plate,
        head_in,
        side_in,
        front,
        hinge: (hinge.axis_y_mm, hinge.axis_z_mm),
    };
    let pins = ToolingStand::new(fx, &lv, &lower, s)?;
    let mut parts = Vec::new();
    parts.push(base(&ex, &lv, t));
    for left in [true, false] {
        parts.push(side_plate(&ex, &lv, t, left, s.hinge_pin_mm));
    }
    parts.push(front_plate(&ex, &lv, t));
    parts.push(face_plate(fx, &ex, &lv, &lower, false, &pins));
    parts.extend(nest_part(fx, &lv)?);
    parts.push(face_plate(fx, &ex, &lv, &upper, true, &pins));
    parts.push(head_top(&ex, &lv, t));
    for left in [true, false] {
        parts.push(head_side(&ex, &lv, t, left, s.hinge_pin_mm));
    }
    parts.extend(fingers(fx, &lv, tb, &lower, &upper, m));
    parts.extend(pins.parts(fx));
    let mut interference = interference(fx, &parts, s.clearance_mm, m);
    interference.extend(overlap_findings(&parts));
    interference.extend(finger_findings(fx, m));
    interference.extend(ring_findings(fx, m));
    hinge.hinge_pin_diameter_mm = s.hinge_pin_mm;
    let hardware = hardware(fx, &parts, &ex, &lv, s, &pins);
    let (assembly, assembly_parts) = assembly_steps(&parts, &hardware, &lower, &upper);
    let swing = swing_check(fx, &parts, &hinge, m);
    Ok(Clamshell {
        sheet_thickness_mm: t,
        kerf_mm: s.kerf_mm,
        clearance_mm: s.clearance_mm,
        parts,
        hinge,
        hardware,
        interference,
        parts_checked: fx.board.parts.len(),
        assembly,
        assembly_parts,
        swing: Some(swing),
    })
}

// ---------------------------------------------------------------- hinge rule

/// Compression of each probe at the closed position, from its side's stack-up level.
fn compression(fx: &pogo_fixture::Fixture, p: &pogo_fixture::Probe) -> f64 {
    fx.stackup
        .iter()
        .flat_map(|st| st.sides.iter())
        .filter(|s| s.side == p.side)
        .flat_map(|s| s.levels.iter())
        .find(|l| l.part == p.part)
        .map(|l| l.compression_mm)
        .unwrap_or(0.0)
}

/// Angle from vertical at which a probe `r` mm from the hinge axis, compressed `c` mm,
/// meets the board: half the head's opening angle asin(c / r) at first contact.
pub fn contact_angle_deg(r_mm: f64, c_mm: f64) -> f64 {
    if r_mm <= 0.0 {
        return 90.0;
    }
    (c_mm / r_mm).clamp(0.0, 1.0).asin().to_degrees() / 2.0
}

/// Places the hinge axis (behind the plate's back edge `plate_back_y`, at the board's
/// top face) far enough back that every probe meets the rule, or as far as allowed and
/// refused.
fn hinge_check(
    fx: &pogo_fixture::Fixture,
    s: &ClamshellSettings,
    plate_back_y: f64,
    tb: f64,
) -> Result<HingeCheck, String> {
    let sin2a = (2.0 * s.max_angle_rad()).sin();
    let least = plate_back_y + HINGE_EAR_MM + s.hinge_pin_mm;
    let needed = fx
        .probes
        .iter()
        .map(|p| -p.y + compression(fx, p) / sin2a)
        .fold(least, f64::max);
    let limit = plate_back_y + s.max_hinge_distance_mm;
    let axis_y = needed.min(limit);
    let mut sides = Vec::new();
    for side in [Side::Top, Side::Bottom] {
        let mut probes: Vec<ProbeAngle> = fx
            .probes
            .iter()
            .filter(|p| p.side == side)
            .map(|p| {
                let c = compression(fx, p);
                let r = axis_y + p.y;
                ProbeAngle {
                    probe: p.id.clone(),
                    distance_mm: r,
                    compression_mm: c,
                    angle_deg: contact_angle_deg(r, c),
                }
            })
            .collect();
        if probes.is_empty() {
            continue;
        }
        probes.sort_by_key(|a| pogo_text::natural_key(&a.probe));
        let worst = probes
            .iter()
            .max_by(|a, b| a.angle_deg.total_cmp(&b.angle_deg))
            .expect("not empty");
        let met = worst.angle_deg <= s.max_hinge_angle_deg + 1e-9;
        sides.push(HingeSide {
            side,
            status: if met {
                HingeStatus::Met
            } else {
                HingeStatus::Refused
            },
            worst_probe: worst.probe.clone(),
            worst_angle_deg: worst.angle_deg,
            probes,
        });
    }
    let refused: Vec<&HingeSide> = sides
        .iter()
        .filter(|h| h.status == HingeStatus::Refused)
        .collect();
    let (status, reason) = if let Some(h) = refused.first() {
        let p = h
            .probes
            .iter()
            .find(|p| p.probe == h.worst_probe)
            .expect("worst is listed");
        (
            HingeStatus::Refused,
            format!(
                "{} side: probe {} ({:.2} mm compression) would meet the board at {:.2} deg from vertical: it needs {:.1} mm from the hinge, and the hinge may sit at most {:.1} mm behind the plate (clamshell.max_hinge_distance_mm); move the probe, use a shorter stroke, or a press",
                h.side.as_str(),
                p.probe,
                p.compression_mm,
                h.worst_angle_deg,
                p.compression_mm / sin2a,
                s.max_hinge_distance_mm
            ),
        )
    } else if sides.is_empty() {
        (HingeStatus::Met, "no probes".to_string())
    } else {
        (
            HingeStatus::Met,
            format!(
                "hinge axis {:.1} mm behind the plate: every probe meets the board within {} deg of vertical (r >= c / sin(2 x {} deg))",
                axis_y - plate_back_y,
                s.max_hinge_angle_deg,
                s.max_hinge_angle_deg
            ),
        )
    };
    Ok(HingeCheck {
        axis_y_mm: axis_y,
        axis_z_mm: tb,
        hinge_pin_diameter_mm: s.hinge_pin_mm,
        max_angle_deg: s.max_hinge_angle_deg,
        status,
        reason,
        sides,
    })
}

impl ClamshellSettings {
    fn max_angle_rad(&self) -> f64 {
        self.max_hinge_angle_deg.to_radians()
    }
}

// ---------------------------------------------------------------- joints

fn p(x: f64, y: f64) -> PointMm {
    PointMm::new(x, y)
}

fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Vec<PointMm> {
    vec![p(x0, y0), p(x1, y0), p(x1, y1), p(x0, y1)]
}

/// Positions along a joint edge of length `len` (from its start): tabs and screws.
fn joint_positions(len: f64) -> (Vec<f64>, Vec<f64>) {
    (
        vec![0.3 * len, 0.7 * len],
        vec![0.12 * len, 0.5 * len, 0.88 * len],
    )
}

/// The outline of a sheet part whose edge y = 0 (from x = 0 to `len`, local frame)
/// joins another sheet `t` thick: a rectangle `len` x `height` with tabs standing `t`
/// below the edge and a T-slot (screw slot and captive nut pocket) at each screw. The
/// part lies above the edge (y > 0); the outline is counter-clockwise.
fn tabbed_rect(len: f64, height: f64, t: f64) -> Vec<PointMm> {
    let (tabs, screws) = joint_positions(len);
    let mut features: Vec<(f64, bool)> = tabs.iter().map(|&x| (x, true)).collect();
    features.extend(screws.iter().map(|&x| (x, false)));
    features.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut ring = vec![p(0.0, 0.0)];
    for (x, tab) in features {
        if tab {
            let (a, b) = (x - TAB_W_MM / 2.0, x + TAB_W_MM / 2.0);
            ring.extend([p(a, 0.0), p(a, -t), p(b, -t), p(b, 0.0)]);
        } else {
            let (sa, sb) = (x - SCREW_SLOT_W_MM / 2.0, x + SCREW_SLOT_W_MM / 2.0);
            let (na, nb) = (x - NUT_W_MM / 2.0, x + NUT_W_MM / 2.0);
            let (n0, n1) = (NUT_AT_MM, NUT_AT_MM + NUT_H_MM);
            ring.extend([
                p(sa, 0.0),
                p(sa, n0),
                p(na, n0),
                p(na, n1),
                p(sa, n1),
                p(sa, SCREW_SLOT_DEPTH_MM),
                p(sb, SCREW_SLOT_DEPTH_MM),
                p(sb, n1),
                p(nb, n1),
                p(nb, n0),
                p(sb, n0),
                p(sb, 0.0),
            ]);
        }
    }
    ring.extend([p(len, 0.0), p(len, height), p(0.0, height)]);
    ring
}

/// Slots and screw holes a tabbed edge needs in the sheet it joins: the edge runs from
/// `start` along `dir` (unit, axis-aligned) in that sheet's frame; the tabbed sheet is
/// `t` thick, its face on the edge line and its material on the `+normal` side.
fn mating_cuts(
    start: [f64; 2],
    dir: [f64; 2],
    normal: [f64; 2],
    len: f64,
    t: f64,
) -> (Vec<Vec<PointMm>>, Vec<FrameHole>) {
    let (tabs, screws) = joint_positions(len);
    let at = |s: f64, n: f64| {
        [
            start[0] + dir[0] * s + normal[0] * n,
            start[1] + dir[1] * s + normal[1] * n,
        ]
    };
    let mut slots = Vec::new();
    for x in tabs {
        let a = at(x - TAB_W_MM / 2.0 - SLOT_PLAY_MM, -SLOT_PLAY_MM);
        let b = at(x + TAB_W_MM / 2.0 + SLOT_PLAY_MM, t + SLOT_PLAY_MM);
        slots.push(rect(
            a[0].min(b[0]),
            a[1].min(b[1]),
            a[0].max(b[0]),
            a[1].max(b[1]),
        ));
    }
    let holes = screws
        .into_iter()
        .map(|x| {
            let c = at(x, t / 2.0);
            FrameHole {
                x: c[0],
                y: c[1],
                diameter_mm: M3_CLEARANCE_MM,
                purpose: HolePurpose::M3Screw,
            }
        })
        .collect();
    (slots, holes)
}

fn corner_holes(r: [f64; 4], purpose: HolePurpose) -> Vec<FrameHole> {
    let i = MOUNTING_INSET_MM;
    [
        (r[0] + i, r[1] + i),
        (r[2] - i, r[1] + i),
        (r[2] - i, r[3] - i),
        (r[0] + i, r[3] - i),
    ]
    .into_iter()
    .map(|(x, y)| FrameHole {
        x,
        y,
        diameter_mm: M3_CLEARANCE_MM,
        purpose,
    })
    .collect()
}

fn sheet(name: &str, role: FramePartRole, t: f64, outline: Vec<PointMm>) -> FramePart {
    FramePart {
        name: name.into(),
        role,
        making: Making::Laser,
        thickness_mm: t,
        outline,
        cutouts: Vec::new(),
        holes: Vec::new(),
        pockets: Vec::new(),
        on_head: false,
        placements: Vec::new(),
    }
}

/// A vertical sheet in the YZ plane, its face at X = `x` (material towards +X), local
/// x = model Y, local y = model Z.
fn yz_placement(x: f64) -> Placement {
    Placement {
        origin: [x, 0.0, 0.0],
        u: [0.0, 1.0, 0.0],
        v: [0.0, 0.0, 1.0],
    }
}

// ---------------------------------------------------------------- parts

fn side_y_range(ex: &Extents) -> (f64, f64) {
    (ex.front.0, ex.hinge.0 + HINGE_EAR_MM)
}

fn base(ex: &Extents, lv: &Levels, t: f64) -> FramePart {
    let (y0, y1) = side_y_range(ex);
    let (x0, x1) = (ex.side_in.0 - t, ex.side_in.1 + t);
    let mut part = sheet(
        "base",
        FramePartRole::Base,
        t,
        rect(
            x0 - BASE_MARGIN_MM,
            y0 - BASE_MARGIN_MM,
            x1 + BASE_MARGIN_MM,
            y1 + BASE_MARGIN_MM,
        ),
    );
    // Side plates: their face at X = x0 (left, material +X) and the right one's at
    // side_in.1; edges along +Y from y0.
    for x in [x0, ex.side_in.1] {
        let (slots, holes) = mating_cuts([x, y0], [0.0, 1.0], [1.0, 0.0], y1 - y0, t);
        part.cutouts.extend(slots);
        part.holes.extend(holes);
    }
    // Front plate: face at Y = front.1 (material towards -Y), edge along +X.
    let (fx0, fx1) = front_x(ex);
    let (slots, holes) = mating_cuts([fx0, ex.front.1], [1.0, 0.0], [0.0, -1.0], fx1 - fx0, t);
    part.cutouts.extend(slots);
    part.holes.extend(holes);
    part.holes
        .extend(corner_holes(ex.plate, HolePurpose::Standoff));
    part.placements.push(Placement::flat(lv.base_top - t));
    part
}

fn front_x(ex: &Extents) -> (f64, f64) {
    (ex.side_in.0 + 0.5, ex.side_in.1 - 0.5)
}

fn side_plate(ex: &Extents, lv: &Levels, t: f64, left: bool, pin_mm: f64) -> FramePart {
    let (y0, y1) = side_y_range(ex);
    let len = y1 - y0;
    let height = lv.head - lv.base_top;
    let mut outline = tabbed_rect(len, height, t);
    // Lower the top edge behind the head's turning room down to the hinge ear.
    let (hy, hz) = (ex.hinge.0 - y0, ex.hinge.1 - lv.base_top);
    let ear_top = (hz + HINGE_EAR_MM).min(height);
    let drop_from = (hy - (height - hz) - 5.0).max(len * 0.5);
    let ear_from = (drop_from + (height - ear_top)).min(len - 1.0);
    let n = outline.len();
    outline.truncate(n - 2); // (len, height), (0, height)
    outline.extend([
        p(len, ear_top),
        p(ear_from, ear_top),
        p(drop_from.min(ear_from - 1.0), height),
        p(0.0, height),
    ]);
    let name = if left { "side-left" } else { "side-right" };
    let mut part = sheet(name, FramePartRole::SidePlate, t, outline);
    part.holes.push(FrameHole {
        x: hy,
        y: hz,
        diameter_mm: pin_mm + 0.1,
        purpose: HolePurpose::HingePin,
    });
    let x = if left { ex.side_in.0 - t } else { ex.side_in.1 };
    let mut pl = yz_placement(x);
    pl.origin = [x, y0, lv.base_top];
    part.placements.push(pl);
    part
}

fn front_plate(ex: &Extents, lv: &Levels, t: f64) -> FramePart {
    let (x0, x1) = front_x(ex);
    let (len, height) = (x1 - x0, lv.head - lv.base_top);
    let mut part = sheet(
        "front",
        FramePartRole::FrontPlate,
        t,
        tabbed_rect(len, height, t),
    );
    // Cable window over the joint, the latch body's two M3 holes near the top.
    let (w, h0) = (len * 0.4, SCREW_SLOT_DEPTH_MM + 4.0);
    let h1 = (h0 + 20.0).min(height - 25.0);
    if h1 > h0 + 5.0 {
        part.cutouts
            .push(rect(len / 2.0 - w / 2.0, h0, len / 2.0 + w / 2.0, h1));
    }
    for dx in [-10.0, 10.0] {
        part.holes.push(FrameHole {
            x: len / 2.0 + dx,
            y: height - 12.0,
            diameter_mm: M3_CLEARANCE_MM,
            purpose: HolePurpose::Latch,
        });
    }
    // Local x = model X, local y = model Z, extruded towards -Y from its back face.
    part.placements.push(Placement {
        origin: [x0, ex.front.1, lv.base_top],
        u: [1.0, 0.0, 0.0],
        v: [0.0, 0.0, 1.0],
    });
    part
}

fn head_top(ex: &Extents, lv: &Levels, t: f64) -> FramePart {
    let (x0, x1) = (ex.side_in.0 - t, ex.side_in.1 + t);
    let (y0, y1) = (ex.front.0, ex.hinge.0);
    let mut part = sheet("head-top", FramePartRole::HeadTop, t, rect(x0, y0, x1, y1));
    let (hy0, hy1) = head_side_y(ex);
    for x in [ex.head_in.0 - t, ex.head_in.1] {
        let (slots, holes) = mating_cuts([x, hy0], [0.0, 1.0], [1.0, 0.0], hy1 - hy0, t);
        part.cutouts.extend(slots);
        part.holes.extend(holes);
    }
    part.holes
        .extend(corner_holes(ex.plate, HolePurpose::Standoff));
    let cx = (x0 + x1) / 2.0;
    for dx in [-8.0, 8.0] {
        part.holes.push(FrameHole {
            x: cx + dx,
            y: y0 + 8.0,
            diameter_mm: M3_CLEARANCE_MM,
            purpose: HolePurpose::Latch,
        });
    }
    part.on_head = true;
    part.placements.push(Placement::flat(lv.head));
    part
}

/// Y range of the head sides' joint with the head top.
fn head_side_y(ex: &Extents) -> (f64, f64) {
    (ex.plate[1] - 5.0, ex.hinge.0 - 2.0)
}

fn head_side(ex: &Extents, lv: &Levels, t: f64, left: bool, pin_mm: f64) -> FramePart {
    let (y0, y1) = head_side_y(ex);
    let len = y1 - y0;
    let bottom = ex.hinge.1 - HINGE_EAR_MM;
    let height = lv.head - bottom;
    // Tabs point up into the head top: draw it with the joint edge at y = 0 and flip.
    let mut ring: Vec<PointMm> = tabbed_rect(len, height, t)
        .into_iter()
        .map(|q| p(q.x, height - q.y))
        .rev()
        .collect();
    // ring[1] is the bottom right corner: grow an ear round the hinge pin behind it.
    let ear_end = ex.hinge.0 + HINGE_EAR_MM - y0;
    ring[1] = p(ear_end, 0.0);
    ring.splice(
        2..2,
        [p(ear_end, 2.0 * HINGE_EAR_MM), p(len, 2.0 * HINGE_EAR_MM)],
    );
    let name = if left {
        "head-side-left"
    } else {
        "head-side-right"
    };
    let mut part = sheet(name, FramePartRole::HeadSide, t, ring);
    part.holes.push(FrameHole {
        x: ex.hinge.0 - y0,
        y: ex.hinge.1 - bottom,
        diameter_mm: pin_mm + 0.2,
        purpose: HolePurpose::HingePin,
    });
    part.on_head = true;
    let x = if left { ex.head_in.0 - t } else { ex.head_in.1 };
    let mut pl = yz_placement(x);
    pl.origin = [x, y0, bottom];
    part.placements.push(pl);
    part
}

/// The plate facing one board face: a probe plate (made by the plate files) or the
/// pressure plate (laser cut, with a screw hole per push finger).
/// The tooling pins of a board registered by them: ISO 8734 dowel pins pressed through
/// the lower plate (the plate the board rests on, whichever side it probes), standing
/// [`TOOLING_PIN_LEAD_MM`] above the board's top face while the board rests on the
/// uncompressed probes; the upper plate gets a clearance hole round each pin's end
/// when the closed head comes within the clearance of it.
struct ToolingStand {
    /// Bottom face of the pins (the lower plate's bottom face), model Z.
    bottom_z: f64,
    /// Pin length (the standard length that reaches), mm.
    length_mm: f64,
    /// The upper plate's bottom face, model Z.
    upper_z: f64,
    /// Clearance kept round a pin, mm.
    clearance_mm: f64,
}

impl ToolingStand {
    fn new(
        fx: &pogo_fixture::Fixture,
        lv: &Levels,
        lower: &FacePlate,
        s: &ClamshellSettings,
    ) -> Result<ToolingStand, String> {
        let travel = if lower.role == FramePartRole::ProbePlate {
            fx.probes
                .iter()
                .filter(|p| p.side == lower.side)
                .map(|p| compression(fx, p))
                .fold(0.0, f64::max)
        } else {
            0.0
        };
        let tb = fx.board.thickness_mm;
        let needed = tb + travel + TOOLING_PIN_LEAD_MM - lv.lower.0;
        let length_mm = DOWEL_LENGTHS_MM
            .into_iter()
            .find(|&l| l >= needed - 1e-9 || fx.tooling.is_empty())
            .ok_or_else(|| {
                format!(
                    "the tooling pins would need to be {needed:.1} mm long, longer than the longest ISO 8734 dowel pin ({} mm)",
                    DOWEL_LENGTHS_MM[DOWEL_LENGTHS_MM.len() - 1]
                )
            })?;
        Ok(ToolingStand {
            bottom_z: lv.lower.0,
            length_mm,
            upper_z: lv.upper.0,
            clearance_mm: s.clearance_mm,
        })
    }

    /// Whether the pins' ends come within the clearance of the closed upper plate.
    fn reach_upper(&self) -> bool {
        self.bottom_z + self.length_mm > self.upper_z - self.clearance_mm - 1e-9
    }

    /// The holes the pins take in a face plate, model XY: pressed in (the pin's
    /// diameter) in the lower plate, a clearance hole in the upper one where needed.
    fn plate_holes(&self, fx: &pogo_fixture::Fixture, upper: bool) -> Vec<FrameHole> {
        if upper && !self.reach_upper() {
            return Vec::new();
        }
        let grow = if upper { 2.0 * self.clearance_mm } else { 0.0 };
        fx.tooling
            .iter()
            .map(|tp| FrameHole {
                x: tp.x,
                y: -tp.y,
                diameter_mm: tp.diameter_mm + grow,
                purpose: HolePurpose::ToolingPin,
            })
            .collect()
    }

    /// The pins as parts: one per diameter, a copy at each pin.
    fn parts(&self, fx: &pogo_fixture::Fixture) -> Vec<FramePart> {
        let mut by_size: std::collections::BTreeMap<i64, FramePart> = Default::default();
        for tp in &fx.tooling {
            let d = tp.diameter_mm;
            let part = by_size
                .entry((d * 1000.0).round() as i64)
                .or_insert_with(|| {
                    let ring = pogo_geom::circle_ring(p(0.0, 0.0), d / 2.0, 48);
                    let mut part = sheet(
                        &format!("tooling-pin-{}x{}", fmt2(d), fmt2(self.length_mm)),
                        FramePartRole::ToolingPin,
                        self.length_mm,
                        ring,
                    );
                    part.making = Making::Bought;
                    part
                });
            part.placements.push(Placement {
                origin: [tp.x, -tp.y, self.bottom_z],
                u: [1.0, 0.0, 0.0],
                v: [0.0, 1.0, 0.0],
            });
        }
        by_size.into_values().collect()
    }
}

fn face_plate(
    fx: &pogo_fixture::Fixture,
    ex: &Extents,
    lv: &Levels,
    fp: &FacePlate,
    upper: bool,
    pins: &ToolingStand,
) -> FramePart {
    let r = ex.plate;
    let (name, making) = match fp.role {
        FramePartRole::ProbePlate => (format!("plate-{}", fp.side.as_str()), Making::PlateFiles),
        _ => ("pressure-plate".to_string(), Making::Laser),
    };
    let mut part = sheet(
        &name,
        fp.role,
        fp.thickness_mm,
        rect(r[0], r[1], r[2], r[3]),
    );
    part.making = making;
    part.on_head = upper;
    part.holes.extend(corner_holes(r, HolePurpose::Standoff));
    part.holes.extend(pins.plate_holes(fx, upper));
    if fp.role == FramePartRole::PressurePlate {
        part.holes
            .extend(finger_screw_holes(&face_fingers(fx, fp.side)));
    }
    // Relief pockets of the probed side, on the board-facing face.
    if fp.role == FramePartRole::ProbePlate {
        let pockets = fx
            .stackup
            .iter()
            .flat_map(|s| s.sides.iter())
            .filter(|s| s.side == fp.side)
            .flat_map(|s| s.relief_pockets.iter());
        for pk in pockets {
            for poly in &pk.outline {
                part.pockets.push(FramePocket {
                    ring: poly.outer.iter().map(|q| p(q.x, -q.y)).collect(),
                    depth_mm: pk.depth_mm.min(fp.thickness_mm),
                    reason: PocketReason::Relief(pk.reference.clone()),
                });
            }
        }
    }
    // Lower plate: flat, board-facing face on top. Upper plate: turned over (local
    // y = -model Y) so its board-facing face (local z = thickness) is underneath.
    if upper {
        flip_y(&mut part);
        part.placements.push(Placement {
            origin: [0.0, 0.0, lv.upper.1],
            u: [1.0, 0.0, 0.0],
            v: [0.0, -1.0, 0.0],
        });
    } else {
        part.placements.push(Placement::flat(lv.lower.0));
    }
    part
}

/// A ring of page coordinates in the model frame (y flipped), counter-clockwise.
fn model_ring(ring: &[PointMm]) -> Vec<PointMm> {
    let mut r: Vec<PointMm> = ring.iter().map(|q| p(q.x, -q.y)).collect();
    if pogo_geom::signed_area(&r) < 0.0 {
        r.reverse();
    }
    r
}

/// The nest (a board registered by its outline) on the lower plate's top face: the
/// board's bottom face rests on its ledge at Z = 0. Refused when the nest was not
/// seated in the clamshell (its ledge would not meet the board's face).
fn nest_part(fx: &pogo_fixture::Fixture, lv: &Levels) -> Result<Option<FramePart>, String> {
    let Some(n) = fx.registration.as_ref().and_then(|r| r.nest.as_ref()) else {
        return Ok(None);
    };
    let ledge_top = lv.lower.1 + n.thickness_mm - n.pocket_depth_mm;
    if n.side != Side::Bottom || ledge_top.abs() > 1e-6 {
        return Err(format!(
            "the nest ({} face, {:.2} mm thick) is not seated on the lower plate: its ledge would be {:.2} mm from the board's bottom face",
            n.side.as_str(),
            n.thickness_mm,
            ledge_top
        ));
    }
    let mut part = sheet(
        "nest",
        FramePartRole::Nest,
        n.thickness_mm,
        model_ring(&n.plate_outline),
    );
    part.making = Making::NestFiles;
    part.cutouts = n.opening.iter().map(|q| model_ring(&q.outer)).collect();
    part.pockets = n
        .cut
        .iter()
        .map(|q| FramePocket {
            ring: model_ring(&q.outer),
            depth_mm: n.pocket_depth_mm,
            reason: PocketReason::NestPocket,
        })
        .collect();
    part.holes = n
        .screw_holes
        .iter()
        .map(|h| FrameHole {
            x: h.x,
            y: -h.y,
            diameter_mm: h.diameter_mm,
            purpose: HolePurpose::Standoff,
        })
        .collect();
    part.placements.push(Placement::flat(lv.lower.1));
    Ok(Some(part))
}

/// Mirrors a part's local frame in y (model Y to page y), keeping rings
/// counter-clockwise.
fn flip_y(part: &mut FramePart) {
    let flip = |r: &mut Vec<PointMm>| {
        for q in r.iter_mut() {
            q.y = -q.y;
        }
        r.reverse();
    };
    flip(&mut part.outline);
    part.cutouts.iter_mut().for_each(flip);
    part.pockets.iter_mut().for_each(|pk| flip(&mut pk.ring));
    for h in &mut part.holes {
        h.y = -h.y;
    }
}

/// An M3 clearance hole per push finger whose neighbours leave room for it (centres at
/// least the hole plus 1 mm apart); a finger closer than that to an earlier one is
/// glued instead (`assembly` says so).
fn finger_screw_holes(fingers: &[&pogo_fixture::Support]) -> Vec<FrameHole> {
    let mut holes: Vec<FrameHole> = Vec::new();
    for f in fingers {
        let (x, y) = (f.x, -f.y);
        let room = fingers
            .iter()
            .filter(|g| !std::ptr::eq(**g, *f))
            .all(|g| (g.x - f.x).hypot(g.y - f.y) >= M3_CLEARANCE_MM + 1.0);
        if room {
            holes.push(FrameHole {
                x,
                y,
                diameter_mm: M3_CLEARANCE_MM,
                purpose: HolePurpose::FingerScrew,
            });
        }
    }
    holes
}

/// A support's tip diameter (the settings' push finger where it records none), mm.
fn finger_tip_mm(s: &pogo_fixture::Support, m: &MechanicsSettings) -> f64 {
    if s.tip_diameter_mm > 0.0 {
        s.tip_diameter_mm
    } else {
        m.push_finger_diameter_mm
    }
}

fn face_fingers(fx: &pogo_fixture::Fixture, side: Side) -> Vec<&pogo_fixture::Support> {
    fx.force
        .iter()
        .flat_map(|f| f.supports.iter())
        .filter(|s| s.side == side)
        .collect()
}

/// Printed push fingers and support posts: one part per length and tip, a copy at
/// each support, from the plate face to the board face (or the part body it presses).
fn fingers(
    fx: &pogo_fixture::Fixture,
    lv: &Levels,
    tb: f64,
    lower: &FacePlate,
    upper: &FacePlate,
    m: &MechanicsSettings,
) -> Vec<FramePart> {
    let mut by_size: std::collections::BTreeMap<(bool, i64, i64), FramePart> = Default::default();
    for (fp, upward) in [(lower, true), (upper, false)] {
        for s in face_fingers(fx, fp.side) {
            let on = s.on_part.as_ref().map_or(0.0, |o| o.height_mm);
            let len = fp.gap_mm - on;
            let d = finger_tip_mm(s, m);
            if len <= 0.5 {
                continue;
            }
            let key = (
                fp.side == Side::Top,
                (len * 100.0).round() as i64,
                (d * 100.0).round() as i64,
            );
            let part = by_size.entry(key).or_insert_with(|| {
                let segs = 48;
                let ring = pogo_geom::circle_ring(p(0.0, 0.0), d / 2.0, segs);
                let mut part = sheet(
                    &format!("finger-{}-{}x{}", fp.side.as_str(), fmt2(d), fmt2(len)),
                    FramePartRole::PushFinger,
                    len,
                    ring,
                );
                part.making = Making::Print;
                part.holes.push(FrameHole {
                    x: 0.0,
                    y: 0.0,
                    diameter_mm: M3_TAP_MM.min(d - 1.0).max(1.0),
                    purpose: HolePurpose::TapM3,
                });
                part
            });
            part.on_head = !upward;
            // Fingers of the lower plate stand on its top face up to the board (or
            // part); those of the upper plate on the board (or part) up to the plate.
            let z = if upward { lv.lower.1 } else { tb + on };
            part.placements.push(Placement {
                origin: [s.x, -s.y, z],
                u: [1.0, 0.0, 0.0],
                v: [0.0, 1.0, 0.0],
            });
        }
    }
    by_size.into_values().collect()
}

fn fmt2(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

// ---------------------------------------------------------------- interference

/// A board part as a box in the model frame: [x0, y0, z0, x1, y1, z1].
fn part_box_3d(part: &pogo_fixture::PartOutline, tb: f64, m: &MechanicsSettings) -> [f64; 6] {
    let b = geom::part_box(part, 0.0);
    let h = part.height_mm.unwrap_or(m.assumed_part_height_mm);
    let (z0, z1) = match part.side {
        Side::Top => (tb, tb + h),
        Side::Bottom => (-h, 0.0),
    };
    [b[0], -b[3], z0, b[2], -b[1], z1]
}

/// The 3D box of a placed part.
fn placed_box(part: &FramePart, pl: &Placement) -> [f64; 6] {
    let mut b = [
        f64::INFINITY,
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    for q in &part.outline {
        for z in [0.0, part.thickness_mm] {
            let w = pl.apply([q.x, q.y, z]);
            for k in 0..3 {
                b[k] = b[k].min(w[k]);
                b[k + 3] = b[k + 3].max(w[k]);
            }
        }
    }
    b
}

fn boxes_overlap(a: &[f64; 6], b: &[f64; 6], gap: f64) -> bool {
    (0..3).all(|k| a[k] < b[k + 3] + gap - 1e-6 && b[k] < a[k + 3] + gap - 1e-6)
}

/// Whether a flat placement (extruded along ±Z) is exactly checkable in 2D.
fn is_flat(pl: &Placement) -> bool {
    pl.normal()[2].abs() > 0.999
}

/// A point of the model plane in a flat part's local frame.
fn to_local(pl: &Placement, x: f64, y: f64) -> PointMm {
    let d = [x - pl.origin[0], y - pl.origin[1]];
    p(
        d[0] * pl.u[0] + d[1] * pl.u[1],
        d[0] * pl.v[0] + d[1] * pl.v[1],
    )
}

/// Does the footprint (local ring) come within `gap` of the part's material? Returns
/// the local z range of the material there (lowered by a pocket it sits in), or None.
fn flat_material(part: &FramePart, foot: &[PointMm], gap: f64) -> Option<(f64, f64)> {
    let near_outline = foot
        .iter()
        .any(|q| point_in_ring(*q, &part.outline) || ring_distance(*q, &part.outline) < gap)
        || part.outline.iter().any(|q| point_in_ring(*q, foot))
        || edges_cross(foot, &part.outline);
    if !near_outline {
        return None;
    }
    let inside = |ring: &[PointMm]| {
        foot.iter()
            .all(|q| point_in_ring(*q, ring) && ring_distance(*q, ring) >= gap - 0.01)
    };
    if part.cutouts.iter().any(|c| inside(c)) {
        return None;
    }
    if part.holes.iter().any(|h| {
        foot.iter()
            .all(|q| (q.x - h.x).hypot(q.y - h.y) + gap <= h.diameter_mm / 2.0 + 1e-9)
    }) {
        return None;
    }
    let t = part.thickness_mm;
    let depth = part
        .pockets
        .iter()
        .filter(|pk| inside(&pk.ring))
        .map(|pk| pk.depth_mm)
        .fold(0.0, f64::max);
    if depth >= t - 1e-9 {
        return None;
    }
    Some((0.0, t - depth))
}

fn edges_cross(a: &[PointMm], b: &[PointMm]) -> bool {
    let seg = |r: &[PointMm], i: usize| (r[i], r[(i + 1) % r.len()]);
    (0..a.len()).any(|i| {
        let (p1, p2) = seg(a, i);
        (0..b.len()).any(|j| {
            let (q1, q2) = seg(b, j);
            let d = |a: PointMm, b: PointMm, c: PointMm| {
                (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x)
            };
            d(p1, p2, q1) * d(p1, p2, q2) < 0.0 && d(q1, q2, p1) * d(q1, q2, p2) < 0.0
        })
    })
}

/// The closed assembly against boxes of the board's parts at their heights.
fn interference(
    fx: &pogo_fixture::Fixture,
    parts: &[FramePart],
    gap: f64,
    m: &MechanicsSettings,
) -> Vec<Interference> {
    let tb = fx.board.thickness_mm;
    let mut out = Vec::new();
    // A tooling pin stands in its own footprint's hole: that part is not in its way.
    let pin_in_hole_of = |part: &FramePart, pl: &Placement, bp: &pogo_fixture::PartOutline| {
        part.role == FramePartRole::ToolingPin
            && fx.tooling.iter().any(|tp| {
                !tp.hole_ref.is_empty()
                    && tp.hole_ref == bp.reference
                    && (tp.x - pl.origin[0]).abs() < 1e-6
                    && (-tp.y - pl.origin[1]).abs() < 1e-6
            })
    };
    for bp in &fx.board.parts {
        let bx = part_box_3d(bp, tb, m);
        for part in parts.iter().filter(|q| q.role != FramePartRole::PushFinger) {
            for pl in &part.placements {
                if !boxes_overlap(&placed_box(part, pl), &bx, gap) || pin_in_hole_of(part, pl, bp) {
                    continue;
                }
                let hit = if is_flat(pl) {
                    let foot: Vec<PointMm> = footprint(bp)
                        .iter()
                        .map(|q| to_local(pl, q.x, -q.y))
                        .collect();
                    // The nest's top face is flush with the board's and its pocket
                    // wall follows the board's edge: a part on the board is clear of
                    // it unless it reaches into its material.
                    let (xygap, zgap) = if part.role == FramePartRole::Nest {
                        (0.0, 0.0)
                    } else {
                        (gap, gap)
                    };
                    flat_material(part, &foot, xygap).is_some_and(|(z0, z1)| {
                        let (a, b) = (pl.apply([0.0, 0.0, z0])[2], pl.apply([0.0, 0.0, z1])[2]);
                        // Exactly the clearance away is clear.
                        a.min(b) < bx[5] + zgap - 1e-6 && bx[2] < a.max(b) + zgap - 1e-6
                    })
                } else {
                    true
                };
                if hit {
                    let connector = bp.body == pogo_fixture::PartBody::Connector;
                    out.push(Interference {
                        rule: if connector {
                            InterferenceRule::ConnectorClearance
                        } else {
                            InterferenceRule::PartClearance
                        },
                        fixture_part: format!("frame-{}", part.name),
                        board_part: bp.reference.clone(),
                        message: format!(
                            "{} ({} side, {:.1} mm tall) comes within {:.1} mm of {}",
                            bp.reference,
                            bp.side.as_str(),
                            bx[5] - bx[2],
                            gap,
                            part.name
                        ),
                        at: [bp.x, bp.y],
                    });
                }
            }
        }
    }
    out
}

/// A part's footprint ring, page coordinates: its courtyard's outer rings' box, or the
/// disc box round its position.
fn footprint(part: &pogo_fixture::PartOutline) -> Vec<PointMm> {
    let b = geom::part_box(part, 0.0);
    rect(b[0], b[1], b[2], b[3])
}

/// Push fingers on pads or on parts that cannot take them.
fn finger_findings(fx: &pogo_fixture::Fixture, m: &MechanicsSettings) -> Vec<Interference> {
    let mut out = Vec::new();
    let supports = fx.force.iter().flat_map(|f| f.supports.iter());
    for s in supports {
        let r = finger_tip_mm(s, m) / 2.0;
        let name = format!("{} at ({:.1}, {:.1})", s.kind, s.x, s.y);
        for bp in fx.board.parts.iter().filter(|bp| bp.side == s.side) {
            let pressed = s
                .on_part
                .as_ref()
                .is_some_and(|o| o.reference == bp.reference);
            if pressed && bp.body.is_sturdy() {
                continue;
            }
            if geom::part_dist(bp, s.x, s.y) < r - 1e-6 {
                out.push(Interference {
                    rule: InterferenceRule::FingerOnPart,
                    fixture_part: name.clone(),
                    board_part: bp.reference.clone(),
                    message: format!(
                        "the {} tip ({:.1} mm) lands on {} ({:?} body), which cannot take it",
                        s.kind,
                        2.0 * r,
                        bp.reference,
                        bp.body
                    ),
                    at: [s.x, s.y],
                });
            }
        }
        for pr in fx.probes.iter().filter(|p| p.side == s.side) {
            let on_pad = pr.target.exposed.iter().any(|poly| {
                geom::in_polygon(poly, s.x, s.y) || {
                    let ring = &poly.outer;
                    (0..ring.len()).any(|i| {
                        segment_distance(p(s.x, s.y), ring[i], ring[(i + 1) % ring.len()]) < r
                    })
                }
            });
            if on_pad {
                out.push(Interference {
                    rule: InterferenceRule::FingerOnPad,
                    fixture_part: name.clone(),
                    board_part: pr.id.clone(),
                    message: format!("the {} tip lands on the pad probed by {}", s.kind, pr.id),
                    at: [s.x, s.y],
                });
            }
        }
    }
    out
}

/// A flat placed part's outline in the model plane, and its Z range.
fn placed_outline(part: &FramePart, pl: &Placement) -> (Vec<PointMm>, (f64, f64)) {
    let ring = part
        .outline
        .iter()
        .map(|q| {
            let w = pl.apply([q.x, q.y, 0.0]);
            p(w[0], w[1])
        })
        .collect();
    let (a, b) = (
        pl.apply([0.0, 0.0, 0.0])[2],
        pl.apply([0.0, 0.0, part.thickness_mm])[2],
    );
    (ring, (a.min(b), a.max(b)))
}

/// Whether part `a` has material under `b`'s outline at a height `b` takes.
fn takes_room(a: &FramePart, pa: &Placement, b: &FramePart, pb: &Placement) -> bool {
    let (ring_b, zb) = placed_outline(b, pb);
    let foot: Vec<PointMm> = ring_b.iter().map(|q| to_local(pa, q.x, q.y)).collect();
    flat_material(a, &foot, 0.0).is_some_and(|(z0, z1)| {
        let (u, v) = (pa.apply([0.0, 0.0, z0])[2], pa.apply([0.0, 0.0, z1])[2]);
        u.min(v) < zb.1 - 1e-6 && zb.0 < u.max(v) - 1e-6
    })
}

/// Flat parts of the closed stack (base, plates, nest, head top, fingers) that take
/// the same room: each has material under the other's outline at heights they share.
/// Faces that touch (a plate on the nest, a finger on a plate) do not count.
fn overlap_findings(parts: &[FramePart]) -> Vec<Interference> {
    let placed: Vec<(&FramePart, &Placement)> = parts
        .iter()
        .flat_map(|q| q.placements.iter().map(move |pl| (q, pl)))
        .filter(|(_, pl)| is_flat(pl))
        .collect();
    let mut out = Vec::new();
    for (i, &(a, pa)) in placed.iter().enumerate() {
        for &(b, pb) in &placed[i + 1..] {
            if std::ptr::eq(a, b) || !boxes_overlap(&placed_box(a, pa), &placed_box(b, pb), 0.0) {
                continue;
            }
            if !(takes_room(a, pa, b, pb) && takes_room(b, pb, a, pa)) {
                continue;
            }
            let finger_in_nest = [a.role, b.role].contains(&FramePartRole::Nest)
                && [a.role, b.role].contains(&FramePartRole::PushFinger);
            let at = [pb.origin[0], -pb.origin[1]];
            out.push(Interference {
                rule: if finger_in_nest {
                    InterferenceRule::FingerOnNest
                } else {
                    InterferenceRule::PartOverlap
                },
                fixture_part: format!("frame-{}", a.name),
                board_part: format!("frame-{}", b.name),
                message: format!(
                    "frame-{} and frame-{} take the same room in the closed assembly",
                    a.name, b.name
                ),
                at,
            });
        }
    }
    out
}

/// Push fingers on a mounting hole's pad or plated ring (or into a bare hole): a
/// finding each, with a spot on the board that clears it (along the line from the
/// hole, else the other ways round).
fn ring_findings(fx: &pogo_fixture::Fixture, m: &MechanicsSettings) -> Vec<Interference> {
    let zones = geom::hole_keepouts(&fx.board);
    let outline = geom::outline(&fx.board);
    let mut out = Vec::new();
    // A finger on a sturdy part's body stands above the board, off its copper.
    let on_board_copper = |s: &&pogo_fixture::Support| s.on_part.is_none();
    for s in fx
        .force
        .iter()
        .flat_map(|f| f.supports.iter())
        .filter(on_board_copper)
    {
        let r = finger_tip_mm(s, m) / 2.0;
        for z in &zones {
            let (reference, hx, hy, zr) = (&z.reference, &z.x, &z.y, &z.radius_mm);
            let d = (s.x - hx).hypot(s.y - hy);
            if d >= zr + r - 1e-6 {
                continue;
            }
            let (ux, uy) = if d > 1e-9 {
                ((s.x - hx) / d, (s.y - hy) / d)
            } else {
                (0.0, 1.0)
            };
            // Off the ring along the line from the hole, else the other ways round,
            // the first spot on the board.
            let go = zr + r + 0.5;
            let spot = [(ux, uy), (-ux, -uy), (-uy, ux), (uy, -ux)]
                .into_iter()
                .map(|(vx, vy)| (hx + vx * go, hy + vy * go))
                .find(|&(x, y)| geom::on_board(&outline, x, y, r))
                .unwrap_or((hx + ux * go, hy + uy * go));
            let name = if reference.is_empty() {
                "a hole".to_string()
            } else {
                reference.clone()
            };
            out.push(Interference {
                rule: InterferenceRule::FingerOnRing,
                fixture_part: format!("{} at ({:.1}, {:.1})", s.kind, s.x, s.y),
                board_part: name.clone(),
                message: format!(
                    "the {} tip ({:.1} mm) lands {:.1} mm from the centre of {}'s hole, on its pad or plated ring ({:.1} mm across): move it to about ({:.1}, {:.1})",
                    s.kind,
                    2.0 * r,
                    d,
                    name,
                    2.0 * zr,
                    spot.0,
                    spot.1
                ),
                at: [s.x, s.y],
            });
        }
    }
    out
}

// ---------------------------------------------------------------- swing path

/// How far the head opens for the swing-path check, and the step, degrees.
pub const SWING_OPEN_DEG: f64 = 80.0;
const SWING_STEP_DEG: f64 = 2.0;
/// Spacing of the sample points on the parts' edges and faces, mm.
const SAMPLE_MM: f64 = 1.5;

/// Whether the local point lies inside the part's material (outline, less cut-outs,
/// holes and pockets).
fn solid_contains(part: &FramePart, q: [f64; 3]) -> bool {
    let t = part.thickness_mm;
    if q[2] <= 1e-6 || q[2] >= t - 1e-6 {
        return false;
    }
    let pt = p(q[0], q[1]);
    point_in_ring(pt, &part.outline)
        && !part.cutouts.iter().any(|c| point_in_ring(pt, c))
        && !part
            .holes
            .iter()
            .any(|h| (h.x - q[0]).hypot(h.y - q[1]) < h.diameter_mm / 2.0)
        && !part
            .pockets
            .iter()
            .any(|pk| q[2] > t - pk.depth_mm && point_in_ring(pt, &pk.ring))
}

/// Points along a ring's edges, at most [`SAMPLE_MM`] apart.
fn ring_samples(ring: &[PointMm]) -> Vec<PointMm> {
    let mut out = Vec::new();
    for i in 0..ring.len() {
        let (a, b) = (ring[i], ring[(i + 1) % ring.len()]);
        let n = ((a.x - b.x).hypot(a.y - b.y) / SAMPLE_MM).ceil().max(1.0) as usize;
        out.extend((0..n).map(|k| {
            let f = k as f64 / n as f64;
            p(a.x + (b.x - a.x) * f, a.y + (b.y - a.y) * f)
        }));
    }
    out
}

/// Sample points of a part's outline edges at both faces and half way, model frame.
fn part_samples(part: &FramePart, pl: &Placement) -> Vec<[f64; 3]> {
    let t = part.thickness_mm;
    let edge = ring_samples(&part.outline);
    [1e-3, t / 2.0, t - 1e-3]
        .into_iter()
        .flat_map(|z| edge.iter().map(move |q| pl.apply([q.x, q.y, z])))
        .collect()
}

/// Points on the faces of a box [x0, y0, z0, x1, y1, z1], at most [`SAMPLE_MM`] apart.
fn box_samples(b: &[f64; 6]) -> Vec<[f64; 3]> {
    let steps = |k: usize| {
        let n = ((b[k + 3] - b[k]) / SAMPLE_MM).ceil().max(1.0) as usize;
        (0..=n)
            .map(|i| b[k] + (b[k + 3] - b[k]) * i as f64 / n as f64)
            .collect::<Vec<f64>>()
    };
    let (xs, ys, zs) = (steps(0), steps(1), steps(2));
    let mut out = Vec::new();
    for &x in &xs {
        for &y in &ys {
            out.push([x, y, b[2]]);
            out.push([x, y, b[5]]);
        }
        for &z in &zs {
            out.push([x, b[1], z]);
            out.push([x, b[4], z]);
        }
    }
    for &y in &ys {
        for &z in &zs {
            out.push([b[0], y, z]);
            out.push([b[3], y, z]);
        }
    }
    out
}

fn in_box(b: &[f64; 6], w: [f64; 3]) -> bool {
    (0..3).all(|k| b[k] < w[k] && w[k] < b[k + 3])
}

/// An obstacle the swinging head must clear: a board part's box or a frame part.
enum Obstacle<'a> {
    Board(&'a pogo_fixture::PartOutline, [f64; 6]),
    Frame(&'a FramePart, &'a Placement),
}

/// The head swung open step by step to [`SWING_OPEN_DEG`]: every head part (head
/// top and sides, upper plate, its push fingers) against the board's parts (boxes at
/// their heights, shrunk 0.05 mm so that a finger resting on a part's top does not
/// count) and the parts that stay (frame, lower plate, nest). One finding per head
/// part and obstacle, at the first angle they meet.
fn swing_check(
    fx: &pogo_fixture::Fixture,
    parts: &[FramePart],
    hinge: &HingeCheck,
    m: &MechanicsSettings,
) -> pogo_fixture::SwingCheck {
    let tb = fx.board.thickness_mm;
    let e = 0.05;
    let mut obstacles: Vec<Obstacle> = fx
        .board
        .parts
        .iter()
        .map(|bp| {
            let mut b = part_box_3d(bp, tb, m);
            b[2] += e;
            b[5] -= e;
            Obstacle::Board(bp, b)
        })
        .collect();
    for part in parts.iter().filter(|q| !q.on_head) {
        obstacles.extend(part.placements.iter().map(|pl| Obstacle::Frame(part, pl)));
    }
    let samples: Vec<(Obstacle, Vec<[f64; 3]>, [f64; 6])> = obstacles
        .into_iter()
        .map(|o| match o {
            Obstacle::Board(_, b) => {
                let pts = box_samples(&b);
                (o, pts, b)
            }
            Obstacle::Frame(part, pl) => {
                let pts = part_samples(part, pl);
                let b = placed_box(part, pl);
                (o, pts, b)
            }
        })
        .collect();
    let mut findings = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    let steps = (SWING_OPEN_DEG / SWING_STEP_DEG).round() as usize;
    for k in 1..=steps {
        let deg = k as f64 * SWING_STEP_DEG;
        for part in parts.iter().filter(|q| q.on_head) {
            for pl in &part.placements {
                let swung = pl.swung(hinge.axis_y_mm, hinge.axis_z_mm, deg);
                let own = part_samples(part, &swung);
                let pb = placed_box(part, &swung);
                for (i, (o, pts, ob)) in samples.iter().enumerate() {
                    if !boxes_overlap(&pb, ob, 0.0) {
                        continue;
                    }
                    let key = (part.name.clone(), i);
                    if seen.contains(&key) {
                        continue;
                    }
                    let hit = pts.iter().any(|w| solid_contains(part, swung.local(*w)))
                        || match o {
                            Obstacle::Board(_, b) => own.iter().any(|w| in_box(b, *w)),
                            Obstacle::Frame(q, qpl) => {
                                own.iter().any(|w| solid_contains(q, qpl.local(*w)))
                            }
                        };
                    if !hit {
                        continue;
                    }
                    seen.insert(key);
                    let (name, at) = match o {
                        Obstacle::Board(bp, _) => (bp.reference.clone(), [bp.x, bp.y]),
                        Obstacle::Frame(q, qpl) => {
                            (format!("frame-{}", q.name), [qpl.origin[0], -qpl.origin[1]])
                        }
                    };
                    findings.push(Interference {
                        rule: InterferenceRule::SwingClearance,
                        fixture_part: format!("frame-{}", part.name),
                        board_part: name.clone(),
                        message: format!(
                            "frame-{} meets {} when the head is {} deg open",
                            part.name,
                            name,
                            fmt2(deg)
                        ),
                        at,
                    });
                }
            }
        }
    }
    pogo_fixture::SwingCheck {
        open_deg: SWING_OPEN_DEG,
        step_deg: SWING_STEP_DEG,
        findings,
    }
}

// ---------------------------------------------------------------- hardware, assembly

fn count_holes(parts: &[FramePart], purpose: HolePurpose) -> u32 {
    parts
        .iter()
        .map(|q| {
            q.holes.iter().filter(|h| h.purpose == purpose).count() as u32
                * q.placements.len() as u32
        })
        .sum()
}

fn item(
    kind: HardwareKind,
    size: String,
    description: &str,
    quantity: u32,
    used_for: HardwareUse,
) -> HardwareItem {
    HardwareItem {
        kind,
        size,
        description: description.into(),
        quantity,
        used_for,
    }
}

/// Standard screw length at or above `mm` (ISO 4762 M3 lengths).
fn m3_length(mm: f64) -> u32 {
    [6, 8, 10, 12, 16, 20, 25, 30, 35, 40, 45, 50]
        .into_iter()
        .find(|&l| f64::from(l) >= mm)
        .unwrap_or(50)
}

fn hardware(
    fx: &pogo_fixture::Fixture,
    parts: &[FramePart],
    ex: &Extents,
    lv: &Levels,
    s: &ClamshellSettings,
    pins: &ToolingStand,
) -> Vec<HardwareItem> {
    let t = s.sheet_thickness_mm;
    let joints = count_holes(parts, HolePurpose::M3Screw);
    let fingers: u32 = parts
        .iter()
        .filter(|q| q.role == FramePartRole::PushFinger)
        .map(|q| q.placements.len() as u32)
        .sum();
    let pp_t = parts
        .iter()
        .find(|q| q.role == FramePartRole::PressurePlate)
        .map_or(t, |q| q.thickness_mm);
    let width = ex.side_in.1 - ex.side_in.0 + 2.0 * t + 10.0;
    let pin_len = (width / 5.0).ceil() * 5.0;
    // With a nest, the lower plate's four screws go through the nest too.
    let nest = parts.iter().find(|q| q.role == FramePartRole::Nest);
    let lower_t = lv.lower.1 - lv.lower.0;
    let mut v = vec![
        item(
            HardwareKind::Screw,
            format!("M3 x {}", m3_length(t + NUT_AT_MM + NUT_H_MM)),
            "ISO 4762 socket head cap screw",
            joints,
            HardwareUse::JointScrews,
        ),
        item(
            HardwareKind::Nut,
            "M3".into(),
            "ISO 4032 hex nut",
            joints,
            HardwareUse::JointNuts,
        ),
        item(
            HardwareKind::Standoff,
            format!("M3 x {}", fmt2(s.wiring_space_mm)),
            "hex standoff, female-female",
            4,
            HardwareUse::BaseStandoffs,
        ),
        item(
            HardwareKind::Standoff,
            format!("M3 x {}", fmt2(lv.head - lv.upper.1)),
            "hex standoff, female-female",
            4,
            HardwareUse::HeadStandoffs,
        ),
        item(
            HardwareKind::Screw,
            format!("M3 x {}", m3_length(t.max(10.0) + 2.0)),
            "ISO 4762 socket head cap screw",
            if nest.is_some() { 12 } else { 16 },
            HardwareUse::StandoffScrews,
        ),
        item(
            HardwareKind::HingePin,
            format!("D{} x {}", fmt2(s.hinge_pin_mm), pin_len),
            "ISO 8734 dowel pin, hardened steel (or a shoulder screw)",
            1,
            HardwareUse::Hinge,
        ),
        item(
            HardwareKind::Washer,
            format!("M{}", fmt2(s.hinge_pin_mm)),
            "ISO 7089 washer",
            4,
            HardwareUse::HingeWashers,
        ),
        item(
            HardwareKind::Clip,
            format!("{} mm", fmt2(s.hinge_pin_mm)),
            "DIN 6799 retaining washer (E-clip)",
            2,
            HardwareUse::HingeClips,
        ),
        item(
            HardwareKind::Latch,
            "40 mm".into(),
            "toggle draw latch with keeper, M3 mounting",
            1,
            HardwareUse::Latch,
        ),
        item(
            HardwareKind::Screw,
            "M3 x 10".into(),
            "ISO 4762 socket head cap screw",
            count_holes(parts, HolePurpose::Latch),
            HardwareUse::LatchFixing,
        ),
        item(
            HardwareKind::Nut,
            "M3".into(),
            "ISO 4032 hex nut",
            count_holes(parts, HolePurpose::Latch),
            HardwareUse::LatchFixing,
        ),
    ];
    if let Some(n) = nest {
        v.push(item(
            HardwareKind::Screw,
            format!("M3 x {}", m3_length(n.thickness_mm + lower_t + 6.0)),
            "ISO 4762 socket head cap screw",
            4,
            HardwareUse::NestScrews,
        ));
    }
    let finger_screws = count_holes(parts, HolePurpose::FingerScrew);
    if fingers > 0 {
        v.push(item(
            HardwareKind::Screw,
            format!("M3 x {}", m3_length(pp_t + 6.0)),
            "ISO 4762 socket head cap screw",
            finger_screws,
            HardwareUse::FingerScrews,
        ));
    }
    if !fx.tooling.is_empty() {
        let mut sizes: std::collections::BTreeMap<String, u32> = Default::default();
        for tp in &fx.tooling {
            *sizes.entry(fmt2(tp.diameter_mm)).or_default() += 1;
        }
        for (d, n) in sizes {
            v.push(item(
                HardwareKind::ToolingPin,
                format!("D{d} x {}", fmt2(pins.length_mm)),
                "ISO 8734 dowel pin, pressed through the lower plate (frame-tooling-pin-*.stl)",
                n,
                HardwareUse::Registration,
            ));
        }
    }
    let mut parts_by: std::collections::BTreeMap<&str, u32> = Default::default();
    for pr in &fx.probes {
        *parts_by.entry(pr.part.as_str()).or_default() += 1;
    }
    for (part, n) in parts_by {
        v.push(item(
            HardwareKind::Probe,
            part.to_string(),
            "spring contact probe with its receptacle (see bom.csv)",
            n,
            HardwareUse::Probes,
        ));
    }
    v.retain(|i| i.quantity > 0);
    v
}

/// Names of the parts of the given roles.
fn names_of(parts: &[FramePart], roles: &[FramePartRole]) -> Vec<String> {
    parts
        .iter()
        .filter(|q| roles.contains(&q.role))
        .map(|q| q.name.clone())
        .collect()
}

/// The numbered assembly steps, and the parts each one adds (for its picture).
fn assembly_steps(
    parts: &[FramePart],
    hardware: &[HardwareItem],
    lower: &FacePlate,
    upper: &FacePlate,
) -> (Vec<String>, Vec<Vec<String>>) {
    use FramePartRole as R;
    let size = |used: HardwareUse| {
        hardware
            .iter()
            .find(|h| h.used_for == used)
            .map_or(String::new(), |h| h.size.clone())
    };
    let plate_name = |fp: &FacePlate| match fp.role {
        FramePartRole::ProbePlate => format!(
            "the {} probe plate (plate-{}.*)",
            fp.side.as_str(),
            fp.side.as_str()
        ),
        _ => "the pressure plate (frame-pressure-plate.dxf)".to_string(),
    };
    let plate_of = |fp: &FacePlate, on_head: bool| -> Vec<String> {
        parts
            .iter()
            .filter(|q| q.role == fp.role && q.on_head == on_head)
            .map(|q| q.name.clone())
            .collect()
    };
    let fingers: Vec<&FramePart> = parts.iter().filter(|q| q.role == R::PushFinger).collect();
    let count = fingers.iter().map(|q| q.placements.len()).sum::<usize>();
    let nest = parts.iter().any(|q| q.role == R::Nest);
    let mut steps = vec![
        ("Cut every frame-*.dxf from the sheet (or print frame-*.stl); make the probe plate from plate-*.drl / plate-*.dxf and press its receptacles and tooling pins in.".to_string(), Vec::new()),
        (format!("Stand the side plates (frame-side-left, frame-side-right) and the front plate (frame-front) in the base slots; put an M3 nut in each T-slot and screw each joint from under the base ({}).", size(HardwareUse::JointScrews)), names_of(parts, &[R::Base, R::SidePlate, R::FrontPlate])),
    ];
    let mut lower_parts = plate_of(lower, false);
    let lower_step = if nest {
        lower_parts.extend(names_of(parts, &[R::Nest]));
        format!(
            "Screw four {} standoffs to the base; lay {} on them and the nest (nest.stl, printed) on it, pocket up, and screw both down with the four {} screws; wire the receptacles to the interface connectors (wiring.csv) through the cable window.",
            size(HardwareUse::BaseStandoffs),
            plate_name(lower),
            size(HardwareUse::NestScrews)
        )
    } else {
        format!(
            "Screw four {} standoffs to the base and fix {} on them; wire the receptacles to the interface connectors (wiring.csv) through the cable window.",
            size(HardwareUse::BaseStandoffs),
            plate_name(lower)
        )
    };
    steps.push((lower_step, lower_parts));
    let pins = names_of(parts, &[R::ToolingPin]);
    if !pins.is_empty() {
        steps.push((
            format!(
                "Check that the tooling pins ({}) pressed through {} in step 1 stand square, flush with its bottom face: the board drops onto them.",
                size(HardwareUse::Registration),
                plate_name(lower)
            ),
            pins,
        ));
    }
    let mut head_parts = names_of(parts, &[R::HeadTop, R::HeadSide]);
    head_parts.extend(plate_of(upper, true));
    steps.push((format!("Screw the head sides (frame-head-side-left, -right) to the head top (frame-head-top) with the same T-slot joints; hang {} under the head top on four {} standoffs.", plate_name(upper), size(HardwareUse::HeadStandoffs)), head_parts));
    if count > 0 {
        let onto = [lower, upper]
            .iter()
            .map(|fp| plate_name(fp))
            .collect::<Vec<_>>()
            .join(" and ");
        steps.push((format!(
            "Fix the {count} printed push fingers and support posts (frame-finger-*.stl; positions in fixture.json force.supports and the report's force section) to {onto}: with an M3 screw from the face away from the board where the plate has a hole for it, else with epoxy at the marked position."
        ), fingers.iter().map(|q| q.name.clone()).collect()));
    }
    steps.extend([
        (format!("Set the head between the side plates and push the hinge pin ({}) through side plate, washer, head side, head side, washer, side plate; fit the E-clips.", size(HardwareUse::Hinge)), Vec::new()),
        ("Screw the draw latch to the front plate and its keeper to the head top; close the head and adjust the latch so the head top rests on the side and front plates.".to_string(), Vec::new()),
        (if nest {
            "Drop a board into the nest's pocket, close the head and check every probe's contact (pogo qc) before the first run."
        } else {
            "Put a board in, close the head and check every probe's contact (pogo qc) before the first run."
        }.to_string(), Vec::new()),
    ]);
    steps.into_iter().unzip()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// OpenFixture's figure: with 1 mm of compression the probe nearest the hinge needs
    /// about 57 mm from the pivot to meet the board within 0.5 degree.
    #[test]
    fn hinge_rule_matches_openfixture() {
        let r = 1.0 / (2.0 * 0.5f64.to_radians()).sin();
        assert!((r - 57.3).abs() < 0.1, "{r}");
        assert!((contact_angle_deg(r, 1.0) - 0.5).abs() < 1e-9);
        assert!(contact_angle_deg(40.0, 1.0) > 0.5);
        assert!(contact_angle_deg(80.0, 1.0) < 0.5);
    }

    /// A board part under a plate: found when its footprint meets the material, not
    /// when it sits in a through cut-out or a deep enough pocket, and a blind pocket
    /// lowers the material's face only where the footprint lies wholly inside it.
    #[test]
    fn flat_material_sees_cutouts_and_pockets() {
        let mut part = sheet(
            "t",
            FramePartRole::ProbePlate,
            10.0,
            rect(0.0, 0.0, 100.0, 60.0),
        );
        part.cutouts.push(rect(10.0, 10.0, 30.0, 30.0));
        part.pockets.push(FramePocket {
            ring: rect(50.0, 10.0, 70.0, 30.0),
            depth_mm: 4.0,
            reason: PocketReason::Relief("U1".into()),
        });
        // A 5 x 5 mm footprint from (x, y), 1 mm clearance.
        let material_at = |x: f64, y: f64| flat_material(&part, &rect(x, y, x + 5.0, y + 5.0), 1.0);
        assert_eq!(material_at(40.0, 40.0), Some((0.0, 10.0)));
        assert_eq!(material_at(15.0, 15.0), None);
        assert_eq!(material_at(55.0, 15.0), Some((0.0, 6.0)));
        // Too near the pocket wall for the clearance: the full face counts.
        assert_eq!(material_at(50.5, 15.0), Some((0.0, 10.0)));
        // Off the plate by more than the clearance, and by less.
        assert_eq!(material_at(102.0, 20.0), None);
        assert_eq!(material_at(100.5, 20.0), Some((0.0, 10.0)));
    }

    fn finger(x: f64, y: f64, d: f64) -> pogo_fixture::Support {
        pogo_fixture::Support {
            x,
            y,
            side: Side::Top,
            kind: pogo_fixture::SupportKind::PushFinger,
            reason: pogo_fixture::SupportReason::Corner,
            reaction_n: 1.0,
            tip_diameter_mm: d,
            on_part: None,
        }
    }

    /// A push finger on a mounting hole's plated ring is found (and a spot off the
    /// ring named); one beside it, and one over a small via far from any ring, are not.
    #[test]
    fn finger_on_a_mounting_hole_ring_is_found() {
        let mut fx = pogo_fixture::test_support::FixtureBuilder::new([0.0, 0.0, 60.0, 40.0])
            .hole(10.0, 10.0, 3.2, true, "H1")
            .hole(40.0, 20.0, 0.3, true, "")
            .build();
        fx.force = Some(pogo_fixture::ForceSummary {
            supports: vec![
                finger(11.0, 10.0, 4.0),
                finger(10.0, 20.0, 4.0),
                finger(40.0, 20.0, 4.0),
            ],
            ..Default::default()
        });
        let found = ring_findings(&fx, &MechanicsSettings::default());
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].rule, InterferenceRule::FingerOnRing);
        assert_eq!(found[0].board_part, "H1");
        assert_eq!(found[0].at, [11.0, 10.0]);
        // The spot named clears the 6.4 mm pad with the 2 mm tip radius.
        assert!(
            found[0].message.contains("(15.7, 10.0)"),
            "{}",
            found[0].message
        );
        // Near the edge the spot is the other way round, on the board.
        fx.board.holes[0].x = 5.0;
        fx.force.as_mut().unwrap().supports = vec![finger(4.0, 10.0, 4.0)];
        let found = ring_findings(&fx, &MechanicsSettings::default());
        assert!(
            found[0].message.contains("(10.7, 10.0)"),
            "{}",
            found[0].message
        );
    }

    /// A head plate that clears a tall part behind it when closed meets it on the way
    /// up (its back edge swings towards the hinge), and not when the part is lower.
    #[test]
    fn swing_finds_a_part_in_the_heads_arc() {
        let build = |h: f64| {
            let fx = pogo_fixture::test_support::FixtureBuilder::new([0.0, 0.0, 60.0, 110.0])
                .part("J1", Side::Top, [10.0, -99.0, 20.0, -95.0], Some(h))
                .build();
            let mut fx = fx;
            fx.board.thickness_mm = 0.0;
            let mut head = sheet(
                "head",
                FramePartRole::HeadTop,
                5.0,
                rect(0.0, 0.0, 50.0, 90.0),
            );
            head.on_head = true;
            head.placements.push(Placement::flat(10.0));
            let hinge = HingeCheck {
                axis_y_mm: 100.0,
                axis_z_mm: 0.0,
                hinge_pin_diameter_mm: 6.0,
                max_angle_deg: 0.5,
                status: HingeStatus::Met,
                reason: String::new(),
                sides: Vec::new(),
            };
            swing_check(&fx, &[head], &hinge, &MechanicsSettings::default())
        };
        let tall = build(14.0);
        assert_eq!(tall.findings.len(), 1, "{:#?}", tall.findings);
        let f = &tall.findings[0];
        assert_eq!(f.rule, InterferenceRule::SwingClearance);
        assert_eq!(f.board_part, "J1");
        // First met between 20 and 40 degrees (the corner reaches Y = 95 at about 30).
        let deg: f64 = f
            .message
            .split(" when the head is ")
            .nth(1)
            .unwrap()
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!((20.0..=40.0).contains(&deg), "{deg}");
        assert!(build(8.0).findings.is_empty());
    }

    #[test]
    fn tabbed_rect_is_a_simple_counter_clockwise_ring() {
        let ring = tabbed_rect(120.0, 60.0, 6.0);
        assert!(pogo_geom::signed_area(&ring) > 0.0);
        // Two tabs below the edge, three T-slots.
        assert_eq!(ring.iter().filter(|q| q.y == -6.0).count(), 4);
        assert_eq!(ring.len(), 1 + 2 * 4 + 3 * 12 + 3);
        let area = pogo_geom::signed_area(&ring);
        let expected = 120.0 * 60.0 + 2.0 * TAB_W_MM * 6.0
            - 3.0
                * (SCREW_SLOT_W_MM * SCREW_SLOT_DEPTH_MM + (NUT_W_MM - SCREW_SLOT_W_MM) * NUT_H_MM);
        assert!((area - expected).abs() < 1e-6, "{area} vs {expected}");
    }
}
