//! The dependency graph's algorithms: topological ordering of a set of
//! formula cells (Kahn), and the circular references left over (Tarjan's
//! strongly connected components), all iterative so that a chain of a
//! million cells cannot overflow the stack.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// The cells that read one cell: most cells have a few readers, kept
/// inline (24 bytes, no allocation), which at a million cells halves the
/// graph's memory.
pub type Readers = smallvec::SmallVec<[u32; 4]>;

/// Cells are dense indices; `dependents[u]` lists the cells that read `u`.
pub type Dependents = [Readers];

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
        for &d in dependents_of(dependents, cell) {
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
        for &d in dependents_of(dependents, cell) {
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

fn dependents_of(dependents: &Dependents, cell: u32) -> &[u32] {
    dependents
        .get(cell as usize)
        .map_or(&[], |readers| readers.as_slice())
}

/// Strongly connected components of `cells` that form cycles (more than one
/// cell, or one cell that reads itself), each rotated to start with a cycle
/// path through its first cell.
fn cycles_among(cells: &[u32], dependents: &Dependents) -> Vec<Vec<u32>> {
    use std::collections::HashMap;
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
            .iter()
            .filter_map(|d| index_of.get(d).copied())
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
                        || dependents_of(dependents, component[0]).contains(&component[0]);
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
    use std::collections::{HashMap, HashSet, VecDeque};
    component.sort_unstable();
    let Some(&start) = component.first() else {
        return component;
    };
    let members: HashSet<u32> = component.iter().copied().collect();
    let mut parent: HashMap<u32, u32> = HashMap::new();
    let mut queue = VecDeque::from([start]);
    let mut end = None;
    while let Some(u) = queue.pop_front() {
        for &d in dependents_of(dependents, u) {
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
        for &d in dependents_of(dependents, cell) {
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

    fn graph(edges: &[(u32, u32)], n: usize) -> Vec<Readers> {
        let mut deps = vec![Readers::new(); n];
        for &(from, to) in edges {
            deps[from as usize].push(to);
        }
        deps
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
        deps[400].push(0);
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
}
