//! Earliest-deadline-first feasibility over days with capacities: exact for visits that each
//! need one place on one day between a release day and a deadline day.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// A deadline beyond the grid: never late inside it.
pub(crate) const NO_DEADLINE: u32 = u32::MAX;

/// One visit to place: release day and deadline day (grid day indices).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Job {
    pub release: u32,
    pub deadline: u32,
    /// The caller's index.
    pub id: u32,
}

/// Reusable scratch space, so feasibility checks do not allocate.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    heap: BinaryHeap<Reverse<(u32, u32)>>,
}

/// Whether every job in `jobs` (sorted by release) can be placed by its deadline, with `caps`
/// places per day, day `over.0` having `over.1` places instead. Jobs with id `skip` are ignored.
pub(crate) fn feasible(
    jobs: &[Job],
    caps: &[u32],
    over: Option<(usize, u32)>,
    skip: Option<u32>,
    scratch: &mut Scratch,
) -> bool {
    run(jobs, caps, over, skip, scratch, &mut |_, _| {})
}

/// Assigns jobs (sorted by release) to days earliest-deadline-first; calls `out(id, day)` for each
/// job placed. Returns whether every deadline was met.
pub(crate) fn run(
    jobs: &[Job],
    caps: &[u32],
    over: Option<(usize, u32)>,
    skip: Option<u32>,
    scratch: &mut Scratch,
    out: &mut dyn FnMut(u32, usize),
) -> bool {
    let heap = &mut scratch.heap;
    heap.clear();
    let mut next = 0usize;
    for (day, &cap) in caps.iter().enumerate() {
        while let Some(j) = jobs.get(next) {
            if j.release as usize > day {
                break;
            }
            if Some(j.id) != skip {
                heap.push(Reverse((j.deadline, j.id)));
            }
            next += 1;
        }
        let cap = match over {
            Some((d, c)) if d == day => c,
            _ => cap,
        };
        for _ in 0..cap {
            let Some(Reverse((deadline, id))) = heap.pop() else {
                break;
            };
            if (deadline as usize) < day {
                return false;
            }
            out(id, day);
        }
        if heap
            .peek()
            .is_some_and(|Reverse((dl, _))| (*dl as usize) <= day)
        {
            return false;
        }
    }
    // Jobs still waiting, or released after the grid, must have no deadline inside it.
    let waiting_ok = heap.iter().all(|Reverse((dl, _))| *dl == NO_DEADLINE);
    let unreleased_ok = jobs
        .get(next..)
        .unwrap_or(&[])
        .iter()
        .all(|j| Some(j.id) == skip || j.deadline == NO_DEADLINE);
    waiting_ok && unreleased_ok
}

/// Assigns every job (any order) the latest day it can have: days from last to first, on each
/// the jobs whose deadline has come, latest release first (the mirror of earliest deadline
/// first, so it places everything `feasible` says fits). A job is not put on a day where
/// `blocked(id, day)`. Returns the (id, day) pairs and the ids it could not place.
pub(crate) fn run_latest(
    jobs: &[Job],
    caps: &[u32],
    blocked: &dyn Fn(u32, usize) -> bool,
) -> (Vec<(u32, usize)>, Vec<u32>) {
    let Some(last) = caps.len().checked_sub(1) else {
        return (Vec::new(), jobs.iter().map(|j| j.id).collect());
    };
    let due = |j: &Job| (j.deadline as usize).min(last);
    let mut order: Vec<Job> = jobs.to_vec();
    order.sort_by_key(|j| (Reverse(due(j)), j.id));
    let mut heap: BinaryHeap<(u32, Reverse<u32>)> = BinaryHeap::new();
    let (mut out, mut failed) = (Vec::new(), Vec::new());
    let mut next = 0usize;
    for (day, &cap) in caps.iter().enumerate().rev() {
        while let Some(j) = order.get(next) {
            if due(j) < day {
                break;
            }
            heap.push((j.release, Reverse(j.id)));
            next += 1;
        }
        let mut used = 0u32;
        let mut aside = Vec::new();
        while used < cap {
            let Some((release, Reverse(id))) = heap.pop() else {
                break;
            };
            if release as usize > day {
                failed.push(id);
            } else if blocked(id, day) {
                aside.push((release, Reverse(id)));
            } else {
                out.push((id, day));
                used += 1;
            }
        }
        heap.extend(aside);
    }
    failed.extend(heap.into_iter().map(|(_, Reverse(id))| id));
    (out, failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn j(release: u32, deadline: u32, id: u32) -> Job {
        Job {
            release,
            deadline,
            id,
        }
    }

    #[test]
    fn feasibility_matches_hand_cases() {
        let mut s = Scratch::default();
        let jobs = [j(0, 0, 0), j(0, 1, 1), j(1, 1, 2)];
        assert!(!feasible(&jobs, &[1, 1], None, None, &mut s));
        assert!(feasible(&jobs, &[1, 2], None, None, &mut s));
        assert!(feasible(&jobs, &[1, 1], None, Some(1), &mut s));
        assert!(!feasible(&jobs, &[1, 2], Some((1, 1)), None, &mut s));
        // A job with no deadline never makes the set infeasible.
        assert!(feasible(
            &[j(5, NO_DEADLINE, 0)],
            &[0, 0],
            None,
            None,
            &mut s
        ));
        // A job released after the grid with a deadline inside it is infeasible.
        assert!(!feasible(&[j(5, 1, 0)], &[1, 1], None, None, &mut s));
    }

    #[test]
    fn latest_placement_is_as_late_as_deadlines_allow() {
        let jobs = [j(0, 3, 0), j(0, 3, 1), j(1, 2, 2), j(0, NO_DEADLINE, 3)];
        let (mut out, failed) = run_latest(&jobs, &[1, 1, 1, 1, 1], &|_, _| false);
        out.sort_unstable();
        assert!(failed.is_empty());
        assert_eq!(out, vec![(0, 3), (1, 1), (2, 2), (3, 4)]);
        // A blocked day moves the job earlier; an impossible set reports who is left.
        let (out, failed) = run_latest(&[j(0, 1, 0)], &[1, 1], &|_, d| d == 1);
        assert_eq!((out, failed), (vec![(0, 0)], vec![]));
        let (_, failed) = run_latest(&[j(1, 1, 0), j(1, 1, 1)], &[1, 1], &|_, _| false);
        assert_eq!(failed, vec![1]);
    }
}
