//! Kirchhoff thin-plate finite elements on a rectilinear grid: the board as a plate.
//!
//! The grid's lines may be spaced at will ([`Grid`]), so they can follow a board's
//! edges and a panel's routing gaps and tabs. Elements are ACM (Adini-Clough-Melosh)
//! rectangles of any sides: four corner nodes with three degrees of freedom each (deflection `w` and slopes `w_x`, `w_y`), cubic edges and the
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
//! The global stiffness matrix is sparse and factored once by sparse Cholesky (faer:
//! fill-reducing ordering, supernodal L Lᵀ); supports added afterwards are
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

/// A rectilinear grid: node lines at `xs` across and `ys` down (any spacing, so lines
/// can follow a board's edges, routing gaps and tabs), some cells active (on the board).
#[derive(Debug, Clone)]
pub struct Grid {
    /// Page x of the node lines, left to right (`nx + 1` of them), mm.
    pub xs: Vec<f64>,
    /// Page y of the node lines, top to bottom (`ny + 1` of them), mm.
    pub ys: Vec<f64>,
    /// Cells across.
    pub nx: usize,
    /// Cells down.
    pub ny: usize,
    /// `nx * ny`, cell (i, j) at `j * nx + i`.
    pub active: Vec<bool>,
}

/// The index of the interval of `lines` holding `v` (`lines[k] <= v < lines[k + 1]`),
/// if any.
fn interval(lines: &[f64], v: f64) -> Option<usize> {
    let k = lines.partition_point(|&l| l <= v);
    (k >= 1 && k < lines.len()).then(|| k - 1)
}

/// The index of the line of `lines` nearest to `v`.
fn nearest_line(lines: &[f64], v: f64) -> usize {
    let k = lines.partition_point(|&l| l < v).min(lines.len() - 1);
    if k > 0 && (v - lines[k - 1]).abs() <= (lines[k] - v).abs() {
        k - 1
    } else {
        k
    }
}

impl Grid {
    /// Square cells of edge `h` from (x0, y0), `nx` across and `ny` down.
    pub fn uniform(x0: f64, y0: f64, h: f64, nx: usize, ny: usize, active: Vec<bool>) -> Grid {
        Grid {
            xs: (0..=nx).map(|i| x0 + i as f64 * h).collect(),
            ys: (0..=ny).map(|j| y0 + j as f64 * h).collect(),
            nx,
            ny,
            active,
        }
    }
    /// Page position of grid node (i, j) (the top left corner of cell (i, j)).
    pub fn node_xy(&self, i: usize, j: usize) -> (f64, f64) {
        (self.xs[i], self.ys[j])
    }
    /// Width and height of cell (i, j), mm.
    pub fn cell_size(&self, i: usize, j: usize) -> (f64, f64) {
        (self.xs[i + 1] - self.xs[i], self.ys[j + 1] - self.ys[j])
    }
    /// Page position of the centre of cell (i, j).
    pub fn cell_centre(&self, i: usize, j: usize) -> (f64, f64) {
        (
            (self.xs[i] + self.xs[i + 1]) / 2.0,
            (self.ys[j] + self.ys[j + 1]) / 2.0,
        )
    }
    /// The longest cell edge, mm.
    pub fn max_step(&self) -> f64 {
        let step = |l: &[f64]| l.windows(2).map(|w| w[1] - w[0]).fold(0.0, f64::max);
        step(&self.xs).max(step(&self.ys))
    }
    /// Whether cell (i, j) lies on the board.
    pub fn is_active(&self, i: usize, j: usize) -> bool {
        self.active[j * self.nx + i]
    }
    /// The cell holding (x, y), active or not.
    pub fn cell_of(&self, x: f64, y: f64) -> Option<(usize, usize)> {
        Some((interval(&self.xs, x)?, interval(&self.ys, y)?))
    }
    /// The active cell holding (x, y), if any.
    pub fn cell_at(&self, x: f64, y: f64) -> Option<(usize, usize)> {
        self.cell_of(x, y).filter(|&(i, j)| self.is_active(i, j))
    }
    /// The cells (i0..=i1, j0..=j1) the box [x0, x1] x [y0, y1] overlaps; None when it
    /// misses the grid.
    fn cells_over(&self, [x0, y0, x1, y1]: [f64; 4]) -> Option<[usize; 4]> {
        let span = |lines: &[f64], lo: f64, hi: f64| {
            let n = lines.len() - 1;
            if hi < lines[0] || lo >= lines[n] {
                return None;
            }
            let a = interval(lines, lo).unwrap_or(0);
            let b = interval(lines, hi).unwrap_or(n - 1);
            Some((a, b))
        };
        let (i0, i1) = span(&self.xs, x0, x1)?;
        let (j0, j1) = span(&self.ys, y0, y1)?;
        Some([i0, j0, i1, j1])
    }
}

/// The ACM rectangle, of any width `a` and height `b`, through the unit square: in local
/// coordinates ξ = x / a, η = y / b the element's DOFs are (w, a w_x, b w_y) at each
/// corner, and the stiffness is four fixed matrices scaled by the sides.
#[derive(Clone)]
struct Element {
    /// Inverse of the unit square's nodal interpolation matrix: coefficients = c · u_ref.
    c: [[f64; 12]; 12],
    /// ∫ Bᵀ B over the unit square in unit-square DOFs, B the rows w_ξξ (0), w_ηη (1),
    /// both cross terms w_ξξ·w_ηη (2) and 2 w_ξη (3).
    m: [[[f64; 12]; 12]; 4],
    /// Flexural rigidity, N·mm, and Poisson's ratio.
    d: f64,
    nu: f64,
}

/// DOF scale factors of an `a` x `b` element: unit-square DOF = scale x global DOF.
fn dof_scale(a: f64, b: f64) -> [f64; 12] {
    let mut s = [1.0; 12];
    for n in 0..4 {
        s[3 * n + 1] = a;
        s[3 * n + 2] = b;
    }
    s
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
    fn new(mat: &Material) -> Element {
        let mut interp = [[0.0; 12]; 12];
        for (n, &(x, y)) in CORNERS.iter().enumerate() {
            interp[3 * n] = poly(x, y);
            interp[3 * n + 1] = poly_dx(x, y);
            interp[3 * n + 2] = poly_dy(x, y);
        }
        let c = invert12(interp);
        // 3 x 3 Gauss over the unit square (exact: integrands of degree 4 at most).
        let g = [
            (0.5 - 0.5 * 0.6f64.sqrt(), 5.0 / 9.0),
            (0.5, 8.0 / 9.0),
            (0.5 + 0.5 * 0.6f64.sqrt(), 5.0 / 9.0),
        ];
        let mut mp = [[[0.0; 12]; 12]; 4];
        for &(gx, wx) in &g {
            for &(gy, wy) in &g {
                let b = poly_curv(gx, gy);
                let w = wx * wy / 4.0;
                for p in 0..12 {
                    for q in 0..12 {
                        mp[0][p][q] += w * b[0][p] * b[0][q];
                        mp[1][p][q] += w * b[1][p] * b[1][q];
                        mp[2][p][q] += w * (b[0][p] * b[1][q] + b[1][p] * b[0][q]);
                        mp[3][p][q] += w * b[2][p] * b[2][q];
                    }
                }
            }
        }
        // From polynomial coefficients to unit-square DOFs: Cᵀ M C.
        let mut m = [[[0.0; 12]; 12]; 4];
        for (mk, mpk) in m.iter_mut().zip(&mp) {
            let mut tmp = [[0.0; 12]; 12];
            for p in 0..12 {
                for q in 0..12 {
                    tmp[p][q] = (0..12).map(|r| mpk[p][r] * c[r][q]).sum();
                }
            }
            for p in 0..12 {
                for q in 0..12 {
                    mk[p][q] = (0..12).map(|r| c[r][p] * tmp[r][q]).sum();
                }
            }
        }
        Element {
            c,
            m,
            d: mat.flexural_rigidity(),
            nu: mat.poisson_ratio,
        }
    }

    /// 12 x 12 stiffness of the `a` x `b` element, row-major; DOF order: node (0,0),
    /// (a,0), (a,b), (0,b), each (w, w_x, w_y). The bending energy
    /// D ∫ w_xx² + w_yy² + 2ν w_xx w_yy + 2(1-ν) w_xy² over the element, in unit-square
    /// terms (w_xx = w_ξξ / a², w_yy = w_ηη / b², w_xy = w_ξη / ab, dx dy = ab dξ dη).
    fn stiffness(&self, a: f64, b: f64) -> [[f64; 12]; 12] {
        let f = [
            self.d * b / (a * a * a),
            self.d * a / (b * b * b),
            self.d * self.nu / (a * b),
            self.d * (1.0 - self.nu) / (2.0 * a * b),
        ];
        let s = dof_scale(a, b);
        let mut k = [[0.0; 12]; 12];
        for p in 0..12 {
            for q in 0..12 {
                let v: f64 = (0..4).map(|t| f[t] * self.m[t][p][q]).sum();
                k[p][q] = s[p] * s[q] * v;
            }
        }
        k
    }

    /// Shape function values (12, for the element's global DOFs) of the `a` x `b`
    /// element at local point (x, y) in [0, a] x [0, b].
    fn shape(&self, (a, b): (f64, f64), x: f64, y: f64) -> [f64; 12] {
        let p = poly(x / a, y / b);
        let s = dof_scale(a, b);
        let mut n = [0.0; 12];
        for (q, nq) in n.iter_mut().enumerate() {
            *nq = s[q] * (0..12).map(|r| p[r] * self.c[r][q]).sum::<f64>();
        }
        n
    }

    /// Polynomial coefficients (in ξ, η) of the deflection for the `a` x `b` element's
    /// DOFs `u`.
    fn coefficients(&self, (a, b): (f64, f64), u: &[f64; 12]) -> [f64; 12] {
        let s = dof_scale(a, b);
        let mut coef = [0.0; 12];
        for (r, cr) in coef.iter_mut().enumerate() {
            *cr = (0..12).map(|q| self.c[r][q] * s[q] * u[q]).sum();
        }
        coef
    }
}

/// A sparse symmetric positive definite matrix, assembled from (row, column, value)
/// entries of its lower triangle (repeats add up) and factored by sparse Cholesky
/// (faer: fill-reducing ordering, supernodal L Lᵀ).
struct Sparse {
    n: usize,
    entries: Vec<faer::sparse::Triplet<usize, usize, f64>>,
}

/// A factored [`Sparse`] matrix: supernodal (dense blocks, so many right-hand sides
/// solve at matrix-product speed).
struct Cholesky {
    n: usize,
    symbolic: faer::sparse::linalg::cholesky::SymbolicCholesky<usize>,
    values: Vec<f64>,
}

impl Sparse {
    fn new(n: usize) -> Sparse {
        Sparse {
            n,
            entries: Vec::new(),
        }
    }
    fn add(&mut self, i: usize, j: usize, v: f64) {
        let (row, col) = if i >= j { (i, j) } else { (j, i) };
        self.entries.push(faer::sparse::Triplet::new(row, col, v));
    }
    fn factor(self) -> Result<Cholesky, String> {
        use faer::dyn_stack::{MemBuffer, MemStack};
        use faer::sparse::linalg::cholesky as ch;
        let mat = faer::sparse::SparseColMat::<usize, f64>::try_new_from_triplets(
            self.n,
            self.n,
            &self.entries,
        )
        .map_err(|e| format!("plate stiffness matrix: {e:?}"))?;
        let params = ch::CholeskySymbolicParams {
            supernodal_flop_ratio_threshold:
                faer::sparse::linalg::SupernodalThreshold::FORCE_SUPERNODAL,
            ..Default::default()
        };
        let symbolic = ch::factorize_symbolic_cholesky(
            mat.symbolic(),
            faer::Side::Lower,
            ch::SymmetricOrdering::Amd,
            params,
        )
        .map_err(|e| format!("plate stiffness matrix: {e:?}"))?;
        let mut values = vec![0.0; symbolic.len_val()];
        let par = faer::Par::Seq;
        let scratch = symbolic.factorize_numeric_llt_scratch::<f64>(par, Default::default());
        symbolic
            .factorize_numeric_llt(
                &mut values,
                mat.as_ref(),
                faer::Side::Lower,
                Default::default(),
                par,
                MemStack::new(&mut MemBuffer::new(scratch)),
                Default::default(),
            )
            .map_err(|e| format!("plate stiffness matrix is not positive definite: {e:?}"))?;
        Ok(Cholesky {
            n: self.n,
            symbolic,
            values,
        })
    }
}

impl Cholesky {
    /// Solves in place for the columns of `b` (column-major, `n` rows each).
    fn solve(&self, b: &mut [f64]) {
        use faer::dyn_stack::{MemBuffer, MemStack};
        if self.n == 0 || b.is_empty() {
            return;
        }
        let cols = b.len() / self.n;
        let llt = faer::sparse::linalg::cholesky::LltRef::new(&self.symbolic, &self.values);
        let scratch = llt.solve_in_place_scratch::<f64>(cols, faer::Par::Seq);
        llt.solve_in_place_with_conj(
            faer::Conj::No,
            faer::MatMut::from_column_major_slice_mut(b, self.n, cols),
            faer::Par::Seq,
            MemStack::new(&mut MemBuffer::new(scratch)),
        );
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
    /// The element of this material (every cell is a rectangle of it).
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
    chol: Cholesky,
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
        // Row by row (the factorization orders the unknowns itself).
        let mut node_no = vec![usize::MAX; used.len()];
        let mut count = 0;
        for (k, _) in used.iter().enumerate().filter(|(_, u)| **u) {
            node_no[k] = count;
            count += 1;
        }
        let el = Element::new(&material);
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
        let ci = nearest_line(&g.xs, x);
        let cj = nearest_line(&g.ys, y);
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
            let (a, b) = g.cell_size(i, j);
            let sh = self
                .el
                .shape((a, b), (px - ox).clamp(0.0, a), (py - oy).clamp(0.0, b));
            let d = self.cell_dofs(i, j);
            for p in 0..12 {
                out.push((d[p], w * sh[p]));
            }
        };
        let mut kept = 0.0;
        // The element size there: the smaller side of the cell under the centre.
        let h = g.cell_of(x, y).map_or_else(
            || g.max_step(),
            |(i, j)| {
                let (a, b) = g.cell_size(i, j);
                a.min(b)
            },
        );
        if radius >= h / 16.0 {
            // Midpoint rule in polar coordinates: rings at most h/4 apart, points on a
            // ring about as far apart as the rings; the weights add up to 1 exactly.
            let dr_max = (h / 4.0).min(radius / 2.0);
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
        let mut mat = Sparse::new(n);
        // The scale of the matrix: the diagonal of the grid's largest square element.
        let h = g.max_step();
        let diag_scale = el.stiffness(h, h)[0][0];
        let mut f = vec![0.0; n];
        for j in 0..g.ny {
            for i in 0..g.nx {
                if !g.is_active(i, j) {
                    continue;
                }
                let d = self.cell_dofs(i, j);
                let (a, b) = g.cell_size(i, j);
                let k = el.stiffness(a, b);
                for p in 0..12 {
                    if fixed[d[p]] {
                        continue;
                    }
                    for q in 0..12 {
                        if fixed[d[q]] {
                            f[d[p]] -= k[p][q] * value[d[q]];
                        } else if d[p] >= d[q] {
                            mat.add(d[p], d[q], k[p][q]);
                        }
                    }
                }
            }
        }
        let foundation = diag_scale * 1e-12;
        for k in 0..n {
            if fixed[k] {
                mat.add(k, k, diag_scale);
            } else if k % 3 == 0 {
                mat.add(k, k, foundation);
            }
        }
        let springs: Vec<usize> = self
            .anchors
            .iter()
            .map(|&k| 3 * k)
            .filter(|&d| !fixed[d])
            .collect();
        for &d in &springs {
            mat.add(d, d, diag_scale);
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
        let chol = mat.factor()?;
        chol.solve(&mut f);
        // The anchors' influence columns, solved together.
        let mut cols = vec![0.0; n * springs.len()];
        for (c, &d) in springs.iter().enumerate() {
            cols[c * n + d] = 1.0;
        }
        chol.solve(&mut cols);
        let springs = springs
            .iter()
            .zip(cols.chunks_exact(n.max(1)))
            .map(|(&d, col)| (d, diag_scale, col.to_vec()))
            .collect();
        let fact = Factored {
            chol,
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
                    let (a, b) = g.cell_size(i, j);
                    let k = el.stiffness(a, b);
                    r += (0..12).map(|q| k[p][q] * u[d[q]]).sum::<f64>();
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
        let [i0, j0, i1, j1] = g.cells_over([wx0, wy0, wx1, wy1])?;
        // 2-point Gauss in each direction: exact for the curvature (degree 2 per axis
        // at most, one in each variable).
        let gp = [0.5 - 0.5 / 3f64.sqrt(), 0.5 + 0.5 / 3f64.sqrt()];
        let (mut area, mut sum) = (0.0, [0.0f64; 3]);
        for j in j0..=j1 {
            for i in i0..=i1 {
                if !g.is_active(i, j) {
                    continue;
                }
                let (ox, oy) = g.node_xy(i, j);
                let size = g.cell_size(i, j);
                let (ax, bx) = ((wx0 - ox).max(0.0), (wx1 - ox).min(size.0));
                let (ay, by) = ((wy0 - oy).max(0.0), (wy1 - oy).min(size.1));
                if bx <= ax || by <= ay {
                    continue;
                }
                let a = (bx - ax) * (by - ay);
                area += a;
                let coef = &sol.coef[j * g.nx + i];
                for &sx in &gp {
                    for &sy in &gp {
                        let k =
                            curvature_from(coef, size, ax + sx * (bx - ax), ay + sy * (by - ay));
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
        self.state_at(sol, x, y).map(|st| st[0])
    }

    /// Deflection and slopes (w, w_x, w_y) at (x, y) from the solution; None off the
    /// board.
    fn state_at(&self, sol: &Solution, x: f64, y: f64) -> Option<[f64; 3]> {
        let (i, j) = self.grid.cell_at(x, y)?;
        let (ox, oy) = self.grid.node_xy(i, j);
        let (a, b) = self.grid.cell_size(i, j);
        let c = &sol.coef[j * self.grid.nx + i];
        let (lx, ly) = ((x - ox) / a, (y - oy) / b);
        let dot = |p: [f64; 12]| (0..12).map(|q| p[q] * c[q]).sum::<f64>();
        Some([
            dot(poly(lx, ly)),
            dot(poly_dx(lx, ly)) / a,
            dot(poly_dy(lx, ly)) / b,
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
        let grid = Grid::uniform(x0, y0, h, n, n, active);
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
        // Just inside the box from a node on its edge (grid index 0 or n), so a node on
        // a global element edge takes the element the box lies in.
        let inward = |i: usize| {
            if i == 0 {
                1e-9
            } else if i == n {
                -1e-9
            } else {
                0.0
            }
        };
        let mut prescribed = Vec::new();
        for j in 0..=n {
            for i in 0..=n {
                if i != 0 && j != 0 && i != n && j != n {
                    continue;
                }
                let Some(k) = sub.node(i, j) else { continue };
                let (nx_, ny_) = sub.grid.node_xy(i, j);
                let (ex, ey) = (nx_ + inward(i), ny_ + inward(j));
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
        let centre_poly = poly(0.5, 0.5);
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
                let size = g.cell_size(i, j);
                let c = el.coefficients(size, &ue);
                coef[j * g.nx + i] = c;
                let (hx, hy) = (size.0 / 2.0, size.1 / 2.0);
                let strain_ue = half_t * principal_abs(curvature_from(&c, size, hx, hy)) * 1e6;
                let wc: f64 = centre_poly.iter().zip(&c).map(|(a, b)| a * b).sum();
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

/// Curvatures (w_xx, w_yy, w_xy) at local (x, y) of an `a` x `b` element from its
/// coefficients.
fn curvature_from(coef: &[f64; 12], (a, b): (f64, f64), x: f64, y: f64) -> [f64; 3] {
    let rows = poly_curv(x / a, y / b);
    let mut out = [0.0; 3];
    for (r, o) in out.iter_mut().enumerate() {
        *o = (0..12).map(|q| rows[r][q] * coef[q]).sum();
    }
    [out[0] / (a * a), out[1] / (b * b), out[2] / (2.0 * a * b)]
}

/// Largest absolute principal value of the curvature tensor (w_xx, w_yy, w_xy).
fn principal_abs([kxx, kyy, kxy]: [f64; 3]) -> f64 {
    let mean = (kxx + kyy) / 2.0;
    let rad = (((kxx - kyy) / 2.0).powi(2) + kxy * kxy).sqrt();
    (mean + rad).abs().max((mean - rad).abs())
}

/// One constraint of [`ExtraSupports`]: `gᵀu = 0`, its reaction along `g`.
struct Constraint {
    g: SparseVec,
    /// A⁻¹ g: its influence column.
    col: Vec<f64>,
    /// gᵀ u₀, the base solution under it.
    rhs: f64,
    /// gᵀ A⁻¹ e for each anchor spring of the base system.
    on_springs: Vec<f64>,
}

/// Supports added one at a time to a factored plate (capacitance method): each
/// constraint costs one back-substitution for its influence column and its products
/// with the others' (kept, shared by clones, for later solves). A support is either a
/// set of nodes held at `w` = 0 together, or a patch: a disk through which the support
/// pushes with a uniform pressure, holding the plate's mean deflection under it
/// (weighted as that pressure works) at 0.
#[derive(Clone)]
pub struct ExtraSupports<'a> {
    model: &'a PlateModel,
    fact: &'a Factored,
    cons: Vec<std::sync::Arc<Constraint>>,
    /// `gram[r][c]` = g_r · A⁻¹ g_c for c <= r (symmetric).
    gram: Vec<std::sync::Arc<Vec<f64>>>,
    /// Constraints per support, in order.
    groups: Vec<usize>,
    /// Centre of each support (gauge positions).
    centres: Vec<(f64, f64)>,
    /// Whether each support takes part in the solve (a unilateral support that would
    /// pull is switched off, and on again where the plate would move into it).
    active: Vec<bool>,
}

/// The support forces of an [`ExtraSupports::forces`] solve: the constraint forces λ of
/// the active constraints (in order) then the anchors' cancelling spring forces.
pub struct Forces {
    /// Indices (into the constraints) of the active constraints.
    on: Vec<usize>,
    /// λ of each active constraint, then each spring's force.
    x: Vec<f64>,
}

impl<'a> ExtraSupports<'a> {
    /// No support yet, over the factored base system `fact` of `model`.
    pub fn new(model: &'a PlateModel, fact: &'a Factored) -> Self {
        ExtraSupports {
            model,
            fact,
            cons: Vec::new(),
            gram: Vec::new(),
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
        self.push_constraints(vec![gv])[0]
    }

    /// Adds the constraints `gvs` (their influence columns solved together); whether
    /// each was added (not when empty or a repeat).
    fn push_constraints(&mut self, gvs: Vec<SparseVec>) -> Vec<bool> {
        let n = self.model.dofs();
        let mut new: Vec<SparseVec> = Vec::new();
        let mut added = Vec::with_capacity(gvs.len());
        for gv in gvs {
            let gv: SparseVec = gv
                .into_iter()
                .filter(|&(d, v)| !self.fact.fixed[d] && v != 0.0)
                .collect();
            let repeat = self.cons.iter().any(|c| c.g == gv) || new.contains(&gv);
            added.push(!gv.is_empty() && !repeat);
            if !gv.is_empty() && !repeat {
                new.push(gv);
            }
        }
        let mut cols = vec![0.0; n * new.len()];
        for (c, gv) in new.iter().enumerate() {
            for &(d, v) in gv {
                cols[c * n + d] = v;
            }
        }
        self.fact.chol.solve(&mut cols);
        for (gv, col) in new.into_iter().zip(cols.chunks_exact(n.max(1))) {
            self.push_solved(gv, col.to_vec());
        }
        added
    }

    /// Adds the constraint `gv` with its influence column `col`.
    fn push_solved(&mut self, gv: SparseVec, col: Vec<f64>) {
        let dot = |c: &[f64]| gv.iter().map(|&(d, v)| v * c[d]).sum::<f64>();
        let row: Vec<f64> = self
            .cons
            .iter()
            .map(|c| dot(&c.col))
            .chain(std::iter::once(dot(&col)))
            .collect();
        let con = Constraint {
            rhs: dot(&self.fact.base_u),
            on_springs: self.fact.springs.iter().map(|s| dot(&s.2)).collect(),
            g: gv,
            col,
        };
        self.cons.push(std::sync::Arc::new(con));
        self.gram.push(std::sync::Arc::new(row));
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
        self.add_patches(&[(x, y, radius)]);
    }

    /// [`ExtraSupports::add_patch`] for each (x, y, radius), solved together.
    pub fn add_patches(&mut self, patches: &[(f64, f64, f64)]) {
        let gvs = patches
            .iter()
            .map(|&(x, y, r)| self.model.spread(x, y, r))
            .collect();
        for (added, &(x, y, _)) in self.push_constraints(gvs).into_iter().zip(patches) {
            self.groups.push(usize::from(added));
            self.active.push(true);
            self.centres.push((x, y));
        }
    }

    /// Removes the `idx`-th support added (keeps the others' influence columns).
    pub fn remove(&mut self, idx: usize) {
        let start: usize = self.groups[..idx].iter().sum();
        let n = self.groups.remove(idx);
        self.cons.drain(start..start + n);
        self.gram.drain(start..start + n);
        for row in self.gram.iter_mut().skip(start) {
            let mut r = row.as_ref().clone();
            r.drain(start..start + n);
            *row = std::sync::Arc::new(r);
        }
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

    /// g_r · A⁻¹ g_c.
    fn gram_at(&self, r: usize, c: usize) -> f64 {
        if c <= r {
            self.gram[r][c]
        } else {
            self.gram[c][r]
        }
    }

    /// The forces of the active supports and of the springs that cancel the base
    /// system's anchors: a dense system of one row per constraint and spring.
    pub fn forces(&self) -> Forces {
        let mut on: Vec<usize> = Vec::new();
        let mut k = 0;
        for (&n, &act) in self.groups.iter().zip(&self.active) {
            if act {
                on.extend(k..k + n);
            }
            k += n;
        }
        let m1 = on.len();
        let springs = &self.fact.springs;
        let m = m1 + springs.len();
        let u0 = &self.fact.base_u;
        // Unknowns: the constraint forces λ (A u = f + Σ λ g) and the spring forces s
        // that cancel the anchors (A u = f + ... + Σ s e with eᵀu = s / k).
        let mut a = vec![vec![0.0; m + 1]; m];
        for (r, &cr) in on.iter().enumerate() {
            for (c, &cc) in on.iter().enumerate() {
                a[r][c] = self.gram_at(cr, cc);
            }
            let con = &self.cons[cr];
            for (c, &v) in con.on_springs.iter().enumerate() {
                a[r][m1 + c] = v;
                a[m1 + c][r] = v;
            }
            a[r][m] = -con.rhs;
        }
        for (r, &(dr, k, _)) in springs.iter().enumerate() {
            for (c, (_, _, col)) in springs.iter().enumerate() {
                a[m1 + r][m1 + c] = col[dr];
            }
            a[m1 + r][m1 + r] -= 1.0 / k;
            a[m1 + r][m] = -u0[dr];
        }
        Forces {
            on,
            x: solve_dense(a),
        }
    }

    /// Each support's reaction (force on the plate, N, + towards the top face) under
    /// `forces`.
    pub fn reactions(&self, forces: &Forces) -> Vec<f64> {
        let mut reactions = Vec::with_capacity(self.groups.len());
        let mut k = 0;
        for (&n, &act) in self.groups.iter().zip(&self.active) {
            if act {
                reactions.push(forces.x[k..k + n].iter().sum());
                k += n;
            } else {
                reactions.push(0.0);
            }
        }
        reactions
    }

    /// What the `idx`-th support holds at zero under `forces`: the plate's deflection
    /// under it, mm (+ towards the top face), as its pressure weighs it (the mean over
    /// its patch; the sum over a group's nodes). None for a support without constraints.
    pub fn held_deflection(&self, forces: &Forces, idx: usize) -> Option<f64> {
        let start: usize = self.groups[..idx].iter().sum();
        let n = *self.groups.get(idx)?;
        let springs = self.forces_of_springs(forces);
        let held = (start..start + n).map(|r| {
            let con = &self.cons[r];
            let on: f64 = forces
                .on
                .iter()
                .zip(&forces.x)
                .map(|(&c, l)| self.gram_at(r, c) * l)
                .sum();
            let sp: f64 = con.on_springs.iter().zip(springs).map(|(g, s)| g * s).sum();
            con.rhs + on + sp
        });
        (n > 0).then(|| held.sum())
    }

    /// The spring forces of `forces`.
    fn forces_of_springs<'f>(&self, forces: &'f Forces) -> &'f [f64] {
        &forces.x[forces.on.len()..]
    }

    /// The solution under `forces`.
    pub fn solution(&self, forces: &Forces) -> Solution {
        let mut u = self.fact.base_u.clone();
        let cols = forces
            .on
            .iter()
            .map(|&c| self.cons[c].col.as_slice())
            .chain(self.fact.springs.iter().map(|s| s.2.as_slice()));
        for (col, &l) in cols.zip(&forces.x) {
            if l != 0.0 {
                for (uk, ck) in u.iter_mut().zip(col) {
                    *uk += ck * l;
                }
            }
        }
        self.model.evaluate(u, &self.centres)
    }

    /// The solution with every support added so far (and the base system's anchor
    /// springs cancelled), and each support's reaction (force on the plate, N, + towards
    /// the top face).
    pub fn solve(&self) -> (Solution, Vec<f64>) {
        let forces = self.forces();
        (self.solution(&forces), self.reactions(&forces))
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
        // Row by row over slices (the same operations, in the same order, as indexing
        // each element: the bits are the same, and the loop vectorises).
        let (upper, lower) = a.split_at_mut(col + 1);
        let pivot = &upper[col][col..];
        for row in lower {
            let f = row[col] / d;
            if f != 0.0 {
                for (x, p) in row[col..].iter_mut().zip(pivot) {
                    *x -= f * p;
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
        Grid::uniform(
            0.0,
            0.0,
            a / cells as f64,
            cells,
            cells,
            vec![true; cells * cells],
        )
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
        Grid::uniform(0.0, 0.0, h, nx, ny, vec![true; nx * ny])
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
    fn graded_rectangles_match_navier() {
        // The reference case on a graded grid: cells of 0.4 mm at the load growing to
        // 3 mm away from it, rectangles of every aspect up to 7.5.
        let lines = |len: f64, at: f64| {
            let mut v = vec![0.0];
            while v[v.len() - 1] < len {
                let x: f64 = v[v.len() - 1];
                let step = (0.4 + 0.25 * (x - at).abs()).min(3.0);
                v.push((x + step).min(len));
            }
            v
        };
        let (xs, ys) = (lines(60.0, 21.0), lines(40.0, 15.0));
        let (nx, ny) = (xs.len() - 1, ys.len() - 1);
        let grid = Grid {
            xs,
            ys,
            nx,
            ny,
            active: vec![true; nx * ny],
        };
        let mut model = PlateModel::new(grid, FR4);
        simply_support(&mut model);
        model.add_patch_load(23.3, 17.1, 2.0, 20.0);
        model.set_gauge(3.0);
        let (_, sol) = model.solve().unwrap();
        let e = model.gauge_strain(&sol, 23.3, 17.1, 3.0).unwrap();
        let exact = navier_reference(2.0, 300);
        eprintln!("graded grid {nx} x {ny}: {e:.1} µε, Navier {exact:.1} µε");
        assert!((e / exact - 1.0).abs() < 0.02, "{e} vs {exact}");
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
