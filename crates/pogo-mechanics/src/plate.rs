//! Kirchhoff thin-plate finite elements on a square grid: the board as a plate.
//!
//! Elements are ACM (Adini-Clough-Melosh) rectangles: four corner nodes with three
//! degrees of freedom each (deflection `w` and slopes `w_x`, `w_y`), cubic edges and the
//! 12-term polynomial `1, x, y, x², xy, y², x³, x²y, xy², y³, x³y, xy³`. The element is
//! non-conforming but passes the patch test and converges for rectangles (Zienkiewicz &
//! Taylor, *The Finite Element Method*, vol. 2, ch. 4). Free edges need nothing (natural
//! boundary conditions), supports fix `w` at a node.
//!
//! The global stiffness matrix is banded (nodes numbered along the grid's shorter
//! direction first) and factored once by banded LDLᵀ; supports added afterwards are
//! imposed by the capacitance (influence-function) method, one back-substitution each.
//!
//! Units: mm, N, MPa (N/mm²). Strain is evaluated at element centres, so it is the mean
//! over one element, like a strain gauge of that size.

// Index loops read best in this numeric code.
#![allow(clippy::needless_range_loop)]

/// Linear elastic, isotropic plate material and thickness.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Material {
    pub youngs_modulus_mpa: f64,
    pub poisson_ratio: f64,
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
    pub x0: f64,
    pub y0: f64,
    pub h: f64,
    pub nx: usize,
    pub ny: usize,
    /// `nx * ny`, cell (i, j) at `j * nx + i`.
    pub active: Vec<bool>,
}

impl Grid {
    pub fn node_xy(&self, i: usize, j: usize) -> (f64, f64) {
        (self.x0 + i as f64 * self.h, self.y0 + j as f64 * self.h)
    }
    pub fn cell_centre(&self, i: usize, j: usize) -> (f64, f64) {
        (
            self.x0 + (i as f64 + 0.5) * self.h,
            self.y0 + (j as f64 + 0.5) * self.h,
        )
    }
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

fn poly(x: f64, y: f64) -> [f64; 12] {
    [
        1.0,
        x,
        y,
        x * x,
        x * y,
        y * y,
        x * x * x,
        x * x * y,
        x * y * y,
        y * y * y,
        x * x * x * y,
        x * y * y * y,
    ]
}
fn poly_dx(x: f64, y: f64) -> [f64; 12] {
    [
        0.0,
        1.0,
        0.0,
        2.0 * x,
        y,
        0.0,
        3.0 * x * x,
        2.0 * x * y,
        y * y,
        0.0,
        3.0 * x * x * y,
        y * y * y,
    ]
}
fn poly_dy(x: f64, y: f64) -> [f64; 12] {
    [
        0.0,
        0.0,
        1.0,
        0.0,
        x,
        2.0 * y,
        0.0,
        x * x,
        2.0 * x * y,
        3.0 * y * y,
        x * x * x,
        3.0 * x * y * y,
    ]
}
/// Rows w_xx, w_yy, 2 w_xy of the polynomial.
fn poly_curv(x: f64, y: f64) -> [[f64; 12]; 3] {
    [
        [
            0.0,
            0.0,
            0.0,
            2.0,
            0.0,
            0.0,
            6.0 * x,
            2.0 * y,
            0.0,
            0.0,
            6.0 * x * y,
            0.0,
        ],
        [
            0.0,
            0.0,
            0.0,
            0.0,
            0.0,
            2.0,
            0.0,
            0.0,
            2.0 * x,
            6.0 * y,
            0.0,
            6.0 * x * y,
        ],
        [
            0.0,
            0.0,
            0.0,
            0.0,
            2.0,
            0.0,
            0.0,
            4.0 * x,
            4.0 * y,
            0.0,
            6.0 * x * x,
            6.0 * y * y,
        ],
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

    /// Curvatures (w_xx, w_yy, w_xy) at local (x, y) for element DOFs `u`.
    fn curvature(&self, x: f64, y: f64, u: &[f64; 12]) -> [f64; 3] {
        let b = poly_curv(x, y);
        let mut coef = [0.0; 12];
        for (r, cr) in coef.iter_mut().enumerate() {
            *cr = (0..12).map(|q| self.c[r][q] * u[q]).sum();
        }
        let mut out = [0.0; 3];
        for (r, o) in out.iter_mut().enumerate() {
            *o = (0..12).map(|q| b[r][q] * coef[q]).sum();
        }
        out[2] /= 2.0;
        out
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
    WAndSlopeY,
    All,
}

/// The plate model: grid, material, loads and supports, before solving.
pub struct PlateModel {
    pub grid: Grid,
    pub material: Material,
    /// Node (i, j) -> global node number (or usize::MAX when the node is inactive).
    node_no: Vec<usize>,
    nodes: usize,
    /// Point loads: (x, y, force N, + towards the top face).
    loads: Vec<(f64, f64, f64)>,
    fixes: Vec<(usize, Fix)>,
}

/// A solved plate.
pub struct Solution {
    /// Global DOFs.
    pub u: Vec<f64>,
    /// Per active cell (i, j, centre strain microstrain, centre deflection mm).
    pub cells: Vec<CellResult>,
    pub max_strain_ue: f64,
    pub max_strain_at: (f64, f64),
    pub max_deflection_mm: f64,
}

#[derive(Debug, Clone, Copy)]
pub struct CellResult {
    pub i: usize,
    pub j: usize,
    pub strain_ue: f64,
    pub deflection_mm: f64,
}

/// The factored base system: kept to add supports by the capacitance method.
pub struct Factored {
    band: Band,
    base_u: Vec<f64>,
    fixed: Vec<bool>,
}

impl PlateModel {
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
        PlateModel {
            grid,
            material,
            node_no,
            nodes: count,
            loads: Vec::new(),
            fixes: Vec::new(),
        }
    }

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

    pub fn add_load(&mut self, x: f64, y: f64, force_n: f64) {
        self.loads.push((x, y, force_n));
    }

    pub fn fix(&mut self, node: usize, what: Fix) {
        self.fixes.push((node, what));
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

    /// Assembles, factors and solves the base system (loads and fixes given so far).
    /// A tiny elastic foundation keeps a piece without supports from being singular.
    pub fn solve(&self) -> Result<(Factored, Solution), String> {
        let g = &self.grid;
        let el = Element::new(g.h, &self.material);
        let n = self.dofs();
        if n == 0 {
            return Err("the board outline covers no grid cell".into());
        }
        let mut fixed = vec![false; n];
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
        for (_, _, d) in &cells {
            for p in 0..12 {
                if fixed[d[p]] {
                    continue;
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
        let mut f = vec![0.0; n];
        for &(x, y, force) in &self.loads {
            let Some((i, j)) = g.cell_at(x, y).or_else(|| {
                let (ni, nj, _) = self.nearest_node(x, y)?;
                // Snap to a cell touching the nearest node.
                [(0, 0), (1, 0), (0, 1), (1, 1)].iter().find_map(|&(a, b)| {
                    let (ci, cj) = (ni.checked_sub(a)?, nj.checked_sub(b)?);
                    (ci < g.nx && cj < g.ny && g.is_active(ci, cj)).then_some((ci, cj))
                })
            }) else {
                continue;
            };
            let (ox, oy) = g.node_xy(i, j);
            let lx = (x - ox).clamp(0.0, g.h);
            let ly = (y - oy).clamp(0.0, g.h);
            let sh = el.shape(lx, ly);
            let d = self.cell_dofs(i, j);
            for p in 0..12 {
                f[d[p]] += force * sh[p];
            }
        }
        for k in 0..n {
            if fixed[k] {
                f[k] = 0.0;
            }
        }
        band.factor()
            .map_err(|k| format!("plate stiffness matrix is not positive definite at DOF {k}"))?;
        band.solve(&mut f);
        let fact = Factored {
            band,
            base_u: f.clone(),
            fixed,
        };
        let sol = self.evaluate(&el, f);
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
        let el = Element::new(self.grid.h, &self.material);
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
        for &(x, y, force) in &self.loads {
            if let Some((i, j)) = g.cell_at(x, y) {
                let d = self.cell_dofs(i, j);
                if let Some(p) = d.iter().position(|&q| q == target) {
                    let (ox, oy) = g.node_xy(i, j);
                    f += force * el.shape(x - ox, y - oy)[p];
                }
            }
        }
        r - f
    }

    fn evaluate(&self, el: &Element, u: Vec<f64>) -> Solution {
        let g = &self.grid;
        let half_t = self.material.thickness_mm / 2.0;
        let mut cells = Vec::new();
        let (mut max_e, mut at, mut max_w) = (0.0f64, (0.0, 0.0), 0.0f64);
        let hc = el.h / 2.0;
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
                let [kxx, kyy, kxy] = el.curvature(hc, hc, &ue);
                let mean = (kxx + kyy) / 2.0;
                let rad = (((kxx - kyy) / 2.0).powi(2) + kxy * kxy).sqrt();
                let kmax = (mean + rad).abs().max((mean - rad).abs());
                let strain_ue = half_t * kmax * 1e6;
                let wc: f64 = el.shape(hc, hc).iter().zip(&ue).map(|(a, b)| a * b).sum();
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
        Solution {
            u,
            cells,
            max_strain_ue: max_e,
            max_strain_at: at,
            max_deflection_mm: max_w,
        }
    }
}

/// Supports added one at a time to a factored plate (capacitance method): each node
/// costs one back-substitution for its influence column, kept for later solves. A
/// support is a group of nodes held together (a push finger's flat tip).
#[derive(Clone)]
pub struct ExtraSupports<'a> {
    model: &'a PlateModel,
    fact: &'a Factored,
    el: Element,
    nodes: Vec<usize>,
    cols: Vec<Option<Vec<f64>>>,
    /// Nodes per support, in order.
    groups: Vec<usize>,
}

impl<'a> ExtraSupports<'a> {
    pub fn new(model: &'a PlateModel, fact: &'a Factored) -> Self {
        ExtraSupports {
            model,
            fact,
            el: Element::new(model.grid.h, &model.material),
            nodes: Vec::new(),
            cols: Vec::new(),
            groups: Vec::new(),
        }
    }

    /// Adds a point support at one node.
    pub fn add(&mut self, node: usize) {
        self.add_group(&[node]);
    }

    /// Adds one support holding every node of `nodes` (`w` = 0 at each).
    pub fn add_group(&mut self, nodes: &[usize]) {
        for &node in nodes {
            let d = 3 * node;
            let col = (!self.fact.fixed[d] && !self.nodes.contains(&node)).then(|| {
                let mut e = vec![0.0; self.model.dofs()];
                e[d] = 1.0;
                self.fact.band.solve(&mut e);
                e
            });
            self.nodes.push(node);
            self.cols.push(col);
        }
        self.groups.push(nodes.len());
    }

    /// Removes the `idx`-th support added (keeps the others' influence columns).
    pub fn remove(&mut self, idx: usize) {
        let start: usize = self.groups[..idx].iter().sum();
        let n = self.groups.remove(idx);
        self.nodes.drain(start..start + n);
        self.cols.drain(start..start + n);
    }

    pub fn len(&self) -> usize {
        self.groups.len()
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// The solution with every support added so far, and each support's reaction (force
    /// on the plate, N, + towards the top face; summed over its nodes).
    pub fn solve(&self) -> (Solution, Vec<f64>) {
        let live: Vec<usize> = (0..self.nodes.len())
            .filter(|&i| self.cols[i].is_some())
            .collect();
        let m = live.len();
        let mut a = vec![vec![0.0; m + 1]; m];
        for (r, &ir) in live.iter().enumerate() {
            let dr = 3 * self.nodes[ir];
            for (c, &ic) in live.iter().enumerate() {
                a[r][c] = self.cols[ic].as_ref().map_or(0.0, |col| col[dr]);
            }
            a[r][m] = self.fact.base_u[dr];
        }
        let lambda = solve_dense(a);
        let mut u = self.fact.base_u.clone();
        for (c, &ic) in live.iter().enumerate() {
            let l = lambda[c];
            if let Some(col) = &self.cols[ic] {
                for (uk, ck) in u.iter_mut().zip(col) {
                    *uk -= ck * l;
                }
            }
        }
        let mut per_node = vec![0.0; self.nodes.len()];
        for (c, &ic) in live.iter().enumerate() {
            per_node[ic] = -lambda[c];
        }
        let mut reactions = Vec::with_capacity(self.groups.len());
        let mut k = 0;
        for &n in &self.groups {
            reactions.push(per_node[k..k + n].iter().sum());
            k += n;
        }
        (self.model.evaluate(&self.el, u), reactions)
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
}
