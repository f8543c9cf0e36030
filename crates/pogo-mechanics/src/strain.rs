//! Board strain: the board as a Kirchhoff plate on its push fingers under the probe
//! forces.
//!
//! The board outline is meshed with rectangular ACM plate elements ([`crate::plate`]) on
//! a grid whose lines lie on the outline's straight edges ([`mesh`]: a panel's routing
//! gaps and the tabs across them are cells of their own, so the boards of a panel are
//! joined only through their tabs). Each
//! probe's force at its compression is spread over the disk it loads: the radius of the
//! equivalent loaded area of thin-plate theory for its tip's contact circle
//! ([`load_radius_mm`]; bottom probes push towards the top face, top probes towards the
//! bottom). Supports are push fingers (or, on the probed face, support posts) pushing
//! through their flat tips of `push_finger_diameter_mm` with a uniform pressure: one near
//! each corner of every board piece and one
//! opposite each cluster of probes (k-means, one cluster per `probes_per_push_finger`
//! probes), each on a free spot of the face it presses (a lattice of spots independent of
//! the elements, clear of that face's part courtyards, probes and tooling pins). Where a
//! full-size tip finds no room, smaller tips (1 mm steps down to
//! `push_finger_min_diameter_mm`) take the spots between parts. A support that carries
//! more than `push_finger_max_load_n` gets load-sharing fingers on the free spots next
//! to it. Every support only presses (unilateral contact): one that would pull is left
//! out and the plate solved again, and one the board would move into is put back, until
//! every reaction pushes ([`settle`]).
//!
//! What the figure means: `max_strain_ue` is the largest reading a strain gauge of
//! `strain_gauge_mm` x `strain_gauge_mm` (3 mm by default, a small rosette of the kind
//! used for board strain testing, IPC/JEDEC-9704A) would give anywhere on the board: the
//! surface strain `ε = (t/2)·κ` averaged over the gauge's square, then its largest
//! principal value (absolute). It is a board property: it converges as the elements are
//! refined (within 1-3% between h and h/2 on the shared boards, see the tests and
//! BENCHMARKS.md), because neither loads nor supports are points any more and the
//! gauge averages what is left of the concentration. When the elements are larger than
//! half the gauge, the largest readings are taken again from submodels with elements of
//! half a gauge ([`crate::plate::PlateModel::zoom_gauge`]). It is compared with the limit
//! (500 µε by default, the figure fixture builders commonly hold to for in-circuit test
//! fixtures). When it is exceeded, supports are suggested one at a time (push fingers
//! where the board moves towards the lid, support posts where it sags towards the probe
//! plate, near the peak first), while each lowers the strain by at least 1%.
//!
//! Not modelled: the probes' spring rate (forces are those at working travel, whatever
//! the deflection), plate and lid compliance, parts' stiffening of the board, curved or
//! slanted outline edges finer than one element (they are followed by whole cells), and
//! holes such as mouse bites (drills, not outline).
//!
//! Material: E = 22 GPa and ν = 0.15 by default: typical of glass-epoxy FR-4 laminate in
//! bending (datasheets give a flexural modulus of about 18-24 GPa along the weave, and a
//! Poisson's ratio of 0.11-0.18); both are settings.

use crate::config::MechanicsSettings;
use crate::geom;
use crate::plate::{ExtraSupports, Factored, Grid, Material, PlateModel, Solution};
use pogo_fixture::{
    Fixture, ForceSummary, HeightSource, PartPress, PlateModelInfo, Support, SupportKind,
    SupportReason,
};
use pogo_geom::{PolygonMm, Side};
use std::collections::BTreeSet;

/// Spots where a push finger may press, per face: a square lattice of pitch
/// [`spot_pitch_mm`] anchored at the board's top left corner (independent of the plate
/// model's elements, so the supports do not move when the mesh is refined). Each spot
/// takes the largest tip of [`finger_sizes_mm`] that clears everything there.
struct Candidates {
    nodes: Vec<Spot>,
}

/// A spot: (spot id, x, y, nearest model node, tip radius mm, the part whose body it is
/// on: an index into the board's parts).
type Spot = (usize, f64, f64, usize, f64, Option<usize>);

/// Pitch of the lattice of push finger spots, mm.
fn spot_pitch_mm(longest: f64, s: &MechanicsSettings) -> f64 {
    (longest / 144.0).max(s.push_finger_diameter_mm / 4.0)
}

/// Push finger tip diameters, largest first: `push_finger_diameter_mm`, then 1 mm
/// smaller at a time down to `push_finger_min_diameter_mm`.
fn finger_sizes_mm(s: &MechanicsSettings) -> Vec<f64> {
    let top = s.push_finger_diameter_mm;
    let low = s.push_finger_min_diameter_mm.clamp(0.5, top.max(0.5));
    let mut out = vec![top];
    let mut d = top - 1.0;
    while d >= low - 1e-9 && out.len() < 8 {
        out.push(d);
        d -= 1.0;
    }
    if (out[out.len() - 1] - low).abs() > 1e-9 && low < top {
        out.push(low);
    }
    out
}

/// The square lattice of spots over the board's box: spot k = j (nx + 1) + i at
/// (left + i pitch, top + j pitch), i in 0..=nx, j in 0..=ny.
struct Lattice {
    left: f64,
    top: f64,
    pitch: f64,
    nx: usize,
    ny: usize,
}

impl Lattice {
    fn new((l, t, r, b): (f64, f64, f64, f64), s: &MechanicsSettings) -> Lattice {
        let pitch = spot_pitch_mm((r - l).max(b - t), s);
        Lattice {
            left: l,
            top: t,
            pitch,
            nx: ((r - l) / pitch).floor() as usize,
            ny: ((b - t) / pitch).floor() as usize,
        }
    }

    fn len(&self) -> usize {
        (self.nx + 1) * (self.ny + 1)
    }

    /// Where spot `k` is.
    fn xy(&self, k: usize) -> (f64, f64) {
        let (i, j) = (k % (self.nx + 1), k / (self.nx + 1));
        (
            self.left + i as f64 * self.pitch,
            self.top + j as f64 * self.pitch,
        )
    }

    /// The lattice indices from `lo` to `hi` along an axis starting at `origin` with
    /// `n` + 1 spots: the first, and the last (`None` when `hi` lies before the axis).
    fn span(&self, lo: f64, hi: f64, origin: f64, n: usize) -> (usize, Option<usize>) {
        let a = ((lo - origin) / self.pitch).ceil().max(0.0) as usize;
        let z = ((hi - origin) / self.pitch).floor();
        (
            a,
            if z < 0.0 {
                None
            } else {
                Some((z as usize).min(n))
            },
        )
    }

    /// The spots in the box `[x0, y0, x1, y1]`, row by row.
    fn in_box(&self, [x0, y0, x1, y1]: [f64; 4]) -> impl Iterator<Item = usize> + use<> {
        let (i0, i1) = self.span(x0, x1, self.left, self.nx);
        let (j0, j1) = self.span(y0, y1, self.top, self.ny);
        let ranges = match (i1, j1) {
            (Some(i1), Some(j1)) => Some((i0..=i1, j0..=j1)),
            _ => None,
        };
        let stride = self.nx + 1;
        ranges.into_iter().flat_map(move |(cols, rows)| {
            rows.flat_map(move |j| cols.clone().map(move |i| j * stride + i))
        })
    }
}

/// The free spots of `face`: each lattice spot with the largest finger tip that clears
/// the face's probes, tooling pins and parts and keeps half a millimetre more than its
/// radius from the board's edge; where none fits, the tip that fits on a sturdy part's
/// body ([`finger_may_press`]). `clearance` keeps each spot's depth in the board
/// ([`geom::board_clearance`]) once measured, for every tip size and both faces.
fn candidates(
    fx: &Fixture,
    model: &PlateModel,
    outline: &[PolygonMm],
    face: Side,
    s: &MechanicsSettings,
    bbox: (f64, f64, f64, f64),
    clearance: &mut [Option<f64>],
) -> Candidates {
    let lattice = Lattice::new(bbox, s);
    let block_disc = |blocked: &mut Vec<bool>, cx: f64, cy: f64, reach: f64| {
        for k in lattice.in_box([cx - reach, cy - reach, cx + reach, cy + reach]) {
            let (x, y) = lattice.xy(k);
            if (cx - x).hypot(cy - y) < reach {
                blocked[k] = true;
            }
        }
    };
    let face_parts: Vec<&pogo_fixture::PartOutline> =
        fx.board.parts.iter().filter(|p| p.side == face).collect();
    let rings = geom::hole_keepouts(&fx.board);
    // Each lattice spot's tip radius (0: none fits), largest tip first.
    let mut tip = vec![0.0f64; lattice.len()];
    for d in finger_sizes_mm(s) {
        let r = d / 2.0;
        // Spots blocked by probes, tooling pins and parts: marked from each obstacle's
        // reach (no spot x obstacle scan). Spots a larger tip took are skipped.
        let mut blocked: Vec<bool> = tip.iter().map(|&r| r > 0.0).collect();
        for p in fx.probes.iter().filter(|p| p.side == face) {
            block_disc(&mut blocked, p.x, p.y, r + 0.5);
        }
        for tp in &fx.tooling {
            block_disc(
                &mut blocked,
                tp.x,
                tp.y,
                r + tp.hole_diameter_mm.max(tp.diameter_mm) / 2.0 + 0.5,
            );
        }
        // A mounting hole's pad or plated ring (a bare hole's edge) and the finger
        // clearance round it: a finger there would press the copper or slip in.
        for z in &rings {
            block_disc(
                &mut blocked,
                z.x,
                z.y,
                r + z.radius_mm + s.push_finger_clearance_mm,
            );
        }
        for p in &face_parts {
            for k in lattice.in_box(geom::part_box(p, r + s.push_finger_clearance_mm)) {
                if !blocked[k] {
                    let (x, y) = lattice.xy(k);
                    blocked[k] = geom::part_dist(p, x, y) < r + s.push_finger_clearance_mm;
                }
            }
        }
        for k in 0..lattice.len() {
            if blocked[k] {
                continue;
            }
            let (x, y) = lattice.xy(k);
            let depth = *clearance[k].get_or_insert_with(|| geom::board_clearance(outline, x, y));
            if depth >= r + 0.5 {
                tip[k] = r;
            }
        }
    }
    // Spots on sturdy part bodies, where the bare board had none.
    let mut on_part: Vec<Option<usize>> = vec![None; tip.len()];
    for (pi, p) in fx.board.parts.iter().enumerate() {
        if !finger_may_press(p, face, s) {
            continue;
        }
        for d in finger_sizes_mm(s) {
            let r = d / 2.0;
            for k in lattice.in_box(geom::part_box(p, 0.0)) {
                let (x, y) = lattice.xy(k);
                if tip[k] <= 0.0 && on_body(fx, pi, face, x, y, r, s) {
                    tip[k] = r;
                    on_part[k] = Some(pi);
                }
            }
        }
    }
    let mut nodes = Vec::new();
    for (k, &r) in tip.iter().enumerate() {
        if r <= 0.0 {
            continue;
        }
        let (x, y) = lattice.xy(k);
        let Some((_, _, node)) = model.nearest_node(x, y) else {
            continue;
        };
        let id = 2 * k + usize::from(face == Side::Bottom);
        nodes.push((id, x, y, node, r, on_part[k]));
    }
    Candidates { nodes }
}

/// Whether a push finger may press on this part's body from `face`: a connector,
/// socket or shield on that face, of known height, not listed in `fragile_parts`.
pub fn finger_may_press(p: &pogo_fixture::PartOutline, face: Side, s: &MechanicsSettings) -> bool {
    s.part_body_fingers
        && p.side == face
        && p.body.is_sturdy()
        && p.height_mm.is_some_and(|h| h > 0.0)
        && !p.courtyard.is_empty()
        && !s
            .fragile_parts
            .iter()
            .any(|g| crate::config::glob_match(g, &p.reference))
}

/// Whether a finger tip of radius `r` at (x, y) lies on part `pi`'s body (inside its
/// courtyard by `r` and the finger clearance) and clear of every other part, probe and
/// tooling pin of that face.
fn on_body(
    fx: &Fixture,
    pi: usize,
    face: Side,
    x: f64,
    y: f64,
    r: f64,
    s: &MechanicsSettings,
) -> bool {
    let p = &fx.board.parts[pi];
    let margin = r + s.push_finger_clearance_mm;
    let inside = p
        .courtyard
        .iter()
        .any(|c| geom::in_polygon(c, x, y) && geom::boundary_dist(c, x, y) >= margin);
    inside
        && fx.board.parts.iter().enumerate().all(|(qi, q)| {
            qi == pi || q.side != face || {
                let bx = geom::part_box(q, margin);
                !(bx[0]..=bx[2]).contains(&x)
                    || !(bx[1]..=bx[3]).contains(&y)
                    || geom::part_dist(q, x, y) >= margin
            }
        })
        && fx
            .probes
            .iter()
            .filter(|q| q.side == face)
            .all(|q| (q.x - x).hypot(q.y - y) >= r + 0.5)
        && fx.tooling.iter().all(|tp| {
            (tp.x - x).hypot(tp.y - y) >= r + tp.hole_diameter_mm.max(tp.diameter_mm) / 2.0 + 0.5
        })
}

/// The spot nearest to (cx, cy) that is not `taken` (the first of equals).
fn nearest_free<'a>(
    spots: impl Iterator<Item = &'a Spot>,
    cx: f64,
    cy: f64,
    taken: impl Fn(&Spot) -> bool,
) -> Option<&'a Spot> {
    let mut best: Option<(f64, &Spot)> = None;
    for c in spots {
        let d2 = (c.1 - cx).powi(2) + (c.2 - cy).powi(2);
        if best.is_some_and(|b| d2 >= b.0) || taken(c) {
            continue;
        }
        best = Some((d2, c));
    }
    best.map(|b| b.1)
}

/// The free spot for a finger near (cx, cy): the nearest spot with the full-size tip,
/// unless a smaller tip's spot is closer by more than `spacing` (or there is none).
fn pick_spot<'a, I>(
    spots: I,
    cx: f64,
    cy: f64,
    full_r: f64,
    spacing: f64,
    taken: impl Fn(&Spot) -> bool,
) -> Option<&'a Spot>
where
    I: Iterator<Item = &'a Spot> + Clone,
{
    let full = nearest_free(
        spots.clone().filter(|c| c.4 >= full_r - 1e-9),
        cx,
        cy,
        &taken,
    );
    let any = nearest_free(spots, cx, cy, &taken);
    let d = |c: &Spot| (c.1 - cx).hypot(c.2 - cy);
    match (full, any) {
        (Some(f), Some(a)) if d(f) > d(a) + spacing => Some(a),
        (Some(f), _) => Some(f),
        (None, a) => a,
    }
}

/// Connected pieces of the active grid: cell lists.
fn pieces(g: &Grid) -> Vec<Vec<(usize, usize)>> {
    let mut seen = vec![false; g.nx * g.ny];
    let mut out = Vec::new();
    for j0 in 0..g.ny {
        for i0 in 0..g.nx {
            if !g.is_active(i0, j0) || seen[j0 * g.nx + i0] {
                continue;
            }
            let mut stack = vec![(i0, j0)];
            seen[j0 * g.nx + i0] = true;
            let mut cells = Vec::new();
            while let Some((i, j)) = stack.pop() {
                cells.push((i, j));
                let mut push = |a: usize, b: usize| {
                    if a < g.nx && b < g.ny && g.is_active(a, b) && !seen[b * g.nx + a] {
                        seen[b * g.nx + a] = true;
                        stack.push((a, b));
                    }
                };
                push(i + 1, j);
                push(i, j + 1);
                if i > 0 {
                    push(i - 1, j);
                }
                if j > 0 {
                    push(i, j - 1);
                }
            }
            cells.sort_unstable();
            out.push(cells);
        }
    }
    out
}

/// k-means of probe positions (force-weighted), deterministic farthest-point start.
fn clusters(points: &[(f64, f64, f64)], k: usize) -> Vec<(f64, f64)> {
    if points.is_empty() || k == 0 {
        return Vec::new();
    }
    let k = k.min(points.len());
    let mut centres = farthest_point_start(points, k);
    let d2 = |p: &(f64, f64, f64), c: (f64, f64)| (p.0 - c.0).powi(2) + (p.1 - c.1).powi(2);
    for _ in 0..25 {
        let mut sums = vec![(0.0, 0.0, 0.0); k];
        for p in points {
            // The nearest centre (the first of equals).
            let (mut c, mut near) = (0, d2(p, centres[0]));
            for (a, &centre) in centres.iter().enumerate().skip(1) {
                let d = d2(p, centre);
                if d.total_cmp(&near).is_lt() {
                    (c, near) = (a, d);
                }
            }
            sums[c].0 += p.0 * p.2;
            sums[c].1 += p.1 * p.2;
            sums[c].2 += p.2;
        }
        let mut moved = false;
        for (c, s) in centres.iter_mut().zip(&sums) {
            if s.2 > 0.0 {
                let next = (s.0 / s.2, s.1 / s.2);
                moved |= next.0.to_bits() != c.0.to_bits() || next.1.to_bits() != c.1.to_bits();
                *c = next;
            }
        }
        if !moved {
            // The same centres give the same assignment: every further round is this one.
            break;
        }
    }
    centres
}

/// The k-means' first centres (`k` <= the points): the first point (by x, then y), then
/// each time the point farthest from its nearest centre so far.
fn farthest_point_start(points: &[(f64, f64, f64)], k: usize) -> Vec<(f64, f64)> {
    let mut centres: Vec<(f64, f64)> = Vec::with_capacity(k);
    let first = points
        .iter()
        .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)))
        .map(|p| (p.0, p.1))
        .unwrap_or_default();
    centres.push(first);
    // Each point's squared distance to its nearest centre so far (kept up to date as
    // centres are added: k x n, not k² x n).
    let d2 = |p: &(f64, f64, f64), c: (f64, f64)| (p.0 - c.0).powi(2) + (p.1 - c.1).powi(2);
    let mut nearest: Vec<f64> = points.iter().map(|p| d2(p, first)).collect();
    while centres.len() < k {
        let far = nearest
            .iter()
            .zip(points)
            .max_by(|a, b| a.0.total_cmp(b.0))
            .map(|(_, p)| (p.0, p.1))
            .unwrap_or_default();
        centres.push(far);
        for (n, p) in nearest.iter_mut().zip(points) {
            *n = n.min(d2(p, far));
        }
    }
    centres
}

/// A candidate spot: (score, spot id, x, y, face, nearest model node, tip radius, part).
type Cand = (f64, usize, f64, f64, Side, usize, f64, Option<usize>);

#[derive(Clone, Copy)]
struct Placed {
    /// The model node nearest to it (anchors a clamp in the base system).
    node: usize,
    x: f64,
    y: f64,
    face: Side,
    kind: SupportKind,
    reason: SupportReason,
    /// Radius of its flat tip, mm.
    tip_r: f64,
    /// The part whose body it presses (index into the board's parts), if any.
    part: Option<usize>,
}

impl Placed {
    /// A support of `kind` for `reason` on spot `c` of `face`.
    fn on_spot(c: &Spot, face: Side, kind: SupportKind, reason: SupportReason) -> Placed {
        Placed {
            node: c.3,
            x: c.1,
            y: c.2,
            face,
            kind,
            reason,
            tip_r: c.4,
            part: c.5,
        }
    }
}

/// Whether a tip of radius `r` at (x, y) would stand too near one of `placed`: two
/// fingers stand at least 1.5 x their tips' diameters apart (centre to centre).
fn taken(placed: &[Placed], x: f64, y: f64, r: f64) -> bool {
    placed.iter().any(|p| {
        let gap = 1.5 * (p.tip_r + r);
        (p.x - x).powi(2) + (p.y - y).powi(2) < gap * gap
    })
}

/// How many of the most loaded supports are read again by submodels besides the
/// board model's peaks ([`Setup::zoom`]).
const ZOOMED_SUPPORTS: usize = 4;

/// Most fingers added to share loads ([`MechanicsSettings::push_finger_max_load_n`]).
const MAX_LOAD_SHARE_FINGERS: usize = 64;

/// The board's plate model under the probe loads, and the spots where supports may
/// stand: what every phase after the mesh reads.
struct Setup<'a> {
    fx: &'a Fixture,
    forces: &'a [f64],
    s: &'a MechanicsSettings,
    grid: Grid,
    model: PlateModel,
    /// The longer side of the board's box, mm.
    longest: f64,
    /// The face the lid's push fingers press.
    lid_face: Side,
    /// Free spots of the top face and of the bottom face.
    spots: [Candidates; 2],
    /// Least distance between a support and a spot for another, mm (1.5 finger
    /// diameters).
    spacing: f64,
    /// Radius of a full-size finger tip, mm.
    full_r: f64,
}

impl<'a> Setup<'a> {
    /// Meshes the board, loads it with the probes and finds the free spots; also the
    /// model's description for the summary.
    fn new(
        fx: &'a Fixture,
        forces: &'a [f64],
        s: &'a MechanicsSettings,
    ) -> Result<(Setup<'a>, PlateModelInfo), String> {
        let outline = geom::outline(&fx.board);
        let Some([l, t, r, b]) = geom::bbox(&outline) else {
            return Err("the board has no outline: board strain not computed".into());
        };
        let longest = (r - l).max(b - t);
        let h = (longest / s.strain_grid_cells as f64).max(s.strain_min_element_mm);
        let grid = mesh(&outline, [l, t, r, b], h, s.strain_min_element_mm);
        let thickness = if fx.board.thickness_mm > 0.0 {
            fx.board.thickness_mm
        } else {
            1.6
        };
        let material = Material {
            youngs_modulus_mpa: s.board_youngs_modulus_gpa * 1000.0,
            poisson_ratio: s.board_poisson_ratio,
            thickness_mm: thickness,
        };
        let mut model = PlateModel::new(grid.clone(), material);
        model.set_gauge(s.strain_gauge_mm);
        let elements = grid.active.iter().filter(|&&a| a).count();
        let info = PlateModelInfo {
            method: "kirchhoff plate, ACM rectangles".into(),
            youngs_modulus_gpa: s.board_youngs_modulus_gpa,
            poisson_ratio: s.board_poisson_ratio,
            thickness_mm: thickness,
            element_mm: grid.max_step(),
            elements,
            gauge_mm: s.strain_gauge_mm,
        };
        if elements == 0 {
            return Err("the board outline covers no grid cell: board strain not computed".into());
        }
        let lid_face = load_probes(&mut model, fx, forces, thickness);
        let mut clearance = vec![None; Lattice::new((l, t, r, b), s).len()];
        let spots = [Side::Top, Side::Bottom]
            .map(|face| candidates(fx, &model, &outline, face, s, (l, t, r, b), &mut clearance));
        let setup = Setup {
            fx,
            forces,
            s,
            grid,
            model,
            longest,
            lid_face,
            spots,
            spacing: s.push_finger_diameter_mm * 1.5,
            full_r: s.push_finger_diameter_mm / 2.0,
        };
        Ok((setup, info))
    }

    /// The free spots of `face`.
    fn spots(&self, face: Side) -> &[Spot] {
        &self.spots[usize::from(face == Side::Bottom)].nodes
    }

    /// What a support on `face` is: a push finger on the lid's face, else a support post.
    fn kind_on(&self, face: Side) -> SupportKind {
        if face == self.lid_face {
            SupportKind::PushFinger
        } else {
            SupportKind::SupportPost
        }
    }

    /// The fixture's record of a support that presses with `force_on_plate`.
    fn support(&self, p: &Placed, force_on_plate: f64) -> Support {
        Support {
            x: p.x,
            y: p.y,
            side: p.face,
            kind: p.kind,
            reason: p.reason,
            reaction_n: compressive(p, force_on_plate),
            tip_diameter_mm: 2.0 * p.tip_r,
            on_part: p
                .part
                .and_then(|i| self.fx.board.parts.get(i))
                .map(|part| PartPress {
                    reference: part.reference.clone(),
                    height_mm: part.height_mm.unwrap_or(0.0),
                    height_from: if self.s.part_heights_mm.contains_key(&part.reference) {
                        HeightSource::PogoToml
                    } else {
                        HeightSource::Board
                    },
                }),
        }
    }

    /// The largest gauge reading of `sol` and where. Elements larger than half the
    /// gauge cannot resolve a finger's or a probe's pressure under the gauge: the
    /// largest readings are then taken again from submodels (the square round each
    /// reading, elements of half a gauge, cut boundary from the board model).
    fn zoom(&self, sol: &Solution, supports: &[(Placed, f64)]) -> (f64, (f64, f64)) {
        let (gauge, h) = (self.s.strain_gauge_mm, self.grid.max_step());
        if gauge <= 0.0 || h <= gauge / 2.0 {
            return (sol.max_strain_ue, sol.max_strain_at);
        }
        let known: Vec<(f64, f64, f64, f64)> = supports
            .iter()
            .map(|(p, r)| (p.x, p.y, p.tip_r, *r))
            .collect();
        let half = gauge / 2.0 + h.max(2.0 * gauge);
        // Where: the board model's largest readings, and the supports that carry the
        // most (the coarse readings may rank a finger's own peak below its neighbours).
        let mut heavy: Vec<&(Placed, f64)> = supports.iter().collect();
        heavy.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
        let at: Vec<(f64, f64)> = sol
            .peaks
            .iter()
            .map(|&(_, x, y)| (x, y))
            .chain(heavy.iter().take(ZOOMED_SUPPORTS).map(|(p, _)| (p.x, p.y)))
            .collect();
        // Each submodel on its own (in parallel), the largest reading taken in order
        // (the last of equals).
        use rayon::prelude::*;
        let readings: Vec<Option<f64>> = at
            .par_iter()
            .map(|&at| self.model.zoom_gauge(sol, &known, at, half, gauge / 2.0))
            .collect();
        readings
            .into_iter()
            .zip(at)
            .filter_map(|(e, at)| e.map(|e| (e, at)))
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .unwrap_or((sol.max_strain_ue, sol.max_strain_at))
    }
}

/// The grid that follows the outline: node lines on every straight vertical and
/// horizontal edge of the board (its sides, a panel's routing gaps, the ends of its
/// tabs and slots; lines nearer than `min_mm` to one already taken are left out), each
/// space between them split evenly into elements of at most `h`. A cell is active when
/// its centre lies on the board, so the elements are where the board is: a gap is a row
/// of inactive cells and a tab the cells across it.
fn mesh(outline: &[PolygonMm], [l, t, r, b]: [f64; 4], h: f64, min_mm: f64) -> Grid {
    let (mut vertical, mut horizontal) = (vec![l, r], vec![t, b]);
    for ring in outline
        .iter()
        .flat_map(|p| std::iter::once(&p.outer).chain(&p.holes))
    {
        for (k, p) in ring.iter().enumerate() {
            let q = ring[(k + 1) % ring.len()];
            if (p.x - q.x).abs() < 1e-6 && (p.y - q.y).abs() >= 1e-6 {
                vertical.push(p.x);
            } else if (p.y - q.y).abs() < 1e-6 && (p.x - q.x).abs() >= 1e-6 {
                horizontal.push(p.y);
            }
        }
    }
    let xs = grid_lines(vertical, (l, r), h, min_mm);
    let ys = grid_lines(horizontal, (t, b), h, min_mm);
    let (nx, ny) = (xs.len() - 1, ys.len() - 1);
    let mut active = vec![false; nx * ny];
    for j in 0..ny {
        for i in 0..nx {
            let (x, y) = ((xs[i] + xs[i + 1]) / 2.0, (ys[j] + ys[j + 1]) / 2.0);
            active[j * nx + i] = outline.iter().any(|p| geom::in_polygon(p, x, y));
        }
    }
    Grid {
        xs,
        ys,
        nx,
        ny,
        active,
    }
}

/// The node lines along one axis from `lo` to `hi`: the `edges` (sorted; one of any
/// nearer than `min_mm` to the last taken, the ends always), and between each two,
/// as many evenly spaced as keep the spacing at most `h`.
fn grid_lines(mut edges: Vec<f64>, (lo, hi): (f64, f64), h: f64, min_mm: f64) -> Vec<f64> {
    edges.retain(|&e| e > lo + min_mm && e < hi - min_mm);
    edges.sort_by(f64::total_cmp);
    let mut kept = vec![lo];
    for e in edges {
        if e - kept[kept.len() - 1] >= min_mm {
            kept.push(e);
        }
    }
    if hi - lo > 0.0 {
        kept.push(hi);
    } else {
        kept.push(lo + h);
    }
    let mut lines = vec![kept[0]];
    for w in kept.windows(2) {
        let n = ((w[1] - w[0]) / h - 1e-9).ceil().max(1.0) as usize;
        for k in 1..=n {
            lines.push(if k == n {
                w[1]
            } else {
                w[0] + (w[1] - w[0]) * k as f64 / n as f64
            });
        }
    }
    lines
}

/// Puts each probe's force on the model over its loaded disk (bottom probes push
/// towards the top face); returns the face the lid's push fingers press: opposite the
/// side with the larger force.
fn load_probes(model: &mut PlateModel, fx: &Fixture, forces: &[f64], thickness: f64) -> Side {
    let mut side_force = [0.0f64; 2];
    for (p, &f) in fx.probes.iter().zip(forces) {
        let z = match p.side {
            Side::Bottom => f,
            Side::Top => -f,
        };
        side_force[(p.side == Side::Bottom) as usize] += f;
        let contact_r = fx
            .part(&p.part)
            .map_or(0.0, |part| part.tip_contact_radius_mm);
        model.add_patch_load(p.x, p.y, load_radius_mm(contact_r, thickness), z);
    }
    if side_force[1] >= side_force[0] {
        Side::Top
    } else {
        Side::Bottom
    }
}

/// The corner supports of every board piece: a push finger on the lid's face near
/// each corner of the piece's box; where fewer than three fit, the piece rests on edge
/// support posts at its extreme nodes on the probed face.
fn corner_supports(st: &Setup) -> Vec<Placed> {
    let mut placed: Vec<Placed> = Vec::new();
    for piece in pieces(&st.grid) {
        let in_piece: BTreeSet<usize> = piece
            .iter()
            .flat_map(|&(i, j)| cell_corners(i, j))
            .filter_map(|(i, j)| st.model.node(i, j))
            .collect();
        let corners = piece_corners(&st.grid, &piece);
        let free: Vec<&Spot> = st
            .spots(st.lid_face)
            .iter()
            .filter(|c| in_piece.contains(&c.3))
            .collect();
        let before = placed.len();
        for (cx, cy) in corners {
            let best = pick_spot(free.iter().copied(), cx, cy, st.full_r, st.spacing, |c| {
                taken(&placed, c.1, c.2, c.4)
            });
            if let Some(c) = best {
                placed.push(Placed::on_spot(
                    c,
                    st.lid_face,
                    SupportKind::PushFinger,
                    SupportReason::Corner,
                ));
            }
        }
        if placed.len() - before < 3 {
            edge_posts(st, &piece, &in_piece, corners, &mut placed);
        }
    }
    placed
}

/// The four grid nodes of cell (i, j).
fn cell_corners(i: usize, j: usize) -> [(usize, usize); 4] {
    [(i, j), (i + 1, j), (i, j + 1), (i + 1, j + 1)]
}

/// The corners of a piece's box: (left, top), (right, top), (right, bottom), (left,
/// bottom).
fn piece_corners(grid: &Grid, piece: &[(usize, usize)]) -> [(f64, f64); 4] {
    let (mut pl, mut pt, mut pr, mut pb) = (
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    );
    for &(i, j) in piece {
        let (x, y) = grid.node_xy(i, j);
        pl = pl.min(x);
        pt = pt.min(y);
        pr = pr.max(grid.xs[i + 1]);
        pb = pb.max(grid.ys[j + 1]);
    }
    [(pl, pt), (pr, pt), (pr, pb), (pl, pb)]
}

/// Support posts on the probed face at the piece's nodes nearest its box corners (a
/// piece too crowded for corner fingers).
fn edge_posts(
    st: &Setup,
    piece: &[(usize, usize)],
    in_piece: &BTreeSet<usize>,
    corners: [(f64, f64); 4],
    placed: &mut Vec<Placed>,
) {
    let rings = geom::hole_keepouts(&st.fx.board);
    for (cx, cy) in corners {
        let best = in_piece
            .iter()
            .filter_map(|&k| {
                piece
                    .iter()
                    .flat_map(|&(i, j)| cell_corners(i, j))
                    .find(|&(i, j)| st.model.node(i, j) == Some(k))
                    .map(|(i, j)| {
                        let (x, y) = st.grid.node_xy(i, j);
                        (k, x, y)
                    })
            })
            .filter(|c| !placed.iter().any(|p| p.node == c.0))
            .filter(|c| clear_of_rings(&rings, c.1, c.2, st.full_r, st.s))
            .min_by(|a, b| {
                (a.1 - cx)
                    .hypot(a.2 - cy)
                    .total_cmp(&(b.1 - cx).hypot(b.2 - cy))
            });
        if let Some((k, x, y)) = best {
            placed.push(Placed {
                node: k,
                x,
                y,
                face: st.lid_face.opposite(),
                kind: SupportKind::SupportPost,
                reason: SupportReason::Edge,
                tip_r: st.full_r,
                part: None,
            });
        }
    }
}

/// Whether a support tip of radius `r` at (x, y) keeps the finger clearance from every
/// hole keep-out (a mounting hole's pad or plated ring, a bare hole's edge).
fn clear_of_rings(
    rings: &[geom::HoleKeepOut],
    x: f64,
    y: f64,
    r: f64,
    s: &MechanicsSettings,
) -> bool {
    rings
        .iter()
        .all(|z| (z.x - x).hypot(z.y - y) >= r + z.radius_mm + s.push_finger_clearance_mm)
}

/// A push finger opposite each cluster of probes (k-means, one cluster per
/// `probes_per_push_finger` probes), on the free spot nearest the cluster's centre
/// within a quarter of the board's longer side.
fn cluster_fingers(st: &Setup, placed: &mut Vec<Placed>) {
    for side in [Side::Top, Side::Bottom] {
        let pts: Vec<(f64, f64, f64)> = st
            .fx
            .probes
            .iter()
            .zip(st.forces)
            .filter(|(p, _)| p.side == side)
            .map(|(p, &f)| (p.x, p.y, f.max(1e-6)))
            .collect();
        if pts.is_empty() {
            continue;
        }
        let k = pts
            .len()
            .div_ceil(st.s.probes_per_push_finger.max(1))
            .min(512);
        let face = side.opposite();
        for (cx, cy) in clusters(&pts, k) {
            let best = pick_spot(st.spots(face).iter(), cx, cy, st.full_r, st.spacing, |c| {
                taken(placed, c.1, c.2, c.4)
            });
            if let Some(c) = best
                && (c.1 - cx).hypot(c.2 - cy) <= st.longest / 4.0
            {
                placed.push(Placed::on_spot(
                    c,
                    face,
                    SupportKind::PushFinger,
                    SupportReason::Cluster,
                ));
            }
        }
    }
}

/// The supports in solving order, the model anchored: the corner and edge supports
/// anchor the base system (springs cancelled in every solve), the cluster fingers
/// follow.
fn anchored(model: &mut PlateModel, placed: &[Placed]) -> Vec<Placed> {
    let mut all: Vec<Placed> = placed
        .iter()
        .filter(|p| p.reason != SupportReason::Cluster)
        .copied()
        .collect();
    for p in &all {
        model.anchor(p.node);
    }
    all.extend(
        placed
            .iter()
            .filter(|p| p.reason == SupportReason::Cluster)
            .copied(),
    );
    all
}

/// The supports as solved: every support placed so far (`all`, one per support of
/// `extra`; [`settle`] switches off those that would pull), the solution and each
/// support's reaction on the plate.
struct Supported<'m> {
    extra: ExtraSupports<'m>,
    all: Vec<Placed>,
    sol: Solution,
    reactions: Vec<f64>,
}

impl<'m> Supported<'m> {
    /// The plate on the supports `all` (every support only pushes: unilateral contact,
    /// [`settle`]).
    fn settled(model: &'m PlateModel, fact: &'m Factored, all: Vec<Placed>) -> Supported<'m> {
        let mut extra = ExtraSupports::new(model, fact);
        let patches: Vec<(f64, f64, f64)> = all.iter().map(|p| (p.x, p.y, p.tip_r)).collect();
        extra.add_patches(&patches);
        Supported::settled_on(extra, all)
    }

    /// The plate on the supports `all`, whose patches `extra` already holds, settled
    /// ([`settle`]).
    fn settled_on(mut extra: ExtraSupports<'m>, all: Vec<Placed>) -> Supported<'m> {
        let (sol, reactions) = settle(&mut extra, &all);
        Supported {
            extra,
            all,
            sol,
            reactions,
        }
    }

    /// The supports that touch (a switched-off one is not built), with their reactions.
    fn touching(&self) -> Vec<(Placed, f64)> {
        self.all
            .iter()
            .zip(&self.reactions)
            .enumerate()
            .filter(|(i, _)| self.extra.is_active(*i))
            .map(|(_, (p, &r))| (*p, r))
            .collect()
    }

    /// How many suggested supports touch.
    fn suggested_count(&self) -> usize {
        self.all
            .iter()
            .enumerate()
            .filter(|(i, p)| p.reason == SupportReason::Suggested && self.extra.is_active(*i))
            .count()
    }
}

/// Load sharing: a support that carries more than `push_finger_max_load_n` gets
/// fingers on the free spots next to it (as many as its excess needs, nearest first,
/// within four finger spacings), then the plate is solved again; a few rounds.
fn share_loads(st: &Setup, sup: &mut Supported) {
    let limit = st.s.push_finger_max_load_n;
    if limit > 0.0 {
        let mut tried: BTreeSet<usize> = BTreeSet::new();
        let mut added = 0usize;
        for _round in 0..6 {
            let mut over: Vec<(Placed, f64)> = sup
                .all
                .iter()
                .zip(&sup.reactions)
                .map(|(p, &r)| (*p, compressive(p, r)))
                .filter(|x| x.1 > limit)
                .collect();
            over.sort_by(|a, b| b.1.total_cmp(&a.1));
            let mut new: Vec<Placed> = Vec::new();
            for (p, load) in over {
                let want = ((load / limit).ceil() as usize - 1).clamp(1, 4);
                for _ in 0..want {
                    if added >= MAX_LOAD_SHARE_FINGERS {
                        break;
                    }
                    let busy = |c: &Spot| {
                        tried.contains(&c.0)
                            || taken(&sup.all, c.1, c.2, c.4)
                            || taken(&new, c.1, c.2, c.4)
                    };
                    let Some(c) = nearest_free(st.spots(p.face).iter(), p.x, p.y, busy) else {
                        break;
                    };
                    if (c.1 - p.x).hypot(c.2 - p.y) > 4.0 * st.spacing {
                        break;
                    }
                    tried.insert(c.0);
                    added += 1;
                    new.push(Placed::on_spot(
                        c,
                        p.face,
                        st.kind_on(p.face),
                        SupportReason::LoadShare,
                    ));
                }
            }
            if new.is_empty() {
                break;
            }
            let patches: Vec<(f64, f64, f64)> = new.iter().map(|p| (p.x, p.y, p.tip_r)).collect();
            sup.extra.add_patches(&patches);
            sup.all.extend(new);
            (sup.sol, sup.reactions) = settle(&mut sup.extra, &sup.all);
        }
    }
}

/// Runs the plate model; `forces[i]` is probe i's force, N.
pub fn analyse(
    fx: &Fixture,
    forces: &[f64],
    s: &MechanicsSettings,
) -> Result<ForceSummary, String> {
    let (mut st, info) = Setup::new(fx, forces, s)?;
    let mut placed = corner_supports(&st);
    cluster_fingers(&st, &mut placed);
    let all = anchored(&mut st.model, &placed);
    let (fact, _) = st.model.solve()?;
    let mut sup = Supported::settled(&st.model, &fact, all);
    share_loads(&st, &mut sup);
    let touching = sup.touching();
    let mut summary = ForceSummary {
        limit_ue: s.strain_limit_ue,
        model: info,
        supports: touching.iter().map(|(p, r)| st.support(p, *r)).collect(),
        ..Default::default()
    };
    let (strain, at) = st.zoom(&sup.sol, &touching);
    summary.max_strain_ue = strain;
    summary.max_strain_at = [at.0, at.1];
    summary.max_deflection_mm = sup.sol.max_deflection_mm;
    summary.exceeded = strain > s.strain_limit_ue;
    if summary.exceeded {
        // The suggestions are searched on the board model's readings, against the
        // limit scaled as the submodel scaled the largest reading.
        let scale = if sup.sol.max_strain_ue > 0.0 {
            strain / sup.sol.max_strain_ue
        } else {
            1.0
        };
        suggest(&st, &mut sup, scale);
        let touching_now = sup.touching();
        summary.suggested_supports = touching_now
            .iter()
            .filter(|(p, _)| p.reason == SupportReason::Suggested)
            .map(|(p, r)| st.support(p, *r))
            .collect();
        if !summary.suggested_supports.is_empty() {
            summary.strain_with_suggestions_ue = Some(st.zoom(&sup.sol, &touching_now).0);
        }
        let still = summary.strain_with_suggestions_ue.unwrap_or(strain);
        if still > s.strain_limit_ue {
            let peak = summary.max_strain_at;
            let supports: Vec<&Support> = summary
                .supports
                .iter()
                .chain(&summary.suggested_supports)
                .collect();
            summary.over_limit = Some(over_limit(fx, forces, peak, &supports, st.lid_face, s));
        }
    }
    Ok(summary)
}

/// Suggested supports, one at a time (push fingers on the lid's face, support posts on
/// the probe plate's face where the board sags away from the lid), each the candidate
/// of [`suggestion_spots`] that lowers the strain most, while the strain (times
/// `scale`) is over the limit and each lowers it by at least 1%. Candidates that do not
/// help are never tried again; three such rounds end the search.
fn suggest<'m>(st: &Setup, sup: &mut Supported<'m>, scale: f64) {
    let s = st.s;
    let mut tries = 0;
    let mut failures = 0;
    let mut excluded: BTreeSet<usize> = BTreeSet::new();
    while sup.suggested_count() < s.max_suggested_supports
        && sup.sol.max_strain_ue * scale > s.strain_limit_ue
        && tries < 2 * s.max_suggested_supports
    {
        tries += 1;
        let cands = suggestion_spots(st, sup, &excluded);
        let Some(trial) = best_trial(st, sup, &cands) else {
            break;
        };
        if !trial.extra.is_active(trial.all.len() - 1)
            || trial.sol.max_strain_ue >= 0.99 * sup.sol.max_strain_ue
        {
            // None of them helps by 1% (or the best would only pull).
            excluded.extend(cands.iter().map(|c| c.1));
            failures += 1;
            if failures >= 3 {
                break;
            }
            continue;
        }
        *sup = trial;
    }
}

/// Where a suggested support may go: the two spots (far apart) where the board moves
/// most towards a finger, and on each face the free spots nearest the strain peak
/// where the board moves towards that face (one per quadrant round it, those within
/// three finger spacings of the nearest). A finger only presses: a spot counts where
/// the board moves towards it.
fn suggestion_spots(st: &Setup, sup: &Supported, excluded: &BTreeSet<usize>) -> Vec<Cand> {
    let mut by_w: Vec<Cand> = Vec::new();
    let mut by_peak: [Option<Cand>; 8] = [None; 8];
    let (px, py) = sup.sol.max_strain_at;
    for (fi, face) in [Side::Top, Side::Bottom].into_iter().enumerate() {
        for c in st.spots(face) {
            if taken(&sup.all, c.1, c.2, c.4) || excluded.contains(&c.0) {
                continue;
            }
            let w = st.model.deflection_at(&sup.sol, c.1, c.2).unwrap_or(0.0);
            let w = if face == Side::Top { w } else { -w };
            if w <= 0.0 {
                continue;
            }
            by_w.push((w, c.0, c.1, c.2, face, c.3, c.4, c.5));
            let d = (c.1 - px).hypot(c.2 - py);
            let q = usize::from(c.1 >= px) + 2 * usize::from(c.2 >= py) + 4 * fi;
            if by_peak[q].is_none_or(|b| d < b.0) {
                by_peak[q] = Some((d, c.0, c.1, c.2, face, c.3, c.4, c.5));
            }
        }
    }
    by_w.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut out: Vec<Cand> = Vec::new();
    for c in by_w {
        if out.len() == 2 {
            break;
        }
        if out
            .iter()
            .all(|f| (f.2 - c.2).hypot(f.3 - c.3) >= 4.0 * st.spacing)
        {
            out.push(c);
        }
    }
    let near = by_peak
        .iter()
        .flatten()
        .map(|b| b.0)
        .fold(f64::INFINITY, f64::min);
    out.extend(
        by_peak
            .into_iter()
            .flatten()
            .filter(|b| b.0 <= near + 3.0 * st.spacing),
    );
    out
}

/// The plate with one more support on each of `cands` in turn: the one with the
/// lowest strain (the first of equals), or `None` without candidates.
/// The trials are independent: each is solved on its own (in parallel), then taken in
/// order.
fn best_trial<'m>(st: &Setup, sup: &Supported<'m>, cands: &[Cand]) -> Option<Supported<'m>> {
    use rayon::prelude::*;
    let trials: Vec<Supported<'m>> = cands
        .par_iter()
        .map(|&(_, _, x, y, face, node, tip_r, part)| {
            let mut extra = sup.extra.clone();
            extra.add_patch(x, y, tip_r);
            let mut all = sup.all.clone();
            all.push(Placed {
                node,
                x,
                y,
                face,
                kind: st.kind_on(face),
                reason: SupportReason::Suggested,
                tip_r,
                part,
            });
            Supported::settled_on(extra, all)
        })
        .collect();
    let mut best: Option<Supported<'m>> = None;
    for trial in trials {
        if best
            .as_ref()
            .is_none_or(|b| trial.sol.max_strain_ue < b.sol.max_strain_ue)
        {
            best = Some(trial);
        }
    }
    best
}

/// Probes to move, and sturdy parts whose height would let a finger press them, when
/// the strain stays over the limit.
fn over_limit(
    fx: &Fixture,
    forces: &[f64],
    [px, py]: [f64; 2],
    supports: &[&Support],
    lid_face: Side,
    s: &MechanicsSettings,
) -> pogo_fixture::StrainOverLimit {
    let nearest_support_mm = supports
        .iter()
        .map(|p| (p.x - px).hypot(p.y - py))
        .fold(f64::INFINITY, f64::min);
    let radius_mm = nearest_support_mm.clamp(2.0 * s.strain_gauge_mm, 20.0);
    // A peak on a support: the probes that support holds (those nearer to it than to
    // any other support of their opposite face); elsewhere the probes round the peak.
    let at_support = supports
        .iter()
        .filter(|p| (p.x - px).hypot(p.y - py) <= s.strain_gauge_mm)
        .min_by(|a, b| {
            (a.x - px)
                .hypot(a.y - py)
                .total_cmp(&(b.x - px).hypot(b.y - py))
        });
    let held_by = |x: f64, y: f64, face: Side| {
        supports
            .iter()
            .filter(|p| p.side == face)
            .min_by(|a, b| {
                (a.x - x)
                    .hypot(a.y - y)
                    .total_cmp(&(b.x - x).hypot(b.y - y))
            })
            .copied()
    };
    let mut near: Vec<(f64, &str, f64)> = fx
        .probes
        .iter()
        .zip(forces)
        .map(|(p, &f)| ((p.x - px).hypot(p.y - py), p, f))
        .filter(|(d, p, _)| match at_support {
            Some(sp) => held_by(p.x, p.y, p.side.opposite()).is_some_and(|h| std::ptr::eq(h, *sp)),
            None => *d <= radius_mm,
        })
        .map(|(d, p, f)| (d, p.id.as_str(), f))
        .collect();
    let radius_mm = near.iter().map(|x| x.0).fold(radius_mm, f64::max);
    near.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(b.1)));
    let mut parts_without_height: Vec<String> = fx
        .board
        .parts
        .iter()
        .filter(|p| {
            p.side == lid_face
                && p.body.is_sturdy()
                && p.height_mm.is_none()
                && !p.courtyard.is_empty()
        })
        .map(|p| p.reference.clone())
        .collect();
    parts_without_height.sort();
    parts_without_height.dedup();
    pogo_fixture::StrainOverLimit {
        probes_to_move: near.iter().map(|x| x.1.to_string()).collect(),
        force_n: near.iter().map(|x| x.2).sum(),
        radius_mm,
        nearest_support_mm: if nearest_support_mm.is_finite() {
            nearest_support_mm
        } else {
            0.0
        },
        parts_without_height,
    }
}

/// The force a support presses the board with, N (negative: it would pull), from its
/// reaction on the plate (+ towards the top face).
fn compressive(p: &Placed, force_on_plate: f64) -> f64 {
    if p.face == Side::Top {
        -force_on_plate
    } else {
        force_on_plate
    }
}

/// Most rounds of switches of the active set before [`settle`] stops (a cycle guard).
const MAX_SETTLE_SWITCHES: usize = 400;

/// Unilateral contact: solves the plate on the supports of `extra` (one per `all`)
/// until every active support pushes and no inactive one is penetrated (the plate's
/// deflection through its face, weighed as its pressure would: the quantity its force
/// works on). The plate is linear and its compliance at the
/// supports positive definite, so that state is unique (a linear complementarity
/// problem with a P-matrix); it is reached by block pivoting (every support that pulls
/// switched off and every penetrated one on again at once), falling back to one switch
/// a round (the one that pulls hardest, else the one the board moves into the most)
/// when the count of such supports stops falling. A support is never switched off when
/// fewer than three would remain (the board would not be held).
fn settle(extra: &mut ExtraSupports, all: &[Placed]) -> (Solution, Vec<f64>) {
    /// A reaction below this pulls, N (a micronewton: below the rounding of a dense
    /// solve over hundreds of supports, where a support carrying nothing could
    /// otherwise be switched off and on for ever).
    const PULL_N: f64 = -1e-6;
    /// A deflection beyond this through a support's face penetrates it, mm.
    const PENETRATION_MM: f64 = 1e-6;
    let (mut switches, mut best, mut stalled) = (0, usize::MAX, 0);
    let mut last: Option<usize> = None;
    // Each round solves for the support forces only (a dense system of one row per
    // support); the plate's field is built once, at the end.
    loop {
        let forces = extra.forces();
        let r = extra.reactions(&forces);
        if switches >= MAX_SETTLE_SWITCHES {
            return (extra.solution(&forces), r);
        }
        let active = (0..all.len()).filter(|&i| extra.is_active(i)).count();
        let mut pulling: Vec<(usize, f64)> = all
            .iter()
            .zip(&r)
            .enumerate()
            .filter(|(i, _)| extra.is_active(*i))
            .map(|(i, (p, &f))| (i, compressive(p, f)))
            .filter(|x| x.1 < PULL_N)
            .collect();
        pulling.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        let mut penetrated: Vec<(usize, f64)> = all
            .iter()
            .enumerate()
            .filter(|(i, _)| !extra.is_active(*i))
            .filter_map(|(i, p)| {
                let w = extra.held_deflection(&forces, i)?;
                let into = if p.face == Side::Top { w } else { -w };
                (into > PENETRATION_MM).then_some((i, into))
            })
            .collect();
        penetrated.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        // Off at most as many as leave three on.
        pulling.truncate(active.saturating_sub(3));
        let wrong = pulling.len() + penetrated.len();
        if wrong == 0 {
            return (extra.solution(&forces), r);
        }
        if wrong < best {
            (best, stalled) = (wrong, 0);
        } else {
            stalled += 1;
        }
        if stalled < 3 {
            for &(i, _) in &pulling {
                extra.set_active(i, false);
            }
            for &(i, _) in &penetrated {
                extra.set_active(i, true);
            }
        } else {
            let (i, on) = match pulling.first() {
                Some(&(i, _)) => (i, false),
                None => (penetrated[0].0, true),
            };
            if last == Some(i) {
                // Switched back and forth: it carries next to nothing either way.
                return (extra.solution(&forces), r);
            }
            extra.set_active(i, on);
            last = Some(i);
        }
        switches += 1;
    }
}

/// Radius of the disk a probe's force is spread over, mm: the radius of the equivalent
/// loaded area that thin-plate theory needs for the bending stress under a load on a
/// small circle of radius `contact_r` (Timoshenko & Woinowsky-Krieger, *Theory of Plates
/// and Shells*, §19: `b = √(1.6 c² + t²) − 0.675 t` for `c < 1.724 t`, else `c`). A tip
/// touching a point (c = 0) still loads a disk of 0.325 t: the plate's thickness spreads
/// the force.
pub fn load_radius_mm(contact_r: f64, thickness: f64) -> f64 {
    let c = contact_r.max(0.0);
    if c < 1.724 * thickness {
        (1.6 * c * c + thickness * thickness).sqrt() - 0.675 * thickness
    } else {
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(node: usize, x: f64, y: f64, reason: SupportReason) -> Placed {
        Placed {
            node,
            x,
            y,
            face: Side::Bottom,
            kind: SupportKind::SupportPost,
            reason,
            tip_r: 1.0,
            part: None,
        }
    }

    /// A 40 x 40 mm FR-4 plate of 4 mm elements, loaded at its centre with 10 N
    /// towards the top face.
    fn square_plate() -> PlateModel {
        let outline = [geom::rect([0.0, 0.0, 40.0, 40.0])];
        let grid = mesh(&outline, [0.0, 0.0, 40.0, 40.0], 4.0, 1.0);
        let material = Material {
            youngs_modulus_mpa: 22_000.0,
            poisson_ratio: 0.15,
            thickness_mm: 1.6,
        };
        let mut model = PlateModel::new(grid, material);
        model.add_patch_load(20.0, 20.0, 0.5, 10.0);
        model
    }

    #[test]
    fn mesh_keeps_the_cells_on_the_board() {
        // An L: the 20 x 20 square without its 10 x 10 corner at (10..20, 0..10).
        let l = PolygonMm {
            outer: vec![
                pogo_geom::PointMm::new(0.0, 0.0),
                pogo_geom::PointMm::new(10.0, 0.0),
                pogo_geom::PointMm::new(10.0, 10.0),
                pogo_geom::PointMm::new(20.0, 10.0),
                pogo_geom::PointMm::new(20.0, 20.0),
                pogo_geom::PointMm::new(0.0, 20.0),
            ],
            holes: Vec::new(),
        };
        let g = mesh(&[l], [0.0, 0.0, 20.0, 20.0], 3.0, 1.0);
        // Lines on the notch's edges (x = 10, y = 10), each half split into 4 cells of
        // 2.5 mm (at most 3).
        assert_eq!((g.nx, g.ny), (8, 8));
        assert_eq!(g.xs[4], 10.0);
        assert_eq!(g.ys, [0.0, 2.5, 5.0, 7.5, 10.0, 12.5, 15.0, 17.5, 20.0]);
        assert!(g.is_active(0, 0) && g.is_active(7, 7));
        assert!(
            !g.is_active(4, 0),
            "cell (10..12.5, 0..2.5) is in the notch"
        );
        // 64 cells less the 4 x 4 of the notch: the cells are exactly the board.
        assert_eq!(g.active.iter().filter(|&&a| a).count(), 64 - 16);
        let pieces = pieces(&g);
        assert_eq!(pieces.len(), 1);
        assert_eq!(
            piece_corners(&g, &pieces[0]),
            [(0.0, 0.0), (20.0, 0.0), (20.0, 20.0), (0.0, 20.0)]
        );
    }

    /// Two 40 x 20 mm boards 20 mm apart, joined by a tab 3 mm wide across the gap.
    fn tabbed() -> PolygonMm {
        let pts = [
            (0.0, 0.0),
            (40.0, 0.0),
            (40.0, 8.5),
            (60.0, 8.5),
            (60.0, 0.0),
            (100.0, 0.0),
            (100.0, 20.0),
            (60.0, 20.0),
            (60.0, 11.5),
            (40.0, 11.5),
            (40.0, 20.0),
            (0.0, 20.0),
        ];
        PolygonMm {
            outer: pts
                .iter()
                .map(|&(x, y)| pogo_geom::PointMm::new(x, y))
                .collect(),
            holes: Vec::new(),
        }
    }

    /// Tip deflection of the grid clamped along x = 0 under 1 N at (99.9, 10), mm.
    fn cantilever_tip_mm(grid: Grid) -> f64 {
        let material = Material {
            youngs_modulus_mpa: 22_000.0,
            poisson_ratio: 0.15,
            thickness_mm: 1.6,
        };
        let mut model = PlateModel::new(grid, material);
        for j in 0..=model.grid.ny {
            if let Some(k) = model.node(0, j) {
                model.fix(k, crate::plate::Fix::All);
            }
        }
        model.add_load(99.9, 10.0, 1.0);
        let (_, sol) = model.solve().unwrap();
        model.deflection_at(&sol, 99.9, 10.0).unwrap()
    }

    #[test]
    fn mesh_follows_a_tab_and_the_tab_carries_the_load_like_a_beam() {
        let board = [tabbed()];
        let g = mesh(&board, [0.0, 0.0, 100.0, 20.0], 2.0, 1.0);
        // Lines on the tab's sides: the gap is inactive except the tab's cells.
        assert!(g.ys.contains(&8.5) && g.ys.contains(&11.5));
        // The tab is two rows of 1.5 mm (at most 2).
        let gap_i = g.cell_at(50.0, 10.0).unwrap().0;
        for j in 0..g.ny {
            let in_tab = (8.5..11.5).contains(&g.cell_centre(gap_i, j).1);
            assert_eq!(g.is_active(gap_i, j), in_tab, "row {j}");
        }
        assert_eq!((0..g.ny).filter(|&j| g.is_active(gap_i, j)).count(), 2);
        assert_eq!(pieces(&g).len(), 1, "the tab joins the two boards");
        // A cantilever of three beams (E t³ w / 12: the boards 20 mm wide, the tab 3
        // mm), clamped at x = 0, 1 N at x = 100: δ = 12 / (E t³) ∫ (100 - x)² / w dx.
        let e_t3 = 22_000.0 * 1.6f64.powi(3);
        let part = |a: f64, b: f64, w: f64| ((100.0 - a).powi(3) - (100.0 - b).powi(3)) / 3.0 / w;
        let beam =
            12.0 / e_t3 * (part(0.0, 40.0, 20.0) + part(40.0, 60.0, 3.0) + part(60.0, 100.0, 20.0));
        let plate = cantilever_tip_mm(g);
        // The same boards with the gap ignored (every cell of the box on the board).
        let whole = Grid::uniform(0.0, 0.0, 2.0, 50, 10, vec![true; 500]);
        let bridged = cantilever_tip_mm(whole);
        eprintln!("tab: plate {plate:.3} mm, beams {beam:.3} mm; gap ignored {bridged:.3} mm");
        assert!((plate / beam - 1.0).abs() < 0.1, "{plate} vs {beam}");
        assert!(plate > 1.5 * bridged, "{plate} vs {bridged}");
    }

    #[test]
    fn two_pieces_have_their_own_corners() {
        let outline = [
            geom::rect([0.0, 0.0, 8.0, 8.0]),
            geom::rect([12.0, 0.0, 20.0, 4.0]),
        ];
        let g = mesh(&outline, [0.0, 0.0, 20.0, 8.0], 2.0, 1.0);
        let pieces = pieces(&g);
        assert_eq!(pieces.len(), 2);
        assert_eq!(
            piece_corners(&g, &pieces[1]),
            [(12.0, 0.0), (20.0, 0.0), (20.0, 4.0), (12.0, 4.0)]
        );
    }

    #[test]
    fn taken_keeps_tips_one_and_a_half_diameters_apart() {
        let placed = [post(0, 10.0, 10.0, SupportReason::Corner)];
        // Tips of radius 1 and 2: centres 4.5 mm apart at least.
        assert!(taken(&placed, 14.4, 10.0, 2.0));
        assert!(!taken(&placed, 14.6, 10.0, 2.0));
        assert!(!taken(&[], 10.0, 10.0, 2.0));
    }

    #[test]
    fn anchored_puts_corner_and_edge_supports_first() {
        let mut model = square_plate();
        let placed = [
            post(1, 0.0, 0.0, SupportReason::Cluster),
            post(2, 4.0, 0.0, SupportReason::Corner),
            post(3, 8.0, 0.0, SupportReason::Cluster),
            post(4, 12.0, 0.0, SupportReason::Edge),
        ];
        let order: Vec<usize> = anchored(&mut model, &placed)
            .iter()
            .map(|p| p.node)
            .collect();
        assert_eq!(order, [2, 4, 1, 3]);
    }

    #[test]
    fn settled_supports_only_push_and_carry_the_load() {
        let mut model = square_plate();
        // Four posts near the corners and one far off the load's side: 10 N pushes the
        // board towards the top face, so posts on the bottom face would pull.
        let corners = [(2.0, 2.0), (38.0, 2.0), (38.0, 38.0), (2.0, 38.0)];
        let mut all: Vec<Placed> = corners
            .iter()
            .map(|&(x, y)| {
                let (_, _, k) = model.nearest_node(x, y).unwrap();
                Placed {
                    face: Side::Top,
                    kind: SupportKind::PushFinger,
                    ..post(k, x, y, SupportReason::Corner)
                }
            })
            .collect();
        let (_, _, k) = model.nearest_node(20.0, 30.0).unwrap();
        all.push(post(k, 20.0, 30.0, SupportReason::Cluster));
        let all = anchored(&mut model, &all);
        let (fact, _) = model.solve().unwrap();
        let sup = Supported::settled(&model, &fact, all);
        let touching = sup.touching();
        assert_eq!(touching.len(), 4, "the post under the pushed board lets go");
        let pressed: f64 = touching.iter().map(|(p, r)| compressive(p, *r)).sum();
        assert!(touching.iter().all(|(p, r)| compressive(p, *r) > 0.0));
        assert!((pressed - 10.0).abs() < 1e-6, "{pressed}");
        assert_eq!(sup.suggested_count(), 0);
    }

    #[test]
    fn finger_sizes_step_down_to_the_smallest() {
        let mut s = MechanicsSettings::default();
        assert_eq!(finger_sizes_mm(&s), vec![4.0, 3.0, 2.0]);
        s.push_finger_min_diameter_mm = 2.5;
        assert_eq!(finger_sizes_mm(&s), vec![4.0, 3.0, 2.5]);
        s.push_finger_min_diameter_mm = 4.0;
        assert_eq!(finger_sizes_mm(&s), vec![4.0]);
        s.push_finger_min_diameter_mm = 9.0; // larger than the finger: the finger only
        assert_eq!(finger_sizes_mm(&s), vec![4.0]);
    }

    /// The k-means rounds as they ran before they stopped early: 25 rounds, each point
    /// to the first nearest centre by `min_by`.
    fn clusters_all_rounds(points: &[(f64, f64, f64)], k: usize) -> Vec<(f64, f64)> {
        let k = k.min(points.len());
        let d2 = |p: &(f64, f64, f64), c: (f64, f64)| (p.0 - c.0).powi(2) + (p.1 - c.1).powi(2);
        let mut centres = farthest_point_start(points, k);
        for _ in 0..25 {
            let mut sums = vec![(0.0, 0.0, 0.0); k];
            for p in points {
                let c = (0..k)
                    .min_by(|&a, &b| d2(p, centres[a]).total_cmp(&d2(p, centres[b])))
                    .unwrap();
                sums[c].0 += p.0 * p.2;
                sums[c].1 += p.1 * p.2;
                sums[c].2 += p.2;
            }
            for (c, s) in centres.iter_mut().zip(&sums) {
                if s.2 > 0.0 {
                    *c = (s.0 / s.2, s.1 / s.2);
                }
            }
        }
        centres
    }

    #[test]
    fn clusters_that_stop_early_are_the_clusters_of_every_round() {
        let mut rng = pogo_testdata::Xorshift(0x9e37_79b9_7f4a_7c15);
        let mut unit = move || rng.unit();
        for (n, k) in [(1, 1), (7, 3), (200, 13), (1500, 90)] {
            // Probes on a 0.5 mm pitch (ties between centres) with forces 1-3 N.
            let points: Vec<(f64, f64, f64)> = (0..n)
                .map(|_| {
                    let x = (unit() * 400.0).round() * 0.5;
                    let y = (unit() * 200.0).round() * 0.5;
                    (x, y, 1.0 + 2.0 * unit())
                })
                .collect();
            let got = clusters(&points, k);
            let want = clusters_all_rounds(&points, k);
            let bits = |c: &[(f64, f64)]| -> Vec<(u64, u64)> {
                c.iter().map(|p| (p.0.to_bits(), p.1.to_bits())).collect()
            };
            assert_eq!(bits(&got), bits(&want), "{n} points, {k} clusters");
        }
    }
}
