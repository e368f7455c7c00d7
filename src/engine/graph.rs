//! The dependency graph's algorithms: topological ordering of a set of
//! formula cells (Kahn), and the circular references left over (Tarjan's
//! strongly connected components), all iterative so that a chain of a
//! million cells cannot overflow the stack.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

/// A removed reader, until the next [`Dependents::compact`].
const GONE: u32 = u32::MAX;

/// Which cells read each cell, as compressed rows: the readers of cell `u`
/// are `flat[offsets[u]..offsets[u + 1]]`. That is 4 bytes a cell and 4 an
/// edge, where a list per cell took 24 bytes a cell (at 10,000 × 120, 15
/// MB instead of 32).
///
/// Formula edits between two full plans change it in place: a removed
/// reader becomes a tombstone and an added one goes to a short list of its
/// cell; [`Dependents::compact`] folds both back into the rows (the engine
/// does so when it makes the next full plan, which walks every cell
/// anyway).
#[derive(Debug, Default, Clone)]
pub struct Dependents {
    offsets: Vec<u32>,
    flat: Vec<u32>,
    added: HashMap<u32, smallvec::SmallVec<[u32; 2]>>,
    removed: usize,
}

impl Dependents {
    /// The graph of `n` cells with `edges` (cell, a cell that reads it); the
    /// readers of a cell keep the order of `edges`.
    pub fn from_edges(n: usize, edges: &[(u32, u32)]) -> Dependents {
        let mut offsets = vec![0u32; n + 1];
        for &(cell, _) in edges {
            if let Some(count) = offsets.get_mut(cell as usize + 1) {
                *count += 1;
            }
        }
        for i in 1..offsets.len() {
            offsets[i] += offsets[i - 1];
        }
        let mut next: Vec<u32> = offsets[..n].to_vec();
        let mut flat = vec![GONE; offsets[n] as usize];
        for &(cell, reader) in edges {
            if let Some(at) = next.get_mut(cell as usize) {
                flat[*at as usize] = reader;
                *at += 1;
            }
        }
        Dependents {
            offsets,
            flat,
            added: HashMap::new(),
            removed: 0,
        }
    }

    /// Number of cells.
    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// True if there are no cells.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The cells that read `cell`.
    pub fn readers(&self, cell: u32) -> impl Iterator<Item = u32> + '_ {
        let at = cell as usize;
        let stored = match (self.offsets.get(at), self.offsets.get(at + 1)) {
            (Some(&a), Some(&b)) => &self.flat[a as usize..b as usize],
            _ => &[],
        };
        // An empty map is not even hashed into: between formula edits,
        // the common case, the walk reads the rows alone.
        let added: &[u32] = if self.added.is_empty() {
            &[]
        } else {
            self.added.get(&cell).map_or(&[], |list| list.as_slice())
        };
        stored
            .iter()
            .copied()
            .filter(|&d| d != GONE)
            .chain(added.iter().copied())
    }

    /// Where the readers of `cell` are stored (`flat[a..b]`, see
    /// [`Dependents::stored`]), when nothing was added or removed since the
    /// last compaction.
    pub fn compact_span(&self, cell: u32) -> Option<(usize, usize)> {
        if !self.added.is_empty() || self.removed != 0 {
            return None;
        }
        let at = cell as usize;
        match (self.offsets.get(at), self.offsets.get(at + 1)) {
            (Some(&a), Some(&b)) => Some((a as usize, b as usize)),
            _ => Some((0, 0)),
        }
    }

    /// Every stored reader, cell after cell.
    pub fn stored(&self) -> &[u32] {
        &self.flat
    }

    /// Records that `reader` reads `cell`.
    pub fn add(&mut self, cell: u32, reader: u32) {
        if (cell as usize) < self.len() {
            self.added.entry(cell).or_default().push(reader);
        }
    }

    /// Records that `reader` no longer reads `cell`.
    pub fn remove(&mut self, cell: u32, reader: u32) {
        let at = cell as usize;
        if at >= self.len() {
            return;
        }
        if let Some(list) = self.added.get_mut(&cell) {
            list.retain(|d| *d != reader);
            if list.is_empty() {
                self.added.remove(&cell);
            }
        }
        let (a, b) = (self.offsets[at] as usize, self.offsets[at + 1] as usize);
        for slot in &mut self.flat[a..b] {
            if *slot == reader {
                *slot = GONE;
                self.removed += 1;
            }
        }
    }

    /// Records that no cell reads `cell` any more.
    pub fn clear(&mut self, cell: u32) {
        let at = cell as usize;
        if at >= self.len() {
            return;
        }
        self.added.remove(&cell);
        let (a, b) = (self.offsets[at] as usize, self.offsets[at + 1] as usize);
        for slot in &mut self.flat[a..b] {
            if *slot != GONE {
                *slot = GONE;
                self.removed += 1;
            }
        }
    }

    /// Folds the edits since the last compaction into the rows.
    pub fn compact(&mut self) {
        if self.added.is_empty() && self.removed == 0 {
            return;
        }
        let n = self.len();
        let mut offsets = Vec::with_capacity(n + 1);
        let mut flat = Vec::with_capacity(
            self.flat.len() - self.removed + self.added.values().map(|l| l.len()).sum::<usize>(),
        );
        offsets.push(0);
        for cell in 0..n as u32 {
            flat.extend(self.readers(cell));
            offsets.push(flat.len() as u32);
        }
        *self = Dependents {
            offsets,
            flat,
            added: HashMap::new(),
            removed: 0,
        };
    }

    /// Bytes held, for the memory figures.
    pub fn heap_bytes(&self) -> usize {
        (self.offsets.capacity() + self.flat.capacity()) * 4
            + self
                .added
                .values()
                .map(|l| 16 + l.capacity() * 4)
                .sum::<usize>()
    }
}

/// The evaluation plan for a set of formula cells.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Plan {
    /// Cells that can be computed, in an order where every cell comes after
    /// the cells it reads, except those listed in `after_cycles`.
    pub order: Vec<u32>,
    /// Each circular reference: the cells of one strongly connected
    /// component, starting with a cycle through its first cell.
    pub cycles: Vec<Vec<u32>>,
    /// Cells that read (directly or not) a cell of a cycle, in order; they
    /// are computed after the cycle cells have been given their error.
    pub after_cycles: Vec<u32>,
}

/// Scratch space reused between plans, so an edit allocates little.
#[derive(Debug, Default, Clone)]
pub struct Scratch {
    stamp: Vec<u32>,
    epoch: u32,
    indegree: Vec<u32>,
}

impl Scratch {
    fn begin(&mut self, n_cells: usize) {
        if self.stamp.len() < n_cells {
            self.stamp.resize(n_cells, 0);
            self.indegree.resize(n_cells, 0);
        }
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.stamp.iter_mut().for_each(|s| *s = 0);
            self.epoch = 1;
        }
    }

    fn mark(&mut self, cell: u32) -> bool {
        let slot = &mut self.stamp[cell as usize];
        if *slot == self.epoch {
            false
        } else {
            *slot = self.epoch;
            true
        }
    }

    fn marked(&self, cell: u32) -> bool {
        self.stamp.get(cell as usize) == Some(&self.epoch)
    }
}

/// Orders `cells` (formula cells, no duplicates) so that each comes after the
/// cells of the set that it reads. Edges to cells outside the set are ignored.
pub fn plan(cells: &[u32], dependents: &Dependents, scratch: &mut Scratch) -> Plan {
    scratch.begin(dependents.len());
    for &cell in cells {
        scratch.mark(cell);
        scratch.indegree[cell as usize] = 0;
    }
    // Cells are numbered row by row, and most models read earlier rows
    // and earlier periods: then every edge runs forwards, and the cells in
    // number order are the order Kahn's algorithm below would find.
    let mut forwards = cells.windows(2).all(|w| w[0] < w[1]);
    for &cell in cells {
        for d in dependents_of(dependents, cell) {
            if scratch.marked(d) {
                scratch.indegree[d as usize] += 1;
                forwards &= d > cell;
            }
        }
    }
    if forwards {
        return Plan {
            order: cells.to_vec(),
            ..Plan::default()
        };
    }
    // Kahn's algorithm, always taking the smallest ready cell: cells are
    // numbered row by row, so the order stays as close to memory order as
    // the dependencies allow, which keeps evaluation cache-friendly.
    let mut ready: BinaryHeap<Reverse<u32>> = cells
        .iter()
        .copied()
        .filter(|&c| scratch.indegree[c as usize] == 0)
        .map(Reverse)
        .collect();
    let mut order: Vec<u32> = Vec::with_capacity(cells.len());
    while let Some(Reverse(cell)) = ready.pop() {
        order.push(cell);
        for d in dependents_of(dependents, cell) {
            if scratch.marked(d) {
                let slot = &mut scratch.indegree[d as usize];
                *slot -= 1;
                if *slot == 0 {
                    ready.push(Reverse(d));
                }
            }
        }
    }
    if order.len() == cells.len() {
        return Plan {
            order,
            ..Plan::default()
        };
    }

    // Some cells wait on a cycle. Find the cycles among them.
    let stuck: Vec<u32> = cells
        .iter()
        .copied()
        .filter(|&c| scratch.indegree[c as usize] > 0)
        .collect();
    let cycles = cycles_among(&stuck, dependents);
    let in_cycle: std::collections::HashSet<u32> = cycles.iter().flatten().copied().collect();
    let rest: Vec<u32> = stuck
        .into_iter()
        .filter(|c| !in_cycle.contains(c))
        .collect();
    // The rest only wait on cycle cells (now resolved) and on each other.
    let after = plan(&rest, dependents, scratch);
    let mut cycles = cycles;
    cycles.extend(after.cycles);
    let mut after_cycles = after.order;
    after_cycles.extend(after.after_cycles);
    Plan {
        order,
        cycles,
        after_cycles,
    }
}

fn dependents_of(dependents: &Dependents, cell: u32) -> impl Iterator<Item = u32> + '_ {
    dependents.readers(cell)
}

/// Strongly connected components of `cells` that form cycles (more than one
/// cell, or one cell that reads itself), each rotated to start with a cycle
/// path through its first cell.
fn cycles_among(cells: &[u32], dependents: &Dependents) -> Vec<Vec<u32>> {
    let index_of: HashMap<u32, usize> = cells.iter().enumerate().map(|(i, &c)| (c, i)).collect();
    let n = cells.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0usize; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<usize> = Vec::new();
    let mut components: Vec<Vec<u32>> = Vec::new();
    let mut next_index = 0;
    let successors = |v: usize| -> Vec<usize> {
        dependents_of(dependents, cells[v])
            .filter_map(|d| index_of.get(&d).copied())
            .collect()
    };
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        // Iterative Tarjan: a call stack of (node, its successors, next successor).
        let mut calls: Vec<(usize, Vec<usize>, usize)> = vec![(root, successors(root), 0)];
        index[root] = next_index;
        low[root] = next_index;
        next_index += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some((v, succ, pos)) = calls.last_mut() {
            let v = *v;
            if *pos < succ.len() {
                let w = succ[*pos];
                *pos += 1;
                if index[w] == usize::MAX {
                    index[w] = next_index;
                    low[w] = next_index;
                    next_index += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    calls.push((w, successors(w), 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
            } else {
                calls.pop();
                if let Some((parent, _, _)) = calls.last() {
                    low[*parent] = low[*parent].min(low[v]);
                }
                if low[v] == index[v] {
                    let mut component = Vec::new();
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        component.push(cells[w]);
                        if w == v {
                            break;
                        }
                    }
                    let is_cycle = component.len() > 1
                        || dependents_of(dependents, component[0]).any(|d| d == component[0]);
                    if is_cycle {
                        components.push(component);
                    }
                }
            }
        }
    }
    components
        .into_iter()
        .map(|component| with_cycle_first(component, dependents))
        .collect()
}

/// Reorders a component so that it starts with one cycle through its smallest
/// cell (found by breadth-first search), followed by the other members.
fn with_cycle_first(mut component: Vec<u32>, dependents: &Dependents) -> Vec<u32> {
    use std::collections::{HashSet, VecDeque};
    component.sort_unstable();
    let Some(&start) = component.first() else {
        return component;
    };
    let members: HashSet<u32> = component.iter().copied().collect();
    let mut parent: HashMap<u32, u32> = HashMap::new();
    let mut queue = VecDeque::from([start]);
    let mut end = None;
    while let Some(u) = queue.pop_front() {
        for d in dependents_of(dependents, u) {
            if d == start {
                end = Some(u);
                break;
            }
            if members.contains(&d) && !parent.contains_key(&d) {
                parent.insert(d, u);
                queue.push_back(d);
            }
        }
        if end.is_some() {
            break;
        }
    }
    let mut path = vec![];
    let mut at = end;
    while let Some(cell) = at {
        path.push(cell);
        if cell == start {
            break;
        }
        at = parent.get(&cell).copied();
    }
    path.reverse();
    let on_path: HashSet<u32> = path.iter().copied().collect();
    path.extend(component.iter().copied().filter(|c| !on_path.contains(c)));
    path
}

/// Every cell reachable from `seeds` through `dependents`, seeds included,
/// in discovery order.
pub fn reachable(seeds: &[u32], dependents: &Dependents, scratch: &mut Scratch) -> Vec<u32> {
    scratch.begin(dependents.len());
    let mut found: Vec<u32> = Vec::with_capacity(seeds.len());
    for &seed in seeds {
        if (seed as usize) < dependents.len() && scratch.mark(seed) {
            found.push(seed);
        }
    }
    let mut head = 0;
    while head < found.len() {
        let cell = found[head];
        head += 1;
        for d in dependents_of(dependents, cell) {
            if scratch.mark(d) {
                found.push(d);
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(edges: &[(u32, u32)], n: usize) -> Dependents {
        Dependents::from_edges(n, edges)
    }

    #[test]
    fn orders_a_chain() {
        // 0 → 1 → 2, and 0 → 2
        let deps = graph(&[(0, 1), (1, 2), (0, 2)], 3);
        let plan = plan(&[2, 1, 0], &deps, &mut Scratch::default());
        assert_eq!(plan.order, vec![0, 1, 2]);
        assert!(plan.cycles.is_empty());
    }

    #[test]
    fn forward_edges_give_the_order_kahn_finds() {
        // Each cell reads a few earlier ones, as in a model whose rows read
        // earlier rows: the number order (taken without Kahn's algorithm)
        // is what Kahn's algorithm finds from the cells out of order.
        let mut rng = crate::model::generate::Rng::new(9);
        let n = 500u32;
        let mut edges = Vec::new();
        // Cell 0 stands alone, for the backward edge below.
        for to in 2..n {
            for _ in 0..3 {
                edges.push((1 + rng.below(to as usize - 1) as u32, to));
            }
        }
        let deps = graph(&edges, n as usize);
        let sorted: Vec<u32> = (0..n).collect();
        let shuffled: Vec<u32> = (0..n).map(|i| (i * 7919) % n).collect();
        let fast = plan(&sorted, &deps, &mut Scratch::default());
        let kahn = plan(&shuffled, &deps, &mut Scratch::default());
        assert_eq!(fast.order, sorted);
        assert_eq!(kahn.order, fast.order);
        // One backward edge and the number order no longer holds.
        let mut deps = deps;
        deps.add(400, 0);
        let plan = plan(&sorted, &deps, &mut Scratch::default());
        assert_eq!(plan.order.len(), n as usize);
        let at = |c: u32| plan.order.iter().position(|&x| x == c);
        assert!(at(400) < at(0));
    }

    #[test]
    fn finds_a_cycle_and_what_waits_on_it() {
        // 0 → 1 → 2 → 0 is a cycle; 3 reads 2; 4 is independent.
        let deps = graph(&[(0, 1), (1, 2), (2, 0), (2, 3)], 5);
        let plan = plan(&[0, 1, 2, 3, 4], &deps, &mut Scratch::default());
        assert_eq!(plan.order, vec![4]);
        assert_eq!(plan.cycles, vec![vec![0, 1, 2]]);
        assert_eq!(plan.after_cycles, vec![3]);
    }

    #[test]
    fn a_cell_reading_itself_is_a_cycle() {
        let deps = graph(&[(0, 0)], 1);
        let plan = plan(&[0], &deps, &mut Scratch::default());
        assert_eq!(plan.cycles, vec![vec![0]]);
    }

    #[test]
    fn long_cycles_do_not_overflow_the_stack() {
        let n = 200_000u32;
        let edges: Vec<(u32, u32)> = (0..n).map(|i| (i, (i + 1) % n)).collect();
        let deps = graph(&edges, n as usize);
        let cells: Vec<u32> = (0..n).collect();
        let plan = plan(&cells, &deps, &mut Scratch::default());
        assert_eq!(plan.cycles.len(), 1);
        assert_eq!(plan.cycles[0].len(), n as usize);
    }

    #[test]
    fn reachable_follows_dependents_once() {
        let deps = graph(&[(0, 1), (1, 2), (0, 2), (3, 4)], 5);
        assert_eq!(
            reachable(&[0], &deps, &mut Scratch::default()),
            vec![0, 1, 2]
        );
    }

    #[test]
    fn edits_between_compactions_read_as_after_them() {
        let mut deps = graph(&[(0, 1), (0, 2), (1, 2), (3, 4)], 5);
        deps.remove(0, 1);
        deps.add(0, 3);
        deps.add(4, 0);
        deps.remove(4, 0);
        deps.add(2, 4);
        let read = |deps: &Dependents| -> Vec<Vec<u32>> {
            (0..5).map(|c| deps.readers(c).collect()).collect()
        };
        let before = read(&deps);
        assert_eq!(before, vec![vec![2, 3], vec![2], vec![4], vec![4], vec![]]);
        deps.compact();
        assert_eq!(read(&deps), before);
        assert_eq!(deps.flat.len(), 5, "tombstones are dropped");
        // Cells out of range read as having no readers and take no edits.
        deps.add(9, 1);
        assert_eq!(deps.readers(9).count(), 0);
    }
}
