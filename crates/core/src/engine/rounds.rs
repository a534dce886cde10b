//! Rounds over the matrix: every cell once per round, rounds interleaved so drift
//! spreads over every cell. A fixed count (`--repeat N`), or until decided (`--repeat
//! auto`): from the third round on, a point (workload, size, threads) whose every pair
//! of strategies is decided (faster, slower or equivalent, [`crate::stats::Class`])
//! leaves the rounds, until none is left or a budget is spent: `--max-repeat` rounds of
//! any cell, and `--budget-rounds` B: at most B × cells runs in all (default 5, what
//! `--repeat 5` takes), so a run that decides early is shorter than a fixed count and
//! one that does not spends the same time on the points still open. A round past the
//! third that the budget cannot hold whole takes only the points it can hold whole (all
//! strategies of a point or none, so its rounds pair). A point a percentage load still
//! needs keeps its `rate max` reference in the rounds. Pure: the measuring is a closure.

use std::collections::{BTreeMap, HashMap};

use crate::matrix::{Cell, Mode};
use crate::stats::{self, MIN_FOR_INTERVAL};

/// What running one cell in one round gave.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Ran {
    /// The cell's headline figure (`None`: failed, or a row flagged not to be trusted).
    Figure(Option<f64>),
    /// The run is over (cancelled, or nobody listens).
    Stop,
}

/// The point a cell is compared at: every strategy there is compared with every other.
type Point = (Mode, usize, usize);

fn point(c: &Cell) -> Point {
    (c.mode(), c.size.get(), c.threads)
}

/// Each cell's headline figure per round.
#[derive(Debug, Default)]
pub struct Rounds {
    figures: HashMap<Cell, BTreeMap<u32, f64>>,
}

impl Rounds {
    /// Notes cell `cell`'s figure in round `repeat`.
    pub fn note(&mut self, cell: Cell, repeat: u32, figure: Option<f64>) {
        if let Some(v) = figure {
            self.figures.entry(cell).or_default().insert(repeat, v);
        }
    }

    /// Whether every pair of strategies at `cell`'s point among `cells` is decided,
    /// paired by round over the rounds both have.
    pub fn decided(&self, cell: Cell, cells: &[Cell], margin_pct: f64) -> bool {
        self.decided_with((cell, 0, None), cells, margin_pct)
    }

    /// [`Rounds::decided`] as if `extra` (a cell, its round and figure, not yet
    /// noted) were among the rounds.
    pub fn decided_with(
        &self,
        extra: (Cell, u32, Option<f64>),
        cells: &[Cell],
        margin_pct: f64,
    ) -> bool {
        let (cell, round, figure) = extra;
        let at: Vec<&Cell> = cells.iter().filter(|c| point(c) == point(&cell)).collect();
        let better = cell.mode().entry().better;
        let empty = BTreeMap::new();
        let of = |c: &Cell| self.figures.get(c).unwrap_or(&empty);
        // A cell's figure in round `r`, the extra one included.
        let at_round = |c: &Cell, r: u32| -> Option<f64> {
            match figure {
                Some(v) if *c == cell && r == round => Some(v),
                _ => of(c).get(&r).copied(),
            }
        };
        at.iter().enumerate().all(|(i, a)| {
            at[i + 1..].iter().all(|b| {
                let mut rounds: Vec<u32> = of(a).keys().copied().collect();
                if figure.is_some() && **a == cell && !rounds.contains(&round) {
                    rounds.push(round);
                }
                let (xs, ys): (Vec<f64>, Vec<f64>) = rounds
                    .iter()
                    .filter_map(|&r| Some((at_round(a, r)?, at_round(b, r)?)))
                    .unzip();
                xs.len() >= MIN_FOR_INTERVAL
                    && stats::compare_paired(&xs, &ys, better, margin_pct)
                        .is_some_and(|c| c.class.is_decided())
            })
        })
    }

    /// The cells of `cells` whose point is not decided yet, and the `rate max`
    /// references their percentage loads need.
    pub fn undecided(&self, cells: &[Cell], margin_pct: f64) -> Vec<Cell> {
        let open: Vec<Cell> = cells
            .iter()
            .copied()
            .filter(|c| !self.decided(*c, cells, margin_pct))
            .collect();
        cells
            .iter()
            .copied()
            .filter(|c| {
                open.contains(c)
                    || (c.mode().is_saturation()
                        && open.iter().any(|o| {
                            o.load.percent().is_some()
                                && (o.size, o.threads, o.rx) == (c.size, c.threads, c.rx)
                        }))
            })
            .collect()
    }
}

/// How many rounds, and when to stop early.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Plan {
    /// Rounds at most (exactly, without `until_decided`).
    pub max: u32,
    /// From round 3 on, only the points not yet decided.
    pub until_decided: bool,
    /// With `until_decided`: cell runs in all at most this many times the cells.
    pub budget_rounds: u32,
    /// Ratios within ±this % are equivalent.
    pub margin_pct: f64,
}

/// `cells` cut to the whole points (all their cells) that fit in `room` runs, in
/// order.
fn whole_points(cells: &[Cell], room: usize) -> Vec<Cell> {
    let mut out: Vec<Cell> = Vec::new();
    let mut points: Vec<Point> = cells.iter().map(point).collect();
    points.dedup();
    for p in points {
        let of: Vec<Cell> = cells.iter().copied().filter(|c| point(c) == p).collect();
        if out.len() + of.len() <= room {
            out.extend(of);
        }
    }
    out
}

/// Runs `cells` in rounds as `plan` says, calling `run(index, cell, round)` for each in
/// turn. Returns the rounds run.
pub fn run_rounds(
    cells: &[Cell],
    plan: Plan,
    mut run: impl FnMut(usize, Cell, u32, &Rounds) -> Ran,
) -> u32 {
    let Plan {
        max,
        until_decided,
        margin_pct,
        ..
    } = plan;
    let budget = if until_decided {
        cells.len() * plan.budget_rounds.max(MIN_FOR_INTERVAL as u32) as usize
    } else {
        usize::MAX
    };
    let mut rounds = Rounds::default();
    let mut active = cells.to_vec();
    let mut index = 0;
    for round in 1..=max.max(1) {
        if active.len() > budget.saturating_sub(index) {
            active = whole_points(&active, budget.saturating_sub(index));
            if active.is_empty() {
                return round - 1;
            }
        }
        for &cell in &active {
            match run(index, cell, round, &rounds) {
                Ran::Figure(f) => rounds.note(cell, round, f),
                Ran::Stop => return round,
            }
            index += 1;
        }
        if until_decided && round >= MIN_FOR_INTERVAL as u32 {
            active = rounds.undecided(&active, margin_pct);
            if active.is_empty() {
                return round;
            }
        }
    }
    max.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strategy::Strategy;

    fn cell(s: Strategy, size: usize) -> Cell {
        Cell::new(s, size, 1)
    }

    /// Runs with an injected measurement: `f(cell, round)`.
    fn drive(cells: &[Cell], max: u32, f: impl Fn(Cell, u32) -> f64) -> (u32, Vec<(Cell, u32)>) {
        drive_within(cells, max, 100, f)
    }

    /// [`drive`] with a budget of `budget_rounds` × cells runs.
    fn drive_within(
        cells: &[Cell],
        max: u32,
        budget_rounds: u32,
        f: impl Fn(Cell, u32) -> f64,
    ) -> (u32, Vec<(Cell, u32)>) {
        let mut ran = Vec::new();
        let plan = Plan {
            max,
            until_decided: true,
            budget_rounds,
            margin_pct: 5.0,
        };
        let rounds = run_rounds(cells, plan, |_, c, r, _| {
            ran.push((c, r));
            Ran::Figure(Some(f(c, r)))
        });
        (rounds, ran)
    }

    #[test]
    fn a_clear_difference_stops_after_three_rounds_never_before() {
        let cells = [cell(Strategy::TwoCopy, 4096), cell(Strategy::OneCopy, 4096)];
        let (rounds, ran) = drive(&cells, 10, |c, r| {
            let base = 10.0 + f64::from(r % 2) * 0.1;
            if c.strategy == Strategy::OneCopy {
                base * 2.0
            } else {
                base
            }
        });
        assert_eq!(rounds, 3, "decided at the first round it can be");
        assert_eq!(ran.len(), 6);
    }

    #[test]
    fn an_undecided_point_runs_to_the_budget_and_a_decided_one_leaves() {
        let cells = [
            cell(Strategy::TwoCopy, 4096),
            cell(Strategy::OneCopy, 4096),
            cell(Strategy::TwoCopy, 65536),
            cell(Strategy::OneCopy, 65536),
        ];
        // At 4K the two swap places round by round (never decided); at 64K one-copy
        // is twice as fast.
        let (rounds, ran) = drive(&cells, 7, |c, r| match (c.size.get(), c.strategy) {
            (4096, Strategy::OneCopy) => {
                if r % 2 == 0 {
                    12.0
                } else {
                    8.0
                }
            }
            (4096, _) => 10.0,
            (_, Strategy::OneCopy) => 20.0 + f64::from(r) * 0.01,
            _ => 10.0,
        });
        assert_eq!(rounds, 7, "the budget");
        let runs_of = |size| ran.iter().filter(|(c, _)| c.size.get() == size).count();
        assert_eq!(runs_of(65536), 6, "3 rounds of 2 strategies, then decided");
        assert_eq!(runs_of(4096), 14, "every round");
    }

    /// The budget in runs: 3 rounds of all 6 cells, then the undecided points (2
    /// cells each) share the rest whole, never a point half measured in a round.
    #[test]
    fn the_run_budget_goes_to_the_open_points_whole() {
        let cells = [
            cell(Strategy::TwoCopy, 4096),
            cell(Strategy::OneCopy, 4096),
            cell(Strategy::TwoCopy, 16384),
            cell(Strategy::OneCopy, 16384),
            cell(Strategy::TwoCopy, 65536),
            cell(Strategy::OneCopy, 65536),
        ];
        // 64K is decided at round 3; 4K and 16K never are.
        let (_, ran) = drive_within(&cells, 10, 5, |c, r| match (c.size.get(), c.strategy) {
            (65536, Strategy::OneCopy) => 20.0 + f64::from(r) * 0.01,
            (_, Strategy::OneCopy) if r % 2 == 0 => 12.0,
            (_, Strategy::OneCopy) => 8.0,
            _ => 10.0,
        });
        assert_eq!(ran.len(), 30, "5 × 6 runs, no more");
        let runs_of = |size| ran.iter().filter(|(c, _)| c.size.get() == size).count();
        assert_eq!(runs_of(65536), 6, "decided, it left after round 3");
        assert_eq!(runs_of(4096) % 2, 0, "whole points only");
        assert_eq!(runs_of(4096) + runs_of(16384), 24);
        // Under the same budget a fixed count would have given every point 5 rounds;
        // the open ones got 6.
        assert_eq!(runs_of(4096), 12);
    }

    #[test]
    fn two_rounds_decide_nothing() {
        let mut r = Rounds::default();
        let (a, b) = (cell(Strategy::TwoCopy, 4096), cell(Strategy::OneCopy, 4096));
        for round in 1..=2 {
            r.note(a, round, Some(10.0));
            r.note(b, round, Some(30.0));
        }
        assert!(!r.decided(a, &[a, b], 5.0), "3 rounds at least");
        r.note(a, 3, Some(10.1));
        // b's third round, not yet noted, decides it.
        assert!(r.decided_with((b, 3, Some(30.2)), &[a, b], 5.0));
        assert!(
            !r.decided_with((b, 3, None), &[a, b], 5.0),
            "a failed round adds nothing"
        );
        r.note(b, 3, Some(30.2));
        assert!(r.decided(a, &[a, b], 5.0));
    }

    #[test]
    fn a_percentage_load_keeps_its_reference_in_the_rounds() {
        use crate::workload::{Load, Workload};
        let mode = |load| Mode {
            workload: Workload::Rate,
            load,
            ..Mode::default()
        };
        let max = cell(Strategy::OneCopy, 4096).under(mode(Load::Max));
        let half = cell(Strategy::OneCopy, 4096).under(mode(Load::Percent(50)));
        let r = Rounds::default();
        // A single strategy has no pair: its points are decided, and nothing is kept.
        assert!(r.undecided(&[max, half], 5.0).is_empty());
        let other = cell(Strategy::TwoCopy, 4096).under(mode(Load::Percent(50)));
        let open = r.undecided(&[max, half, other], 5.0);
        assert!(
            open.contains(&max),
            "the reference stays while a load needs it"
        );
        assert!(open.contains(&half) && open.contains(&other));
    }
}
