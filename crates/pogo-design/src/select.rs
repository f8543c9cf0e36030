//! Probe selection: a vertex-packing / set-cover problem on the conflict graph of
//! probe options (Kouvelis, Yu and Luo, "Vertex packing problem application to the
//! design of electronic testing fixtures").
//!
//! A vertex is one option: a candidate target with one probe class. Two options
//! conflict when they are on the same side and closer than the larger class spacing
//! of the two, or when they are two classes of the same target. We choose an
//! independent set that gives each net its required number of probes, preferring
//! larger classes. Method (deterministic for the same input):
//! 1. greedy in order of scarcity (nets with the fewest options first), then class
//!    (largest first), then the fewest conflicts with other nets' options;
//! 2. local improvement: an uncovered net takes an option whose blockers (up to 3
//!    probes) can each move to another option of their own net (augmenting swaps);
//! 3. class upgrade: a probe moves to a larger class option of its net when free;
//! 4. exact branch and bound on every conflict component of at most
//!    [`EXACT_COMPONENT_MAX`] options, with the rest of the selection fixed: on small
//!    boards every component is small and the result is exact.
//!
//! The conflict graph is built with an R-tree: each option queries only its
//! neighbourhood of radius = the largest class spacing, so it is near linear.

use pogo_board::PointMm;
use rstar::{RTree, primitives::GeomWithData};

/// Components up to this many options are solved exactly.
pub(crate) const EXACT_COMPONENT_MAX: usize = 28;
const NODE_LIMIT: usize = 200_000;

#[derive(Debug, Clone)]
pub(crate) struct Opt {
    pub(crate) cand: usize,
    pub(crate) net: usize,
    /// Class rank: 0 for the largest class allowed.
    pub(crate) rank: u8,
    pub(crate) pos: PointMm,
    pub(crate) spacing_mm: f64,
}

/// Adjacency lists of the conflict graph (sorted, no duplicates).
pub(crate) fn conflict_graph(opts: &[Opt]) -> Vec<Vec<u32>> {
    let max_spacing = opts.iter().map(|o| o.spacing_mm).fold(0.0, f64::max);
    let tree: RTree<GeomWithData<[f64; 2], u32>> = RTree::bulk_load(
        opts.iter()
            .enumerate()
            .map(|(i, o)| GeomWithData::new([o.pos.x, o.pos.y], i as u32))
            .collect(),
    );
    opts.iter()
        .enumerate()
        .map(|(i, o)| {
            let mut adj: Vec<u32> = tree
                .locate_within_distance([o.pos.x, o.pos.y], max_spacing * max_spacing)
                .map(|g| g.data)
                .filter(|&j| {
                    let j = j as usize;
                    if j == i {
                        return false;
                    }
                    let p = &opts[j];
                    p.cand == o.cand || conflicts(o.pos, o.spacing_mm, p.pos, p.spacing_mm)
                })
                .collect();
            adj.sort_unstable();
            adj
        })
        .collect()
}

/// Two probes conflict when closer than the larger spacing of the two (1 nm slack).
pub(crate) fn conflicts(a: PointMm, sa: f64, b: PointMm, sb: f64) -> bool {
    a.distance_mm(b) < sa.max(sb) - 1e-6
}

struct State<'a> {
    opts: &'a [Opt],
    adj: &'a [Vec<u32>],
    selected: Vec<bool>,
    /// Probes still needed per net.
    need: Vec<u32>,
    /// Options per net, in preference order.
    by_net: Vec<Vec<usize>>,
}

impl State<'_> {
    fn free(&self, o: usize, ignoring: &[usize]) -> bool {
        self.adj[o]
            .iter()
            .all(|&j| !self.selected[j as usize] || ignoring.contains(&(j as usize)))
    }
    fn select(&mut self, o: usize) {
        debug_assert!(!self.selected[o]);
        self.selected[o] = true;
        let n = self.opts[o].net;
        self.need[n] = self.need[n].saturating_sub(1);
    }
    fn unselect(&mut self, o: usize) {
        self.selected[o] = false;
        self.need[self.opts[o].net] += 1;
    }
}

/// Chooses options; `need[net]` is the number of probes each net still needs (updated).
/// Returns the chosen option indices, sorted.
pub(crate) fn select(opts: &[Opt], adj: &[Vec<u32>], need: &mut [u32]) -> Vec<usize> {
    let n_nets = need.len();
    let degree: Vec<usize> = (0..opts.len())
        .map(|i| {
            adj[i]
                .iter()
                .filter(|&&j| opts[j as usize].net != opts[i].net)
                .count()
        })
        .collect();
    let pref = |a: &usize, b: &usize| {
        let (x, y) = (&opts[*a], &opts[*b]);
        x.rank
            .cmp(&y.rank)
            .then(degree[*a].cmp(&degree[*b]))
            .then(x.pos.y.total_cmp(&y.pos.y))
            .then(x.pos.x.total_cmp(&y.pos.x))
            .then(a.cmp(b))
    };
    let mut by_net: Vec<Vec<usize>> = vec![Vec::new(); n_nets];
    for (i, o) in opts.iter().enumerate() {
        if need[o.net] > 0 {
            by_net[o.net].push(i);
        }
    }
    for list in &mut by_net {
        list.sort_by(pref);
    }
    // Scarcity: distinct candidates per net.
    let scarcity: Vec<usize> = by_net
        .iter()
        .map(|l| {
            let mut c: Vec<usize> = l.iter().map(|&i| opts[i].cand).collect();
            c.sort_unstable();
            c.dedup();
            c.len()
        })
        .collect();
    let mut order: Vec<usize> = by_net.iter().flatten().copied().collect();
    order.sort_by(|a, b| {
        scarcity[opts[*a].net]
            .cmp(&scarcity[opts[*b].net])
            .then_with(|| pref(a, b))
    });

    let mut st = State {
        opts,
        adj,
        selected: vec![false; opts.len()],
        need: need.to_vec(),
        by_net,
    };
    // 1. Greedy.
    for &o in &order {
        if st.need[opts[o].net] > 0 && st.free(o, &[]) {
            st.select(o);
        }
    }
    // 2. Local improvement (augmenting swaps), 3. class upgrades.
    for _pass in 0..4 {
        let mut changed = false;
        for net in 0..n_nets {
            while st.need[net] > 0 {
                if !augment(&mut st, net) {
                    break;
                }
                changed = true;
            }
        }
        changed |= upgrade(&mut st);
        if !changed {
            break;
        }
    }
    // 4. Exact on small components.
    exact_components(&mut st);
    need.copy_from_slice(&st.need);
    (0..opts.len()).filter(|&i| st.selected[i]).collect()
}

fn augment(st: &mut State, net: usize) -> bool {
    let options = st.by_net[net].clone();
    for o in options {
        if st.selected[o] {
            continue;
        }
        let blockers: Vec<usize> = st.adj[o]
            .iter()
            .map(|&j| j as usize)
            .filter(|&j| st.selected[j])
            .collect();
        if blockers.len() > 3 || blockers.iter().any(|&b| st.opts[b].net == net) {
            continue;
        }
        for &b in &blockers {
            st.unselect(b);
        }
        st.select(o);
        let mut placed = Vec::new();
        let mut ok = true;
        for &b in &blockers {
            let bn = st.opts[b].net;
            if st.need[bn] == 0 {
                continue;
            }
            let replacement = st.by_net[bn]
                .iter()
                .copied()
                .find(|&r| r != b && !st.selected[r] && st.free(r, &[]));
            match replacement {
                Some(r) => {
                    st.select(r);
                    placed.push(r);
                }
                None => {
                    ok = false;
                    break;
                }
            }
        }
        if ok {
            return true;
        }
        for r in placed {
            st.unselect(r);
        }
        st.unselect(o);
        for &b in &blockers {
            st.select(b);
        }
    }
    false
}

fn upgrade(st: &mut State) -> bool {
    let mut changed = false;
    for s in 0..st.opts.len() {
        if !st.selected[s] {
            continue;
        }
        let net = st.opts[s].net;
        let better = st.by_net[net]
            .iter()
            .copied()
            .find(|&r| st.opts[r].rank < st.opts[s].rank && !st.selected[r] && st.free(r, &[s]));
        if let Some(r) = better {
            st.unselect(s);
            st.select(r);
            changed = true;
        }
    }
    changed
}

fn exact_components(st: &mut State) {
    let n = st.opts.len();
    let mut comp = vec![usize::MAX; n];
    let mut count = 0;
    for start in 0..n {
        if comp[start] != usize::MAX {
            continue;
        }
        let mut members = vec![start];
        comp[start] = count;
        let mut k = 0;
        while k < members.len() {
            let v = members[k];
            k += 1;
            for &j in &st.adj[v] {
                let j = j as usize;
                if comp[j] == usize::MAX {
                    comp[j] = count;
                    members.push(j);
                }
            }
        }
        count += 1;
        // Only components that can improve: a net there still in need, or a probe
        // there below the largest class.
        let improvable = members
            .iter()
            .any(|&m| st.need[st.opts[m].net] > 0 || (st.selected[m] && st.opts[m].rank > 0));
        if improvable && members.len() <= EXACT_COMPONENT_MAX && members.len() > 1 {
            members.sort_unstable();
            solve_component(st, &members);
        }
    }
}

type Score = (i64, i64, i64);
type ScoreFn<'a> = dyn Fn(&[bool], &[u32]) -> Score + 'a;

/// The branch and bound of [`solve_component`] over the component's options in
/// `local` order: each option taken (when its net still needs a probe and no taken
/// neighbour conflicts with it), then left out.
struct ComponentSearch<'a> {
    st: &'a State<'a>,
    /// The component's options (indices into `st.opts`), sorted.
    local: &'a [usize],
    /// Conflicts between the component's options, as indices into `local`.
    ladj: &'a [Vec<usize>],
    /// Needs as if the component were empty.
    need: &'a [u32],
    score: &'a ScoreFn<'a>,
    /// The options taken on the current branch.
    sel: Vec<bool>,
    /// Needs left on the current branch.
    left: Vec<u32>,
    /// The best selection found so far, with its score.
    best: (Score, Vec<bool>),
    /// Branches searched, up to [`NODE_LIMIT`].
    nodes: usize,
}

impl ComponentSearch<'_> {
    /// Searches the choices for options `k..` with `covered` requirements met by the
    /// ones before.
    fn branch(&mut self, k: usize, covered: i64) {
        self.nodes += 1;
        if self.nodes > NODE_LIMIT {
            return;
        }
        // Bound: each remaining option can add at most one probe to a net still in need.
        let mut room: std::collections::BTreeMap<usize, u32> = Default::default();
        for &g in &self.local[k..] {
            let n = self.st.opts[g].net;
            *room.entry(n).or_default() += 1;
        }
        let bound: i64 = covered
            + room
                .iter()
                .map(|(n, c)| (*c).min(self.left[*n]) as i64)
                .sum::<i64>();
        if bound < self.best.0.0 {
            return;
        }
        if k == self.local.len() {
            let s = (self.score)(&self.sel, self.need);
            if s > self.best.0 {
                self.best = (s, self.sel.clone());
            }
            return;
        }
        let net = self.st.opts[self.local[k]].net;
        if self.left[net] > 0 && self.ladj[k].iter().all(|&j| !self.sel[j]) {
            self.sel[k] = true;
            self.left[net] -= 1;
            self.branch(k + 1, covered + 1);
            self.left[net] += 1;
            self.sel[k] = false;
        }
        self.branch(k + 1, covered);
    }
}

/// Exact optimum of one component with everything else fixed: most net requirements
/// met, then the smallest sum of class ranks, then the fewest probes.
fn solve_component(st: &mut State, members: &[usize]) {
    // Needs as if the component were empty.
    let mut need = st.need.clone();
    for &m in members {
        if st.selected[m] {
            need[st.opts[m].net] += 1;
        }
    }
    if members.iter().all(|&m| need[st.opts[m].net] == 0) {
        return;
    }
    let local: Vec<usize> = members.to_vec();
    let index_of = |g: usize| local.binary_search(&g).ok();
    let ladj: Vec<Vec<usize>> = local
        .iter()
        .map(|&g| {
            st.adj[g]
                .iter()
                .filter_map(|&j| index_of(j as usize))
                .collect()
        })
        .collect();
    let score = |sel: &[bool], need: &[u32]| -> (i64, i64, i64) {
        let mut got: std::collections::BTreeMap<usize, u32> = Default::default();
        let mut ranks = 0i64;
        let mut probes = 0i64;
        for (k, &s) in sel.iter().enumerate() {
            if s {
                *got.entry(st.opts[local[k]].net).or_default() += 1;
                ranks += st.opts[local[k]].rank as i64;
                probes += 1;
            }
        }
        let covered: i64 = got.iter().map(|(n, c)| (*c).min(need[*n]) as i64).sum();
        (covered, -ranks, -probes)
    };
    let incumbent: Vec<bool> = local.iter().map(|&g| st.selected[g]).collect();
    let mut search = ComponentSearch {
        st,
        local: &local,
        ladj: &ladj,
        need: &need,
        score: &score,
        sel: vec![false; local.len()],
        left: need.clone(),
        best: (score(&incumbent, &need), incumbent),
        nodes: 0,
    };
    search.branch(0, 0);
    let best = search.best;
    for (k, &g) in local.iter().enumerate() {
        if st.selected[g] && !best.1[k] {
            st.unselect(g);
        }
    }
    for (k, &g) in local.iter().enumerate() {
        if !st.selected[g] && best.1[k] {
            st.select(g);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opt(cand: usize, net: usize, rank: u8, x: f64, spacing: f64) -> Opt {
        Opt {
            cand,
            net,
            rank,
            pos: PointMm::new(x, 0.0),
            spacing_mm: spacing,
        }
    }

    /// The options selected when each of `nets` nets needs one probe; every net gets it.
    fn one_probe_per_net(opts: &[Opt], nets: usize) -> Vec<usize> {
        let adj = conflict_graph(opts);
        let mut need = vec![1; nets];
        let chosen = select(opts, &adj, &mut need);
        assert_eq!(need, vec![0; nets], "{chosen:?}");
        chosen
    }

    fn brute(opts: &[Opt], need: &[u32]) -> i64 {
        let adj = conflict_graph(opts);
        let n = opts.len();
        let mut best = 0;
        for mask in 0u32..(1 << n) {
            let ok = (0..n)
                .all(|i| mask & (1 << i) == 0 || adj[i].iter().all(|&j| mask & (1 << j) == 0));
            if !ok {
                continue;
            }
            let mut got = vec![0u32; need.len()];
            for i in 0..n {
                if mask & (1 << i) != 0 {
                    got[opts[i].net] += 1;
                }
            }
            best = best.max((0..need.len()).map(|k| got[k].min(need[k]) as i64).sum());
        }
        best
    }

    #[test]
    fn greedy_trap_is_solved() {
        // Net 0 has two options; the first (preferred by position) blocks nets 1 and 2.
        let opts = vec![
            opt(0, 0, 0, 1.3, 2.54),
            opt(1, 0, 0, 10.0, 2.54),
            opt(2, 1, 0, 0.0, 2.54),
            opt(3, 2, 0, 2.6, 2.54),
        ];
        assert!(!one_probe_per_net(&opts, 3).contains(&0));
    }

    #[test]
    fn spacing_and_class_choice() {
        // Two targets 2.0 mm apart: P100 (2.54) conflicts, P75 (1.91) fits.
        let opts = vec![
            opt(0, 0, 0, 0.0, 2.54),
            opt(0, 0, 1, 0.0, 1.91),
            opt(1, 1, 0, 2.0, 2.54),
            opt(1, 1, 1, 2.0, 1.91),
            opt(2, 2, 0, 20.0, 2.54),
            opt(2, 2, 1, 20.0, 1.91),
        ];
        assert_eq!(
            one_probe_per_net(&opts, 3),
            vec![1, 3, 4],
            "P75 where needed, P100 elsewhere"
        );
    }

    #[test]
    fn matches_brute_force_on_random_small_instances() {
        // Deterministic pseudo-random instances (LCG), compared with exhaustive search.
        let mut seed = 12345u64;
        let mut rnd = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as f64 / (1u64 << 31) as f64
        };
        for _ in 0..60 {
            let n = 6 + (rnd() * 8.0) as usize;
            let nets = 2 + (rnd() * 5.0) as usize;
            let opts: Vec<Opt> = (0..n)
                .map(|i| Opt {
                    cand: i,
                    net: (rnd() * nets as f64) as usize % nets,
                    rank: 0,
                    pos: PointMm::new(rnd() * 8.0, rnd() * 4.0),
                    spacing_mm: if rnd() < 0.5 { 2.54 } else { 1.27 },
                })
                .collect();
            let need: Vec<u32> = (0..nets).map(|_| 1 + (rnd() < 0.3) as u32).collect();
            let adj = conflict_graph(&opts);
            let mut left = need.clone();
            let chosen = select(&opts, &adj, &mut left);
            for &a in &chosen {
                for &b in &chosen {
                    assert!(
                        a == b || !adj[a].contains(&(b as u32)),
                        "conflict in selection"
                    );
                }
            }
            let got: i64 = need.iter().zip(&left).map(|(n, l)| (n - l) as i64).sum();
            assert_eq!(got, brute(&opts, &need), "{opts:?} {need:?}");
        }
    }
}
