//! Kirchhoff thin-plate finite elements on a square grid: the board as a plate.
//!
//! Elements are ACM (Adini-Clough-Melosh) rectangles: four corner nodes with three
//! degrees of freedom each (deflection `w` and slopes `w_x`, `w_y`), cubic edges and the
//! 12-term polynomial `1, x, y, x², xy, y², x³, x²y, xy², y³, x³y, xy³`. The element is
//! non-conforming but passes the patch test and converges for rectangles (Zienkiewicz &
//! Taylor, *The Finite Element Method*, vol. 2, ch. 4). Free edges need nothing (natural
//! boundary conditions).
//!
//! Loads and supports have a size. A load is spread uniformly over a disk
//! ([`PlateModel::add_patch_load`]; consistent nodal forces by a polar midpoint rule, so
//! the same disk loads any mesh the same way). A support is a patch through which the
//! plate is pushed with a uniform pressure of unknown total force, holding the mean
//! deflection under it at zero ([`ExtraSupports::add_patch`]): a push finger's tip. In
//! Kirchhoff theory the curvature under a point force grows like `ln(1/r)`: point loads
//! and point supports make the peak strain grow without bound as the mesh is refined,
//! patches do not.
//!
//! Strain is read the way a strain gauge reads it ([`PlateModel::set_gauge`]): the surface
//! strain tensor averaged over a square of the gauge's size, then its largest principal
//! value; the figure reported is the largest reading over gauge positions on every load,
//! every support and every element of high strain. Where the elements are too large to
//! resolve the pressure under the gauge, [`PlateModel::zoom_gauge`] reads it from a
//! submodel: the square round the reading, fine elements, the same loads and the known
//! support reactions, its cut boundary held at the board model's deflection and slopes.
//!
//! The global stiffness matrix is banded (nodes numbered along the grid's shorter
//! direction first) and factored once by banded LDLᵀ; supports added afterwards are
//! imposed by the capacitance (influence-function) method, one back-substitution each. A
//! free board's base system is made solvable by springs at a few anchor nodes
//! ([`PlateModel::anchor`]), cancelled exactly when the supports are added.
//!
//! Units: mm, N, MPa (N/mm²).

// Index loops read best in this numeric code.
#![allow(clippy::needless_range_loop)]

/// Linear elastic, isotropic plate material and thickness.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Material {
    /// Young's modulus, MPa (N/mm²).
    pub youngs_modulus_mpa: f64,
    /// Poisson's ratio.
    pub poisson_ratio: f64,
    /// Plate thickness, mm.
    pub thickness_mm: f64,
}

impl Material {
    /// Flexural rigidity `D = E t³ / 12 (1 - ν²)`, N·mm.
    pub fn flexural_rigidity(&self) -> f64 {
        let t = self.thickness_mm;
        self.youngs_modulus_mpa * t * t * t
            / (12.0 * (1.0 - self.poisson_ratio * self.poisson_ratio))
    }
}

/// A grid of square cells of edge `h`, some active (inside the board).
#[derive(Debug, Clone)]
pub struct Grid {
    /// Page x of the grid's left edge, mm.
    pub x0: f64,
    /// Page y of the grid's top edge, mm.
    pub y0: f64,
    /// Cell edge, mm.
    pub h: f64,
    /// Cells across.
    pub nx: usize,
    /// Cells down.
    pub ny: usize,
    /// `nx * ny`, cell (i, j) at `j * nx + i`.
    pub active: Vec<bool>,
}

impl Grid {
    /// Page position of grid node (i, j) (the top left corner of cell (i, j)).
    pub fn node_xy(&self, i: usize, j: usize) -> (f64, f64) {
        (self.x0 + i as f64 * self.h, self.y0 + j as f64 * self.h)
    }
    /// Page position of the centre of cell (i, j).
    pub fn cell_centre(&self, i: usize, j: usize) -> (f64, f64) {
        (
            self.x0 + (i as f64 + 0.5) * self.h,
            self.y0 + (j as f64 + 0.5) * self.h,
        )
    }
    /// Whether cell (i, j) lies on the board.
    pub fn is_active(&self, i: usize, j: usize) -> bool {
        self.active[j * self.nx + i]
    }
    /// The active cell holding (x, y), if any.
    pub fn cell_at(&self, x: f64, y: f64) -> Option<(usize, usize)> {
        let fi = ((x - self.x0) / self.h).floor();
        let fj = ((y - self.y0) / self.h).floor();
        if fi < 0.0 || fj < 0.0 {
            return None;
        }
        let (i, j) = (fi as usize, fj as usize);
        (i < self.nx && j < self.ny && self.is_active(i, j)).then_some((i, j))
    }
}

/// The element stiffness and helpers of one square ACM element of edge `h`.
#[derive(Clone)]
struct Element {
    /// 12 x 12 stiffness, row-major; DOF order: node (0,0), (h,0), (h,h), (0,h), each
    /// (w, w_x, w_y).
    k: [[f64; 12]; 12],
    /// Inverse of the nodal interpolation matrix: coefficients = c · u_e.
    c: [[f64; 12]; 12],
    h: f64,
}

/// The ACM element's 12 polynomial terms at (x, y): 1, x, y, x², xy, y², x³, x²y, xy²,
/// y³, x³y, xy³.
#[rustfmt::skip]
fn poly(x: f64, y: f64) -> [f64; 12] {
    [1.0, x, y, x * x, x * y, y * y, x * x * x, x * x * y, x * y * y, y * y * y,
     x * x * x * y, x * y * y * y]
}

/// Their derivatives along x.
#[rustfmt::skip]
fn poly_dx(x: f64, y: f64) -> [f64; 12] {
    [0.0, 1.0, 0.0, 2.0 * x, y, 0.0, 3.0 * x * x, 2.0 * x * y, y * y, 0.0,
     3.0 * x * x * y, y * y * y]
}

/// Their derivatives along y.
#[rustfmt::skip]
fn poly_dy(x: f64, y: f64) -> [f64; 12] {
    [0.0, 0.0, 1.0, 0.0, x, 2.0 * y, 0.0, x * x, 2.0 * x * y, 3.0 * y * y,
     x * x * x, 3.0 * x * y * y]
}

/// Rows w_xx, w_yy, 2 w_xy of the polynomial.
#[rustfmt::skip]
fn poly_curv(x: f64, y: f64) -> [[f64; 12]; 3] {
    [
        [0.0, 0.0, 0.0, 2.0, 0.0, 0.0, 6.0 * x, 2.0 * y, 0.0, 0.0, 6.0 * x * y, 0.0],
        [0.0, 0.0, 0.0, 0.0, 0.0, 2.0, 0.0, 0.0, 2.0 * x, 6.0 * y, 0.0, 6.0 * x * y],
        [0.0, 0.0, 0.0, 0.0, 2.0, 0.0, 0.0, 4.0 * x, 4.0 * y, 0.0, 6.0 * x * x, 6.0 * y * y],
    ]
}

fn invert12(a: [[f64; 12]; 12]) -> [[f64; 12]; 12] {
    let mut m = a;
    let mut inv = [[0.0; 12]; 12];
    for (i, row) in inv.iter_mut().enumerate() {
        row[i] = 1.0;
    }
    for col in 0..12 {
        let piv = (col..12)
            .max_by(|&p, &q| m[p][col].abs().total_cmp(&m[q][col].abs()))
            .unwrap_or(col);
        m.swap(col, piv);
        inv.swap(col, piv);
        let d = m[col][col];
        for k in 0..12 {
            m[col][k] /= d;
            inv[col][k] /= d;
        }
        for r in 0..12 {
            if r != col {
                let f = m[r][col];
                if f != 0.0 {
                    for k in 0..12 {
                        m[r][k] -= f * m[col][k];
                        inv[r][k] -= f * inv[col][k];
                    }
                }
            }
        }
    }
    inv
}

const CORNERS: [(f64, f64); 4] = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)];

impl Element {
    fn new(h: f64, mat: &Material) -> Element {
        let mut a = [[0.0; 12]; 12];
        for (n, (cx, cy)) in CORNERS.iter().enumerate() {
            let (x, y) = (cx * h, cy * h);
            a[3 * n] = poly(x, y);
            a[3 * n + 1] = poly_dx(x, y);
            a[3 * n + 2] = poly_dy(x, y);
        }
        let c = invert12(a);
        let d = mat.flexural_rigidity();
        let nu = mat.poisson_ratio;
        let dm = [
            [d, d * nu, 0.0],
            [d * nu, d, 0.0],
            [0.0, 0.0, d * (1.0 - nu) / 2.0],
        ];
        // ∫ Bpᵀ Dm Bp over the square, 3 x 3 Gauss (exact: integrand of degree 4).
        let g = [
            (0.5 - 0.5 * 0.6f64.sqrt(), 5.0 / 9.0),
            (0.5, 8.0 / 9.0),
            (0.5 + 0.5 * 0.6f64.sqrt(), 5.0 / 9.0),
        ];
        let mut kp = [[0.0; 12]; 12];
        for &(gx, wx) in &g {
            for &(gy, wy) in &g {
                let b = poly_curv(gx * h, gy * h);
                let w = wx * wy * h * h / 4.0;
                for p in 0..12 {
                    for q in 0..12 {
                        let mut s = 0.0;
                        for r in 0..3 {
                            for t in 0..3 {
                                s += b[r][p] * dm[r][t] * b[t][q];
                            }
                        }
                        kp[p][q] += w * s;
                    }
                }
            }
        }
        // K = Cᵀ Kp C
        let mut tmp = [[0.0; 12]; 12];
        for p in 0..12 {
            for q in 0..12 {
                tmp[p][q] = (0..12).map(|r| kp[p][r] * c[r][q]).sum();
            }
        }
        let mut k = [[0.0; 12]; 12];
        for p in 0..12 {
            for q in 0..12 {
                k[p][q] = (0..12).map(|r| c[r][p] * tmp[r][q]).sum();
            }
        }
        Element { k, c, h }
    }

    /// Shape function values (12) at local point (x, y) in [0, h]².
    fn shape(&self, x: f64, y: f64) -> [f64; 12] {
        let p = poly(x, y);
        let mut n = [0.0; 12];
        for (q, nq) in n.iter_mut().enumerate() {
            *nq = (0..12).map(|r| p[r] * self.c[r][q]).sum();
        }
        n
    }

    /// Polynomial coefficients of the deflection for element DOFs `u`.
    fn coefficients(&self, u: &[f64; 12]) -> [f64; 12] {
        let mut coef = [0.0; 12];
        for (r, cr) in coef.iter_mut().enumerate() {
            *cr = (0..12).map(|q| self.c[r][q] * u[q]).sum();
        }
        coef
    }
}

/// A symmetric positive definite band matrix factored as L D Lᵀ in place.
struct Band {
    n: usize,
    bw: usize,
    /// Row i holds columns i..=i+bw.
    a: Vec<f64>,
}

impl Band {
    fn new(n: usize, bw: usize) -> Band {
        Band {
            n,
            bw,
            a: vec![0.0; n * (bw + 1)],
        }
    }
    fn add(&mut self, i: usize, j: usize, v: f64) {
        let (i, j) = if i <= j { (i, j) } else { (j, i) };
        debug_assert!(j - i <= self.bw);
        self.a[i * (self.bw + 1) + (j - i)] += v;
    }
    fn factor(&mut self) -> Result<(), usize> {
        let (n, bw, w) = (self.n, self.bw, self.bw + 1);
        for k in 0..n {
            let pivot = self.a[k * w];
            if pivot.is_nan() || pivot <= 0.0 || !pivot.is_finite() {
                return Err(k);
            }
            let lim = (k + bw).min(n - 1);
            for i in k + 1..=lim {
                let aki = self.a[k * w + (i - k)];
                if aki == 0.0 {
                    continue;
                }
                let f = aki / pivot;
                let (head, tail) = self.a.split_at_mut(i * w);
                let krow = &head[k * w..k * w + w];
                let irow = &mut tail[..w];
                for j in i..=lim {
                    irow[j - i] -= f * krow[j - k];
                }
            }
            for i in k + 1..=lim {
                self.a[k * w + (i - k)] /= pivot;
            }
        }
        Ok(())
    }
    fn solve(&self, b: &mut [f64]) {
        let (n, bw, w) = (self.n, self.bw, self.bw + 1);
        for k in 0..n {
            let lim = (k + bw).min(n - 1);
            let bk = b[k];
            if bk != 0.0 {
                for i in k + 1..=lim {
                    b[i] -= self.a[k * w + (i - k)] * bk;
                }
            }
        }
        for k in 0..n {
            b[k] /= self.a[k * w];
        }
        for k in (0..n).rev() {
            let lim = (k + bw).min(n - 1);
            let mut s = b[k];
            for i in k + 1..=lim {
                s -= self.a[k * w + (i - k)] * b[i];
            }
            b[k] = s;
        }
    }
}

/// Which degrees of freedom a constraint fixes at a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fix {
    /// Deflection only (a point support, a push finger).
    W,
    /// Deflection and slope along x (`w_x`): a simply supported edge along x.
    WAndSlopeX,
    /// Deflection and slope along y (`w_y`).
    WAndSlopeY,
    /// Every degree of freedom (a clamp).
    All,
}

/// The plate model: grid, material, loads and supports, before solving.
pub struct PlateModel {
    /// The mesh.
    pub grid: Grid,
    /// The board's material.
    pub material: Material,
    /// Node (i, j) -> global node number (or usize::MAX when the node is inactive).
    node_no: Vec<usize>,
    nodes: usize,
    /// The element of this grid and material (all elements are the same square).
    el: Element,
    /// Loads: (x, y, radius mm, force N + towards the top face), spread uniformly over
    /// the disk of that radius (a point load when the radius is 0).
    loads: Vec<(f64, f64, f64, f64)>,
    fixes: Vec<(usize, Fix)>,
    /// Nodes held by a spring in the factored base system only (see [`PlateModel::anchor`]).
    anchors: Vec<usize>,
    /// Side of the square strain gauge the reported strain is averaged over, mm (0: the
    /// largest element-centre strain is reported).
    gauge_mm: f64,
}

/// A solved plate.
pub struct Solution {
    /// Global DOFs.
    pub u: Vec<f64>,
    /// Per active cell (i, j, centre strain microstrain, centre deflection mm).
    pub cells: Vec<CellResult>,
    /// The largest surface strain, microstrain: the largest gauge reading (strain
    /// averaged over the gauge square, principal value of the mean strain tensor) when
    /// the model has a gauge ([`PlateModel::set_gauge`]), else the largest element-centre
    /// strain.
    pub max_strain_ue: f64,
    /// Where it occurs: the gauge centre (or the element centre), page mm.
    pub max_strain_at: (f64, f64),
    /// The largest element-centre strain, microstrain (mesh dependent next to loads and
    /// supports; kept for comparison).
    pub max_centre_strain_ue: f64,
    /// The largest deflection (absolute), mm.
    pub max_deflection_mm: f64,
    /// Per cell (`j * nx + i`) polynomial coefficients of the deflection.
    coef: Vec<[f64; 12]>,
    /// The largest gauge readings at points at least a gauge apart, largest first:
    /// (µε, x, y); empty without a gauge.
    pub peaks: Vec<(f64, f64, f64)>,
}

/// The result at one cell's centre.
#[derive(Debug, Clone, Copy)]
pub struct CellResult {
    /// Cell column.
    pub i: usize,
    /// Cell row.
    pub j: usize,
    /// Surface strain at the centre, microstrain.
    pub strain_ue: f64,
    /// Deflection at the centre, mm.
    pub deflection_mm: f64,
}

/// The factored base system: kept to add supports by the capacitance method.
pub struct Factored {
    band: Band,
    base_u: Vec<f64>,
    fixed: Vec<bool>,
    /// Anchor springs of the base system: (DOF, stiffness, influence column A⁻¹ e).
    springs: Vec<(usize, f64, Vec<f64>)>,
}

/// Sorted (DOF, value) pairs of a sparse vector.
pub type SparseVec = Vec<(usize, f64)>;

impl PlateModel {
    /// The unloaded, unsupported plate over the active cells of `grid`.
    pub fn new(grid: Grid, material: Material) -> PlateModel {
        let (nx, ny) = (grid.nx, grid.ny);
        let mut used = vec![false; (nx + 1) * (ny + 1)];
        for j in 0..ny {
            for i in 0..nx {
                if grid.is_active(i, j) {
                    for (di, dj) in [(0, 0), (1, 0), (1, 1), (0, 1)] {
                        used[(j + dj) * (nx + 1) + i + di] = true;
                    }
                }
            }
        }
        // Number along the shorter direction first (narrow band).
        let mut node_no = vec![usize::MAX; used.len()];
        let mut count = 0;
        if nx <= ny {
            for j in 0..=ny {
                for i in 0..=nx {
                    if used[j * (nx + 1) + i] {
                        node_no[j * (nx + 1) + i] = count;
                        count += 1;
                    }
                }
            }
        } else {
            for i in 0..=nx {
                for j in 0..=ny {
                    if used[j * (nx + 1) + i] {
                        node_no[j * (nx + 1) + i] = count;
                        count += 1;
                    }
                }
            }
        }
        let el = Element::new(grid.h, &material);
        PlateModel {
            grid,
            material,
            node_no,
            nodes: count,
            el,
            loads: Vec::new(),
            fixes: Vec::new(),
            anchors: Vec::new(),
            gauge_mm: 0.0,
        }
    }

    /// Number of degrees of freedom (three per node).
    pub fn dofs(&self) -> usize {
        3 * self.nodes
    }

    /// Global node number of grid node (i, j), if it belongs to an active cell.
    pub fn node(&self, i: usize, j: usize) -> Option<usize> {
        let k = self.node_no[j * (self.grid.nx + 1) + i];
        (k != usize::MAX).then_some(k)
    }

    /// The active node nearest to (x, y), with its grid indices.
    pub fn nearest_node(&self, x: f64, y: f64) -> Option<(usize, usize, usize)> {
        let g = &self.grid;
        let ci = ((x - g.x0) / g.h).round().clamp(0.0, g.nx as f64) as usize;
        let cj = ((y - g.y0) / g.h).round().clamp(0.0, g.ny as f64) as usize;
        if let Some(k) = self.node(ci, cj) {
            return Some((ci, cj, k));
        }
        let mut best: Option<(f64, usize, usize, usize)> = None;
        for j in 0..=g.ny {
            for i in 0..=g.nx {
                if let Some(k) = self.node(i, j) {
                    let (nx_, ny_) = g.node_xy(i, j);
                    let d = (nx_ - x).hypot(ny_ - y);
                    if best.is_none_or(|b| d < b.0) {
                        best = Some((d, i, j, k));
                    }
                }
            }
        }
        best.map(|(_, i, j, k)| (i, j, k))
    }

    /// A point load, N (+ towards the top face).
    pub fn add_load(&mut self, x: f64, y: f64, force_n: f64) {
        self.loads.push((x, y, 0.0, force_n));
    }

    /// A load spread uniformly over the disk of `radius_mm` round (x, y) (the part of it
    /// on the board), N (+ towards the top face).
    pub fn add_patch_load(&mut self, x: f64, y: f64, radius_mm: f64, force_n: f64) {
        self.loads.push((x, y, radius_mm.max(0.0), force_n));
    }

    /// Fixes degrees of freedom at `node`.
    pub fn fix(&mut self, node: usize, what: Fix) {
        self.fixes.push((node, what));
    }

    /// Holds `node`'s deflection by a spring in the factored base system only: the
    /// spring makes a free plate's base system solvable and is cancelled exactly in every
    /// [`ExtraSupports::solve`] (which must then add supports that hold the plate).
    pub fn anchor(&mut self, node: usize) {
        if !self.anchors.contains(&node) {
            self.anchors.push(node);
        }
    }

    /// Reports strain as a strain gauge of `side_mm` x `side_mm` would read it (mean
    /// strain over the square, then its principal value), the largest reading over
    /// gauge positions centred on loads, supports and high-strain elements. 0 turns the
    /// gauge off (largest element-centre strain).
    pub fn set_gauge(&mut self, side_mm: f64) {
        self.gauge_mm = side_mm.max(0.0);
    }

    fn cell_dofs(&self, i: usize, j: usize) -> [usize; 12] {
        let mut d = [0; 12];
        for (n, (di, dj)) in [(0, 0), (1, 0), (1, 1), (0, 1)].iter().enumerate() {
            let k = self
                .node(i + di, j + dj)
                .expect("active cell nodes are numbered");
            d[3 * n] = 3 * k;
            d[3 * n + 1] = 3 * k + 1;
            d[3 * n + 2] = 3 * k + 2;
        }
        d
    }

    /// The active cell for a point load at (x, y): the cell holding it, else a cell
    /// touching the nearest active node.
    fn load_cell(&self, x: f64, y: f64) -> Option<(usize, usize)> {
        let g = &self.grid;
        g.cell_at(x, y).or_else(|| {
            let (ni, nj, _) = self.nearest_node(x, y)?;
            [(0, 0), (1, 0), (0, 1), (1, 1)].iter().find_map(|&(a, b)| {
                let (ci, cj) = (ni.checked_sub(a)?, nj.checked_sub(b)?);
                (ci < g.nx && cj < g.ny && g.is_active(ci, cj)).then_some((ci, cj))
            })
        })
    }

    /// The consistent nodal load vector of a unit force spread uniformly over the disk of
    /// `radius` round (x, y): the part of the disk on the board carries the whole force
    /// (a point force when the disk is small against the element or lies off the board).
    pub fn spread(&self, x: f64, y: f64, radius: f64) -> SparseVec {
        let g = &self.grid;
        let mut out: SparseVec = Vec::new();
        let add_point = |out: &mut SparseVec, (i, j): (usize, usize), px: f64, py: f64, w| {
            let (ox, oy) = g.node_xy(i, j);
            let sh = self
                .el
                .shape((px - ox).clamp(0.0, g.h), (py - oy).clamp(0.0, g.h));
            let d = self.cell_dofs(i, j);
            for p in 0..12 {
                out.push((d[p], w * sh[p]));
            }
        };
        let mut kept = 0.0;
        if radius >= g.h / 16.0 {
            // Midpoint rule in polar coordinates: rings at most h/4 apart, points on a
            // ring about as far apart as the rings; the weights add up to 1 exactly.
            let dr_max = (g.h / 4.0).min(radius / 2.0);
            let rings = (radius / dr_max).ceil() as usize;
            let dr = radius / rings as f64;
            for k in 0..rings {
                let rho = (k as f64 + 0.5) * dr;
                let n = ((2.0 * std::f64::consts::PI * rho / dr).ceil() as usize).max(6);
                let w = 2.0 * rho * dr / (n as f64 * radius * radius);
                for a in 0..n {
                    let t = 2.0 * std::f64::consts::PI * (a as f64 + 0.5) / n as f64;
                    let (px, py) = (x + rho * t.cos(), y + rho * t.sin());
                    if let Some(cell) = g.cell_at(px, py) {
                        add_point(&mut out, cell, px, py, w);
                        kept += w;
                    }
                }
            }
        }
        if kept < 1e-9 {
            out.clear();
            kept = 1.0;
            if let Some(cell) = self.load_cell(x, y) {
                add_point(&mut out, cell, x, y, 1.0);
            }
        }
        out.sort_unstable_by_key(|e| e.0);
        let mut merged: SparseVec = Vec::with_capacity(out.len().min(64));
        for (d, v) in out {
            match merged.last_mut() {
                Some(last) if last.0 == d => last.1 += v / kept,
                _ => merged.push((d, v / kept)),
            }
        }
        merged
    }

    /// Assembles, factors and solves the base system (loads, fixes and anchors given so
    /// far). A tiny elastic foundation keeps a piece without supports from being
    /// singular.
    pub fn solve(&self) -> Result<(Factored, Solution), String> {
        self.solve_prescribed(&[])
    }

    /// [`PlateModel::solve`] with DOFs held at given values (DOF, value): a submodel's
    /// cut boundary.
    fn solve_prescribed(
        &self,
        prescribed: &[(usize, f64)],
    ) -> Result<(Factored, Solution), String> {
        let g = &self.grid;
        let el = &self.el;
        let n = self.dofs();
        if n == 0 {
            return Err("the board outline covers no grid cell".into());
        }
        let mut fixed = vec![false; n];
        let mut value = vec![0.0; n];
        for &(d, v) in prescribed {
            fixed[d] = true;
            value[d] = v;
        }
        for &(node, what) in &self.fixes {
            let b = 3 * node;
            match what {
                Fix::W => fixed[b] = true,
                Fix::WAndSlopeX => {
                    fixed[b] = true;
                    fixed[b + 1] = true
                }
                Fix::WAndSlopeY => {
                    fixed[b] = true;
                    fixed[b + 2] = true
                }
                Fix::All => {
                    fixed[b] = true;
                    fixed[b + 1] = true;
                    fixed[b + 2] = true
                }
            }
        }
        // Bandwidth from the element connectivity.
        let mut bw = 0;
        let mut cells = Vec::new();
        for j in 0..g.ny {
            for i in 0..g.nx {
                if g.is_active(i, j) {
                    let d = self.cell_dofs(i, j);
                    let (lo, hi) = (
                        d.iter().min().copied().unwrap_or(0),
                        d.iter().max().copied().unwrap_or(0),
                    );
                    bw = bw.max(hi - lo);
                    cells.push((i, j, d));
                }
            }
        }
        let mut band = Band::new(n, bw);
        let diag_scale = el.k[0][0];
        let mut f = vec![0.0; n];
        for (_, _, d) in &cells {
            for p in 0..12 {
                if fixed[d[p]] {
                    continue;
                }
                if !prescribed.is_empty() {
                    for q in 0..12 {
                        if fixed[d[q]] {
                            f[d[p]] -= el.k[p][q] * value[d[q]];
                        }
                    }
                }
                for q in p..12 {
                    if fixed[d[q]] {
                        continue;
                    }
                    let v = el.k[p][q];
                    if d[p] == d[q] && p != q {
                        band.add(d[p], d[q], 2.0 * v);
                    } else {
                        band.add(d[p], d[q], v);
                    }
                }
            }
        }
        let foundation = diag_scale * 1e-12;
        for k in 0..n {
            if fixed[k] {
                band.add(k, k, diag_scale);
            } else if k % 3 == 0 {
                band.add(k, k, foundation);
            }
        }
        let springs: Vec<usize> = self
            .anchors
            .iter()
            .map(|&k| 3 * k)
            .filter(|&d| !fixed[d])
            .collect();
        for &d in &springs {
            band.add(d, d, diag_scale);
        }
        for &(x, y, radius, force) in &self.loads {
            for (d, v) in self.spread(x, y, radius) {
                f[d] += force * v;
            }
        }
        for k in 0..n {
            if fixed[k] {
                // The row holds only `diag_scale`: the solve returns the value.
                f[k] = diag_scale * value[k];
            }
        }
        band.factor()
            .map_err(|k| format!("plate stiffness matrix is not positive definite at DOF {k}"))?;
        band.solve(&mut f);
        let springs = springs
            .into_iter()
            .map(|d| {
                let mut e = vec![0.0; n];
                e[d] = 1.0;
                band.solve(&mut e);
                (d, diag_scale, e)
            })
            .collect();
        let fact = Factored {
            band,
            base_u: f.clone(),
            fixed,
            springs,
        };
        let sol = self.evaluate(f, &[]);
        Ok((fact, sol))
    }

    /// Adds point supports (fix `w` at `nodes`) to a factored solution by the
    /// capacitance method. Returns the new solution and the support reactions (force
    /// the support exerts on the plate, N, + towards the top face).
    pub fn with_extra_supports(&self, fact: &Factored, nodes: &[usize]) -> (Solution, Vec<f64>) {
        let mut extra = ExtraSupports::new(self, fact);
        for &k in nodes {
            extra.add(k);
        }
        extra.solve()
    }

    /// Reaction at fixed DOF `w` of `node`: the force the support exerts on the plate.
    pub fn reaction(&self, u: &[f64], node: usize) -> f64 {
        let el = &self.el;
        let g = &self.grid;
        let target = 3 * node;
        let mut r = 0.0;
        for j in 0..g.ny {
            for i in 0..g.nx {
                if !g.is_active(i, j) {
                    continue;
                }
                let d = self.cell_dofs(i, j);
                if let Some(p) = d.iter().position(|&x| x == target) {
                    r += (0..12).map(|q| el.k[p][q] * u[d[q]]).sum::<f64>();
                }
            }
        }
        // Minus the external load applied at that DOF.
        let mut f = 0.0;
        for &(x, y, radius, force) in &self.loads {
            for (d, v) in self.spread(x, y, radius) {
                if d == target {
                    f += force * v;
                }
            }
        }
        r - f
    }

    /// Strain a square gauge of side `side_mm` centred at (x, y) reads, microstrain: the
    /// surface strain tensor averaged over the part of the square on the board, then its
    /// largest principal value (absolute). None when the square misses the board.
    pub fn gauge_strain(&self, sol: &Solution, x: f64, y: f64, side_mm: f64) -> Option<f64> {
        let g = &self.grid;
        let half = side_mm / 2.0;
        let (wx0, wx1, wy0, wy1) = (x - half, x + half, y - half, y + half);
        let i0 = ((wx0 - g.x0) / g.h).floor().max(0.0) as usize;
        let j0 = ((wy0 - g.y0) / g.h).floor().max(0.0) as usize;
        let i1 = (((wx1 - g.x0) / g.h).floor().max(-1.0) as isize).min(g.nx as isize - 1);
        let j1 = (((wy1 - g.y0) / g.h).floor().max(-1.0) as isize).min(g.ny as isize - 1);
        if i1 < 0 || j1 < 0 {
            return None;
        }
        // 2-point Gauss in each direction: exact for the curvature (degree 2 per axis
        // at most, one in each variable).
        let gp = [0.5 - 0.5 / 3f64.sqrt(), 0.5 + 0.5 / 3f64.sqrt()];
        let (mut area, mut sum) = (0.0, [0.0f64; 3]);
        for j in j0..=j1 as usize {
            for i in i0..=i1 as usize {
                if !g.is_active(i, j) {
                    continue;
                }
                let (ox, oy) = g.node_xy(i, j);
                let (ax, bx) = ((wx0 - ox).max(0.0), (wx1 - ox).min(g.h));
                let (ay, by) = ((wy0 - oy).max(0.0), (wy1 - oy).min(g.h));
                if bx <= ax || by <= ay {
                    continue;
                }
                let a = (bx - ax) * (by - ay);
                area += a;
                let coef = &sol.coef[j * g.nx + i];
                for &sx in &gp {
                    for &sy in &gp {
                        let k = curvature_from(coef, ax + sx * (bx - ax), ay + sy * (by - ay));
                        for r in 0..3 {
                            sum[r] += k[r] * a / 4.0;
                        }
                    }
                }
            }
        }
        (area > 0.0).then(|| {
            let k = [sum[0] / area, sum[1] / area, sum[2] / area];
            self.material.thickness_mm / 2.0 * principal_abs(k) * 1e6
        })
    }

    /// Deflection at (x, y), mm (+ towards the top face); None off the board.
    pub fn deflection_at(&self, sol: &Solution, x: f64, y: f64) -> Option<f64> {
        let (i, j) = self.grid.cell_at(x, y)?;
        let (ox, oy) = self.grid.node_xy(i, j);
        let p = poly(x - ox, y - oy);
        let c = &sol.coef[j * self.grid.nx + i];
        Some((0..12).map(|q| p[q] * c[q]).sum())
    }

    /// Deflection and slopes (w, w_x, w_y) at (x, y) from the solution; None off the
    /// board.
    fn state_at(&self, sol: &Solution, x: f64, y: f64) -> Option<[f64; 3]> {
        let (i, j) = self.grid.cell_at(x, y)?;
        let (ox, oy) = self.grid.node_xy(i, j);
        let c = &sol.coef[j * self.grid.nx + i];
        let (lx, ly) = (x - ox, y - oy);
        let dot = |p: [f64; 12]| (0..12).map(|q| p[q] * c[q]).sum::<f64>();
        Some([
            dot(poly(lx, ly)),
            dot(poly_dx(lx, ly)),
            dot(poly_dy(lx, ly)),
        ])
    }

    /// The gauge reading at (x, y), µε, from a submodel: the square of half-side `half`
    /// round (x, y), meshed with elements of at most `h_fine`, loaded with this model's
    /// loads and with `supports` (x, y, radius, force on the plate N: known reactions,
    /// spread like loads) inside it, its cut boundary held at this solution's deflection
    /// and slopes. Resolves what elements larger than the gauge cannot (the pressure
    /// under a push finger, a probe's load). None when the point is off the board.
    pub fn zoom_gauge(
        &self,
        sol: &Solution,
        supports: &[(f64, f64, f64, f64)],
        (x, y): (f64, f64),
        half: f64,
        h_fine: f64,
    ) -> Option<f64> {
        if self.gauge_mm <= 0.0 {
            return None;
        }
        let n = ((2.0 * half / h_fine).ceil() as usize).max(2);
        let h = 2.0 * half / n as f64;
        let (x0, y0) = (x - half, y - half);
        let mut active = vec![false; n * n];
        for j in 0..n {
            for i in 0..n {
                let (cx, cy) = (x0 + (i as f64 + 0.5) * h, y0 + (j as f64 + 0.5) * h);
                active[j * n + i] = self.grid.cell_at(cx, cy).is_some();
            }
        }
        let grid = Grid {
            x0,
            y0,
            h,
            nx: n,
            ny: n,
            active,
        };
        let mut sub = PlateModel::new(grid, self.material);
        sub.set_gauge(self.gauge_mm);
        if sub.dofs() == 0 {
            return None;
        }
        let inside = |px: f64, py: f64, r: f64| {
            px + r > x0 && px - r < x0 + 2.0 * half && py + r > y0 && py - r < y0 + 2.0 * half
        };
        for &(px, py, r, force) in self.loads.iter().chain(supports) {
            if inside(px, py, r) {
                sub.add_patch_load(px, py, r, force);
            }
        }
        let mut prescribed = Vec::new();
        for j in 0..=n {
            for i in 0..=n {
                if i != 0 && j != 0 && i != n && j != n {
                    continue;
                }
                let Some(k) = sub.node(i, j) else { continue };
                let (nx_, ny_) = sub.grid.node_xy(i, j);
                // Just inside the box, so a node on a global element edge takes the
                // element the box lies in.
                let ex = nx_
                    + if i == 0 {
                        1e-9
                    } else if i == n {
                        -1e-9
                    } else {
                        0.0
                    };
                let ey = ny_
                    + if j == 0 {
                        1e-9
                    } else if j == n {
                        -1e-9
                    } else {
                        0.0
                    };
                if let Some(st) = self.state_at(sol, ex, ey) {
                    for (q, v) in st.into_iter().enumerate() {
                        prescribed.push((3 * k + q, v));
                    }
                }
            }
        }
        let (_, subsol) = sub.solve_prescribed(&prescribed).ok()?;
        sub.gauge_strain(&subsol, x, y, self.gauge_mm)
    }

    fn evaluate(&self, u: Vec<f64>, support_centres: &[(f64, f64)]) -> Solution {
        let g = &self.grid;
        let el = &self.el;
        let half_t = self.material.thickness_mm / 2.0;
        let mut cells = Vec::new();
        let mut coef = vec![[0.0; 12]; g.nx * g.ny];
        let (mut max_e, mut at, mut max_w) = (0.0f64, (0.0, 0.0), 0.0f64);
        let hc = el.h / 2.0;
        let centre_shape = el.shape(hc, hc);
        for j in 0..g.ny {
            for i in 0..g.nx {
                if !g.is_active(i, j) {
                    continue;
                }
                let d = self.cell_dofs(i, j);
                let mut ue = [0.0; 12];
                for p in 0..12 {
                    ue[p] = u[d[p]];
                }
                let c = el.coefficients(&ue);
                coef[j * g.nx + i] = c;
                let strain_ue = half_t * principal_abs(curvature_from(&c, hc, hc)) * 1e6;
                let wc: f64 = centre_shape.iter().zip(&ue).map(|(a, b)| a * b).sum();
                if strain_ue > max_e {
                    max_e = strain_ue;
                    at = g.cell_centre(i, j);
                }
                max_w = max_w.max(wc.abs());
                cells.push(CellResult {
                    i,
                    j,
                    strain_ue,
                    deflection_mm: wc,
                });
            }
        }
        for k in (0..u.len()).step_by(3) {
            max_w = max_w.max(u[k].abs());
        }
        let mut sol = Solution {
            u,
            cells,
            max_strain_ue: max_e,
            max_strain_at: at,
            max_centre_strain_ue: max_e,
            max_deflection_mm: max_w,
            coef,
            peaks: Vec::new(),
        };
        if self.gauge_mm > 0.0 {
            // Gauge positions: every support centre, and every load and element centre
            // in an element whose own strain is within reach of the peak.
            let threshold = 0.3 * max_e;
            let mut cell_strain = vec![0.0; g.nx * g.ny];
            for c in &sol.cells {
                cell_strain[c.j * g.nx + c.i] = c.strain_ue;
            }
            let points = self
                .loads
                .iter()
                .filter(|l| {
                    g.cell_at(l.0, l.1)
                        .is_none_or(|(i, j)| cell_strain[j * g.nx + i] >= threshold)
                })
                .map(|l| (l.0, l.1))
                .chain(support_centres.iter().copied())
                .chain(
                    sol.cells
                        .iter()
                        .filter(|c| c.strain_ue >= threshold)
                        .map(|c| g.cell_centre(c.i, c.j)),
                );
            let mut readings: Vec<(f64, f64, f64)> = points
                .filter_map(|(x, y)| {
                    self.gauge_strain(&sol, x, y, self.gauge_mm)
                        .map(|e| (e, x, y))
                })
                .collect();
            readings.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.total_cmp(&b.1)));
            for r in readings {
                if sol.peaks.len() == 4 {
                    break;
                }
                if sol
                    .peaks
                    .iter()
                    .all(|p| (p.1 - r.1).hypot(p.2 - r.2) >= self.gauge_mm)
                {
                    sol.peaks.push(r);
                }
            }
            if let Some(&(e, x, y)) = sol.peaks.first() {
                sol.max_strain_ue = e;
                sol.max_strain_at = (x, y);
            }
        }
        sol
    }
}

/// Curvatures (w_xx, w_yy, w_xy) at local (x, y) from an element's coefficients.
fn curvature_from(coef: &[f64; 12], x: f64, y: f64) -> [f64; 3] {
    let b = poly_curv(x, y);
    let mut out = [0.0; 3];
    for (r, o) in out.iter_mut().enumerate() {
        *o = (0..12).map(|q| b[r][q] * coef[q]).sum();
    }
    out[2] /= 2.0;
    out
}

/// Largest absolute principal value of the curvature tensor (w_xx, w_yy, w_xy).
fn principal_abs([kxx, kyy, kxy]: [f64; 3]) -> f64 {
    let mean = (kxx + kyy) / 2.0;
    let rad = (((kxx - kyy) / 2.0).powi(2) + kxy * kxy).sqrt();
    (mean + rad).abs().max((mean - rad).abs())
}

/// Supports added one at a time to a factored plate (capacitance method): each
/// constraint costs one back-substitution for its influence column, kept (shared) for
/// later solves. A support is either a set of nodes held at `w` = 0 together, or a
/// patch: a disk through which the support pushes with a uniform pressure, holding the
/// plate's mean deflection under it (weighted as that pressure works) at 0.
#[derive(Clone)]
pub struct ExtraSupports<'a> {
    model: &'a PlateModel,
    fact: &'a Factored,
    /// Constraints: the sparse vector `g` (`gᵀu = 0`, reaction along `g`) and A⁻¹ g.
    cons: Vec<(std::rc::Rc<SparseVec>, std::rc::Rc<Vec<f64>>)>,
    /// Constraints per support, in order.
    groups: Vec<usize>,
    /// Centre of each support (gauge positions).
    centres: Vec<(f64, f64)>,
    /// Whether each support takes part in the solve (a unilateral support that would
    /// pull is switched off, and on again where the plate would move into it).
    active: Vec<bool>,
}

impl<'a> ExtraSupports<'a> {
    /// No support yet, over the factored base system `fact` of `model`.
    pub fn new(model: &'a PlateModel, fact: &'a Factored) -> Self {
        ExtraSupports {
            model,
            fact,
            cons: Vec::new(),
            groups: Vec::new(),
            centres: Vec::new(),
            active: Vec::new(),
        }
    }

    /// Switches the `idx`-th support on or off (an inactive one carries nothing and is
    /// left out of [`ExtraSupports::solve`]; its reaction reads 0).
    pub fn set_active(&mut self, idx: usize, on: bool) {
        if let Some(a) = self.active.get_mut(idx) {
            *a = on;
        }
    }

    /// Whether the `idx`-th support takes part in the solve.
    pub fn is_active(&self, idx: usize) -> bool {
        self.active.get(idx).copied().unwrap_or(false)
    }

    /// Adds a point support at one node.
    pub fn add(&mut self, node: usize) {
        self.add_group(&[node]);
    }

    fn push_constraint(&mut self, gv: SparseVec) -> bool {
        let gv: SparseVec = gv
            .into_iter()
            .filter(|&(d, v)| !self.fact.fixed[d] && v != 0.0)
            .collect();
        if gv.is_empty() || self.cons.iter().any(|c| *c.0 == gv) {
            return false;
        }
        let mut col = vec![0.0; self.model.dofs()];
        for &(d, v) in &gv {
            col[d] = v;
        }
        self.fact.band.solve(&mut col);
        self.cons
            .push((std::rc::Rc::new(gv), std::rc::Rc::new(col)));
        true
    }

    /// Adds one support holding every node of `nodes` (`w` = 0 at each).
    pub fn add_group(&mut self, nodes: &[usize]) {
        let mut n = 0;
        for &node in nodes {
            n += usize::from(self.push_constraint(vec![(3 * node, 1.0)]));
        }
        self.groups.push(n);
        self.active.push(true);
        let g = &self.model.grid;
        let k = nodes.first().copied().unwrap_or(0);
        let ij = self.model.node_no.iter().position(|&q| q == k).unwrap_or(0);
        self.centres
            .push(g.node_xy(ij % (g.nx + 1), ij / (g.nx + 1)));
    }

    /// Adds one support pushing with a uniform pressure through the disk of `radius`
    /// round (x, y) (a push finger's flat tip, a support post).
    pub fn add_patch(&mut self, x: f64, y: f64, radius: f64) {
        let gv = self.model.spread(x, y, radius);
        let n = usize::from(self.push_constraint(gv));
        self.groups.push(n);
        self.active.push(true);
        self.centres.push((x, y));
    }

    /// Removes the `idx`-th support added (keeps the others' influence columns).
    pub fn remove(&mut self, idx: usize) {
        let start: usize = self.groups[..idx].iter().sum();
        let n = self.groups.remove(idx);
        self.cons.drain(start..start + n);
        self.centres.remove(idx);
        self.active.remove(idx);
    }

    /// Number of supports added.
    pub fn len(&self) -> usize {
        self.groups.len()
    }

    /// Whether no support was added.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// The solution with every support added so far (and the base system's anchor
    /// springs cancelled), and each support's reaction (force on the plate, N, + towards
    /// the top face).
    pub fn solve(&self) -> (Solution, Vec<f64>) {
        // The constraints of the active supports only.
        let mut on: Vec<&(std::rc::Rc<SparseVec>, std::rc::Rc<Vec<f64>>)> = Vec::new();
        let mut k = 0;
        for (&n, &act) in self.groups.iter().zip(&self.active) {
            if act {
                on.extend(&self.cons[k..k + n]);
            }
            k += n;
        }
        let m1 = on.len();
        let springs = &self.fact.springs;
        let m = m1 + springs.len();
        let u0 = &self.fact.base_u;
        let dot = |gv: &SparseVec, col: &[f64]| gv.iter().map(|&(d, v)| v * col[d]).sum::<f64>();
        // Unknowns: the constraint forces λ (A u = f + Σ λ g) and the spring forces s
        // that cancel the anchors (A u = f + ... + Σ s e with eᵀu = s / k).
        let mut a = vec![vec![0.0; m + 1]; m];
        for (r, (gr, _)) in on.iter().map(|c| (&c.0, &c.1)).enumerate() {
            for (c, (_, col)) in on.iter().map(|c| (&c.0, &c.1)).enumerate() {
                a[r][c] = dot(gr, col);
            }
            for (c, (_, _, col)) in springs.iter().enumerate() {
                a[r][m1 + c] = dot(gr, col);
            }
            a[r][m] = -dot(gr, u0);
        }
        for (r, &(dr, k, _)) in springs.iter().enumerate() {
            for (c, (_, col)) in on.iter().map(|c| (&c.0, &c.1)).enumerate() {
                a[m1 + r][c] = col[dr];
            }
            for (c, (_, _, col)) in springs.iter().enumerate() {
                a[m1 + r][m1 + c] = col[dr];
            }
            a[m1 + r][m1 + r] -= 1.0 / k;
            a[m1 + r][m] = -u0[dr];
        }
        let x = solve_dense(a);
        let mut u = u0.clone();
        let cols = on
            .iter()
            .map(|c| c.1.as_slice())
            .chain(springs.iter().map(|s| s.2.as_slice()));
        for (col, &l) in cols.zip(&x) {
            if l != 0.0 {
                for (uk, ck) in u.iter_mut().zip(col) {
                    *uk += ck * l;
                }
            }
        }
        let mut reactions = Vec::with_capacity(self.groups.len());
        let mut k = 0;
        for (&n, &act) in self.groups.iter().zip(&self.active) {
            if act {
                reactions.push(x[k..k + n].iter().sum());
                k += n;
            } else {
                reactions.push(0.0);
            }
        }
        (self.model.evaluate(u, &self.centres), reactions)
    }
}

/// Gaussian elimination with partial pivoting on an augmented m x (m+1) matrix.
fn solve_dense(mut a: Vec<Vec<f64>>) -> Vec<f64> {
    let m = a.len();
    for col in 0..m {
        let piv = (col..m)
            .max_by(|&p, &q| a[p][col].abs().total_cmp(&a[q][col].abs()))
            .unwrap_or(col);
        a.swap(col, piv);
        let d = a[col][col];
        if d.abs() < 1e-300 {
            continue;
        }
        for r in col + 1..m {
            let f = a[r][col] / d;
            if f != 0.0 {
                for c in col..=m {
                    a[r][c] -= f * a[col][c];
                }
            }
        }
    }
    let mut x = vec![0.0; m];
    for r in (0..m).rev() {
        let mut s = a[r][m];
        for c in r + 1..m {
            s -= a[r][c] * x[c];
        }
        x[r] = if a[r][r].abs() < 1e-300 {
            0.0
        } else {
            s / a[r][r]
        };
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    fn square(cells: usize, a: f64) -> Grid {
        Grid {
            x0: 0.0,
            y0: 0.0,
            h: a / cells as f64,
            nx: cells,
            ny: cells,
            active: vec![true; cells * cells],
        }
    }

    fn simply_support(model: &mut PlateModel) {
        let (nx, ny) = (model.grid.nx, model.grid.ny);
        for j in 0..=ny {
            for i in 0..=nx {
                let on_x = i == 0 || i == nx; // edge parallel to y: slope along y is zero
                let on_y = j == 0 || j == ny;
                let k = model.node(i, j).unwrap();
                match (on_x, on_y) {
                    (true, true) => model.fix(k, Fix::All),
                    (true, false) => model.fix(k, Fix::WAndSlopeY),
                    (false, true) => model.fix(k, Fix::WAndSlopeX),
                    _ => {}
                }
            }
        }
    }

    const FR4: Material = Material {
        youngs_modulus_mpa: 22_000.0,
        poisson_ratio: 0.3,
        thickness_mm: 1.6,
    };

    /// Navier's series (Timoshenko & Woinowsky-Krieger, Theory of Plates and Shells,
    /// §29 and §34): simply supported a x a plate.
    fn navier_uniform(q: f64, a: f64, d: f64, nu: f64) -> (f64, f64) {
        let (mut w, mut mx) = (0.0, 0.0);
        for m in (1..200).step_by(2) {
            for n in (1..200).step_by(2) {
                let (mf, nf) = (m as f64, n as f64);
                let s = ((mf * PI / 2.0).sin() * (nf * PI / 2.0).sin()).signum();
                let denom = mf * nf * ((mf / a).powi(2) + (nf / a).powi(2)).powi(2);
                let wmn = 16.0 * q / (PI.powi(6) * d) / denom;
                w += s * wmn;
                mx += s * wmn * d * PI * PI * ((mf / a).powi(2) + nu * (nf / a).powi(2));
            }
        }
        (w, mx)
    }

    #[test]
    fn uniform_load_matches_navier_and_timoshenko_table() {
        let a = 100.0;
        let q = 0.01; // N/mm²
        let cells = 31;
        let mut model = PlateModel::new(square(cells, a), FR4);
        simply_support(&mut model);
        let h = a / cells as f64;
        for j in 0..cells {
            for i in 0..cells {
                model.add_load((i as f64 + 0.5) * h, (j as f64 + 0.5) * h, q * h * h);
            }
        }
        let (_, sol) = model.solve().unwrap();
        let d = FR4.flexural_rigidity();
        let (w_exact, mx_exact) = navier_uniform(q, a, d, 0.3);
        // Timoshenko Table 8 (ν = 0.3): w = 0.00406 q a⁴ / D, Mx = 0.0479 q a².
        assert!((w_exact / (0.00406 * q * a.powi(4) / d) - 1.0).abs() < 0.002);
        assert!((mx_exact / (0.0479 * q * a * a) - 1.0).abs() < 0.003);
        let w = sol.max_deflection_mm;
        assert!((w / w_exact - 1.0).abs() < 0.02, "w {w} vs {w_exact}");
        // The centre cell's strain against the exact centre moment: ε = 6 M / (E' t²)
        // with the principal curvature from the moments (square: κ = M / D(1+ν)).
        let kappa = mx_exact / (d * (1.0 + 0.3));
        let e_exact = kappa * 0.8 * 1e6;
        let centre = sol.cells.iter().find(|c| c.i == 15 && c.j == 15).unwrap();
        assert!(
            (centre.strain_ue / e_exact - 1.0).abs() < 0.02,
            "{} vs {e_exact}",
            centre.strain_ue
        );
        // The largest strain is the twist at the corners (Mxy = 0.0325 q a², Timoshenko
        // §31), above the centre's.
        let twist_ue = 0.0325 * q * a * a / (d * (1.0 - 0.3)) * 0.8 * 1e6;
        assert!(sol.max_strain_ue > centre.strain_ue);
        assert!(
            (sol.max_strain_ue / twist_ue - 1.0).abs() < 0.1,
            "{} vs {twist_ue}",
            sol.max_strain_ue
        );
    }

    #[test]
    fn central_point_load_matches_timoshenko() {
        let a = 80.0;
        let p = 10.0;
        let mut model = PlateModel::new(square(40, a), FR4);
        simply_support(&mut model);
        model.add_load(a / 2.0, a / 2.0, p);
        let (_, sol) = model.solve().unwrap();
        let d = FR4.flexural_rigidity();
        // Timoshenko Table 23: w_max = 0.01160 P a² / D for a square plate.
        let w_tab = 0.01160 * p * a * a / d;
        let mut w_series = 0.0;
        for m in (1..400).step_by(2) {
            for n in (1..400).step_by(2) {
                let (mf, nf) = (m as f64, n as f64);
                w_series += 4.0 * p
                    / (PI.powi(4) * d * a * a)
                    / ((mf / a).powi(2) + (nf / a).powi(2)).powi(2);
            }
        }
        assert!((w_series / w_tab - 1.0).abs() < 0.003, "{w_series} {w_tab}");
        let w = sol.max_deflection_mm;
        assert!((w / w_tab - 1.0).abs() < 0.02, "w {w} vs {w_tab}");
    }

    #[test]
    fn reactions_balance_loads_and_extra_supports_agree_with_direct_solve() {
        let a = 60.0;
        let mut model = PlateModel::new(square(20, a), FR4);
        let corners: Vec<usize> = [(0, 0), (20, 0), (20, 20), (0, 20)]
            .iter()
            .map(|&(i, j)| model.node(i, j).unwrap())
            .collect();
        for &k in &corners {
            model.fix(k, Fix::W);
        }
        model.add_load(20.0, 25.0, 5.0);
        model.add_load(41.0, 37.0, -2.0);
        let (fact, base) = model.solve().unwrap();
        let total: f64 = corners.iter().map(|&k| model.reaction(&base.u, k)).sum();
        assert!((total + 3.0).abs() < 1e-6, "reactions {total}");
        // One more support at the middle, by capacitance and by a fresh solve.
        let mid = model.node(10, 10).unwrap();
        let (cap, r) = model.with_extra_supports(&fact, &[mid]);
        let mut direct = PlateModel::new(square(20, a), FR4);
        for &k in &corners {
            direct.fix(k, Fix::W);
        }
        direct.fix(mid, Fix::W);
        direct.add_load(20.0, 25.0, 5.0);
        direct.add_load(41.0, 37.0, -2.0);
        let (_, d) = direct.solve().unwrap();
        assert!((cap.max_strain_ue / d.max_strain_ue - 1.0).abs() < 1e-6);
        assert!((r[0] - direct.reaction(&d.u, mid)).abs() < 1e-6);
        assert!(cap.max_deflection_mm < base.max_deflection_mm);
    }

    fn rect(nx: usize, ny: usize, h: f64) -> Grid {
        Grid {
            x0: 0.0,
            y0: 0.0,
            h,
            nx,
            ny,
            active: vec![true; nx * ny],
        }
    }

    /// Bessel J1 by its integral, 𝜋 J1(x) = ∫₀^𝜋 cos(τ − x sin τ) dτ (Simpson).
    fn bessel_j1(x: f64) -> f64 {
        let n = 64;
        let step = PI / n as f64;
        let f = |t: f64| (t - x * t.sin()).cos();
        let mut s = f(0.0) + f(PI);
        for k in 1..n {
            s += f(k as f64 * step) * if k % 2 == 1 { 4.0 } else { 2.0 };
        }
        s * step / 3.0 / PI
    }

    /// Navier's series (Timoshenko & Woinowsky-Krieger §28-30) for a simply supported
    /// a x b plate under the force `p` spread uniformly over the disk of radius `c`
    /// round (ξ, η): the gauge reading, µε, of a `g` x `g` square centred at (x, y)
    /// (mean curvature over the square from the series term by term, exact integrals).
    #[allow(clippy::too_many_arguments)]
    fn navier_disk_gauge(
        (a, b): (f64, f64),
        (xi, eta, c, p): (f64, f64, f64, f64),
        mat: &Material,
        (x, y, g): (f64, f64, f64),
        terms: usize,
    ) -> f64 {
        let d = mat.flexural_rigidity();
        let (x0, x1, y0, y1) = (x - g / 2.0, x + g / 2.0, y - g / 2.0, y + g / 2.0);
        let mut k = [0.0f64; 3];
        for m in 1..=terms {
            let al = m as f64 * PI / a;
            let sx = ((al * x0).cos() - (al * x1).cos()) / (al * g);
            let cx = ((al * x1).sin() - (al * x0).sin()) / (al * g);
            for n in 1..=terms {
                let be = n as f64 * PI / b;
                let kk = (al * al + be * be).sqrt();
                let disk = if c > 0.0 {
                    2.0 * bessel_j1(kk * c) / (kk * c)
                } else {
                    1.0
                };
                let q = 4.0 * p / (a * b) * (al * xi).sin() * (be * eta).sin() * disk;
                let w = q / (d * (al * al + be * be).powi(2));
                let sy = ((be * y0).cos() - (be * y1).cos()) / (be * g);
                let cy = ((be * y1).sin() - (be * y0).sin()) / (be * g);
                k[0] -= al * al * w * sx * sy;
                k[1] -= be * be * w * sx * sy;
                k[2] += al * be * w * cx * cy;
            }
        }
        mat.thickness_mm / 2.0 * principal_abs(k) * 1e6
    }

    /// Navier's series for the reference case of `simply_supported_disk`: the 3 mm
    /// gauge reading on a 20 N load of the given disk radius, with `terms` terms.
    fn navier_reference(radius: f64, terms: usize) -> f64 {
        navier_disk_gauge(
            (60.0, 40.0),
            (23.3, 17.1, radius, 20.0),
            &FR4,
            (23.3, 17.1, 3.0),
            terms,
        )
    }

    fn simply_supported_disk(h: f64, radius: f64) -> (PlateModel, Solution) {
        let (a, b) = (60.0, 40.0);
        let mut model = PlateModel::new(
            rect((a / h).round() as usize, (b / h).round() as usize, h),
            FR4,
        );
        simply_support(&mut model);
        model.add_patch_load(23.3, 17.1, radius, 20.0);
        model.set_gauge(3.0);
        let (_, sol) = model.solve().unwrap();
        (model, sol)
    }

    #[test]
    fn patch_load_gauge_strain_matches_navier_and_converges() {
        // A 20 N push finger's pressure (4 mm disk) on a simply supported 60 x 40 mm
        // plate, read by a 3 mm gauge centred on it, at h = 2, 1, 0.5 mm.
        let exact = navier_reference(2.0, 300);
        let mut readings = Vec::new();
        for h in [2.0, 1.0, 0.5] {
            let (model, sol) = simply_supported_disk(h, 2.0);
            let e = model.gauge_strain(&sol, 23.3, 17.1, 3.0).unwrap();
            // The reported figure is the largest gauge reading: here, on the load.
            assert!(
                (sol.max_strain_ue / e - 1.0).abs() < 0.02,
                "{h}: {}",
                sol.max_strain_ue
            );
            readings.push(e);
        }
        eprintln!("4 mm patch, 3 mm gauge: h 2/1/0.5 mm {readings:?} µε, Navier {exact:.1} µε");
        for (h, e) in [2.0, 1.0, 0.5].iter().zip(&readings) {
            assert!(
                (e / exact - 1.0).abs() < 0.03,
                "h {h}: {e} vs Navier {exact}"
            );
        }
        assert!(
            (readings[2] / readings[1] - 1.0).abs() < 0.01,
            "{readings:?}"
        );
        // The series itself has converged (more terms change it by < 0.1%).
        let more = navier_reference(2.0, 500);
        assert!((more / exact - 1.0).abs() < 1e-3, "{more} vs {exact}");
    }

    #[test]
    fn point_load_peak_grows_with_refinement_gauge_reading_does_not() {
        // The element-centre strain under a point load is log-singular: it grows at
        // every refinement. A gauge's reading of it converges (to Navier's series).
        let mut centre = Vec::new();
        let mut gauge = Vec::new();
        for h in [2.0, 1.0, 0.5] {
            let (model, sol) = simply_supported_disk(h, 0.0);
            centre.push(sol.max_centre_strain_ue);
            gauge.push(model.gauge_strain(&sol, 23.3, 17.1, 3.0).unwrap());
        }
        assert!(
            centre[1] > 1.1 * centre[0] && centre[2] > 1.1 * centre[1],
            "{centre:?}"
        );
        let exact = navier_reference(0.0, 300);
        eprintln!(
            "point load: element-centre peak h 2/1/0.5 mm {centre:?} µε; 3 mm gauge {gauge:?} µε, Navier {exact:.1} µε"
        );
        assert!(
            (gauge[2] / exact - 1.0).abs() < 0.03,
            "{gauge:?} vs {exact}"
        );
        assert!((gauge[2] / gauge[1] - 1.0).abs() < 0.02, "{gauge:?}");
    }

    #[test]
    fn patch_supports_cancel_the_anchors_and_balance_the_load() {
        // A free plate on three finger patches (anchored base system), loaded off
        // centre: the reactions balance the load and its moments; a direct solve with
        // the same patches as the only supports agrees, so the anchors leave no trace.
        let mut model = PlateModel::new(rect(30, 20, 2.0), FR4);
        let fingers = [(6.0, 6.0), (54.0, 8.0), (30.0, 34.0)];
        for &(x, y) in &fingers {
            let (_, _, k) = model.nearest_node(x, y).unwrap();
            model.anchor(k);
        }
        model.add_patch_load(25.0, 18.0, 0.6, 12.0);
        model.add_patch_load(40.0, 22.0, 0.6, 6.0);
        let (fact, _) = model.solve().unwrap();
        let mut extra = ExtraSupports::new(&model, &fact);
        for &(x, y) in &fingers {
            extra.add_patch(x, y, 2.0);
        }
        let (sol, r) = extra.solve();
        let total: f64 = r.iter().sum();
        assert!((total + 18.0).abs() < 1e-6, "{r:?}");
        let mx: f64 =
            r.iter().zip(&fingers).map(|(f, p)| f * p.0).sum::<f64>() + 12.0 * 25.0 + 6.0 * 40.0;
        let my: f64 =
            r.iter().zip(&fingers).map(|(f, p)| f * p.1).sum::<f64>() + 12.0 * 18.0 + 6.0 * 22.0;
        assert!(mx.abs() < 1e-5 && my.abs() < 1e-5, "{mx} {my}");
        // Statically determinate: the anchor springs' stiffness cannot matter, and the
        // mean deflection under each finger is zero.
        for &(x, y) in &fingers {
            let g = model.spread(x, y, 2.0);
            let w: f64 = g.iter().map(|&(d, v)| v * sol.u[d]).sum();
            assert!(w.abs() < 1e-9, "{w}");
        }
    }

    #[test]
    fn submodel_reading_on_a_coarse_plate_matches_navier() {
        // Elements of 5 and 10 mm cannot resolve a 4 mm patch under a 3 mm gauge; the
        // submodel (1.5 mm elements, cut boundary from the coarse solution) can.
        let exact = navier_reference(2.0, 300);
        for h in [5.0, 10.0] {
            let (model, sol) = simply_supported_disk(h, 2.0);
            let coarse = model.gauge_strain(&sol, 23.3, 17.1, 3.0).unwrap();
            let zoomed = model
                .zoom_gauge(&sol, &[], (23.3, 17.1), 1.5 + h.max(6.0), 1.5)
                .unwrap();
            eprintln!(
                "h {h}: coarse {coarse:.1} µε, submodel {zoomed:.1} µε, Navier {exact:.1} µε"
            );
            assert!(
                (zoomed / exact - 1.0).abs() < 0.03,
                "h {h}: {zoomed} vs {exact}"
            );
            assert!(
                (coarse / exact - 1.0).abs() > 0.05,
                "h {h}: coarse {coarse}"
            );
        }
    }
}
