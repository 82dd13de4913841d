//! The benchmarks: the Go suite's names, keys, cells and metrics (bench/),
//! with tokio implementations (impl=tokio...). Each cell runs on one tokio
//! runtime made for it (see [`crate::runtime`]).

use std::cell::RefCell;
use std::future::Future;
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::runtime::Runtime;

use crate::bench::{Benchtime, Loop};
use crate::work::{self, Kind};
use crate::{failfast, firstdone, joinall, starvation};

/// What a cell reports besides ns/op.
pub type Metrics = Vec<(f64, &'static str)>;

/// One benchmark of the suite at one GOMAXPROCS value.
pub struct Cell {
    /// The full name without the -procs suffix.
    pub name: String,
    pub run: Box<RunFn>,
}

/// Runs a cell on a runtime for a benchtime; returns the loop and metrics.
pub type RunFn = dyn Fn(&Runtime, Benchtime) -> (Loop, Metrics);

fn cell(name: String, run: impl Fn(&Runtime, Benchtime) -> (Loop, Metrics) + 'static) -> Cell {
    Cell {
        name,
        run: Box::new(run),
    }
}

/// Every cell of the suite at procs worker threads, in the Go suite's order.
pub fn all(procs: usize) -> Vec<Cell> {
    let mut cells = join_all();
    cells.extend(first_done());
    cells.extend(fail_fast(procs));
    cells.extend(starvation(procs));
    cells
}

/// Runs op b.Loop-style on rt and returns the loop.
fn bench<F, Fut>(rt: &Runtime, t: Benchtime, mut op: F) -> Loop
where
    F: FnMut() -> Fut,
    Fut: Future<Output = ()>,
{
    rt.block_on(async {
        let mut l = Loop::new(t);
        while l.more() {
            op().await;
        }
        l
    })
}

/// The median of one span per op, in ns, as the Go suite's reportMedian: a
/// latency that one slow op cannot move. Two middle values are averaged.
fn median(mut ns: Vec<i64>) -> f64 {
    ns.sort_unstable();
    let mid = ns.len() / 2;
    match ns.len() {
        0 => 0.0,
        n if n % 2 == 0 => (ns[mid - 1] + ns[mid]) as f64 / 2.0,
        _ => ns[mid] as f64,
    }
}

fn per_task(l: &Loop, n: usize) -> Metrics {
    vec![(l.elapsed().as_nanos() as f64 / l.n() as f64 / n as f64, "ns/task")]
}

const JOIN_IMPLS: [&str; 4] = ["tokiojoinall", "tokiojoinset", "tokiospawn", "tokioserial"];

/// BenchmarkJoinAll: n tasks of one kind, joined; the cells the Go suite
/// runs (see join_cell).
fn join_all() -> Vec<Cell> {
    let mut cells = Vec::new();
    for im in JOIN_IMPLS {
        for n in [10usize, 1000, 100000] {
            for kind in work::KINDS {
                if !join_cell(im, n, kind) {
                    continue;
                }
                let name = format!("BenchmarkJoinAll/impl={im}/n={n}/task={}", kind.name());
                cells.push(cell(name, move |rt, t| {
                    let tasks = move || (0..n as u64).map(move |i| kind.task(i, n as u64));
                    let l = bench(rt, t, || async move {
                        let out = match im {
                            "tokiojoinall" => joinall::join_all(tasks()).await,
                            "tokiojoinset" => joinall::join_set(tasks()).await,
                            "tokiospawn" => joinall::spawn_each(tasks()).await,
                            _ => joinall::serial(tasks()).await,
                        };
                        assert_eq!(out.len(), n, "{im}: {} results; want {n}", out.len());
                        black_box(out);
                    });
                    let m = per_task(&l, n);
                    (l, m)
                }));
            }
        }
    }
    cells
}

/// Reports whether BenchmarkJoinAll runs impl with n tasks of kind, by the
/// Go suite's rules (bench/joinall_test.go joinCell): the mixes at n=1000
/// only, n=100000 for tiny tasks only, serial waits only at n=10.
fn join_cell(im: &str, n: usize, kind: Kind) -> bool {
    let serial_waits = im == "tokioserial" && kind.waits();
    if kind.is_mix() {
        return n == 1000 && !serial_waits;
    }
    if n == 100000 {
        return kind == Kind::Tiny;
    }
    !(serial_waits && n > 10)
}

/// Stamps of one race, in ns since base.
struct Race {
    base: Instant,
    left: AtomicU64, // losers not yet dropped
    started: AtomicI64,
    won: AtomicI64,
    last_loser: AtomicI64,
}

impl Race {
    fn new() -> Arc<Race> {
        Arc::new(Race {
            base: Instant::now(),
            left: AtomicU64::new(0),
            started: AtomicI64::new(0),
            won: AtomicI64::new(0),
            last_loser: AtomicI64::new(0),
        })
    }

    fn now(&self) -> i64 {
        self.base.elapsed().as_nanos() as i64
    }
}

/// Marks a loser dropped; it lives in the loser's future, polled or not.
struct Dropped(Arc<Race>);

impl Drop for Dropped {
    fn drop(&mut self) {
        if self.0.left.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.0.last_loser.store(self.0.now(), Ordering::Release);
        }
    }
}

type Racer = std::pin::Pin<Box<dyn Future<Output = u64> + Send>>;

/// The tasks of one race: one task wins by running one task of kind, the
/// others wait until they are dropped. The winner is task 0, or task n-1
/// when last (the lastwins cells), as in the Go suite.
fn racers(p: &Arc<Race>, n: usize, kind: Kind, last: bool) -> Vec<Racer> {
    let w = p.clone();
    let winner: Racer = Box::pin(async move {
        w.started.store(w.now(), Ordering::Release);
        let v = kind.run(0).await;
        w.won.store(w.now(), Ordering::Release);
        v
    });
    let mut tasks: Vec<Racer> = (1..n)
        .map(|_| {
            let guard = Dropped(p.clone());
            Box::pin(async move {
                let _guard = guard;
                std::future::pending::<u64>().await
            }) as Racer
        })
        .collect();
    tasks.insert(if last { n - 1 } else { 0 }, winner);
    tasks
}

const FIRST_IMPLS: [&str; 4] = ["tokioselect", "tokioselectall", "tokiojoinset", "tokiounordered"];

/// BenchmarkFirstDone: a race of n tasks that task 0 wins (task=tiny and
/// task=wait) or, at n >= 16, task n-1 with tiny work (task=lastwins);
/// first-ns, cancel-ns, start-ns and win-ns as the Go suite defines them, a
/// loser's "return" being its drop. impl=tokioselect (select! of two
/// branches) runs at n=2 only.
fn first_done() -> Vec<Cell> {
    let mut cells = Vec::new();
    for im in FIRST_IMPLS {
        for n in [2usize, 16, 1024] {
            if im == "tokioselect" && n > 2 {
                continue;
            }
            let mut races = vec![(Kind::Tiny, false), (Kind::Wait, false)];
            if n >= 16 {
                races.push((Kind::Tiny, true));
            }
            for (kind, last) in races {
                let task = if last { "lastwins" } else { kind.name() };
                let name = format!("BenchmarkFirstDone/impl={im}/n={n}/task={task}");
                cells.push(cell(name, move |rt, t| race_cell(rt, t, im, n, kind, last)));
            }
        }
    }
    cells
}

fn race_cell(rt: &Runtime, t: Benchtime, im: &'static str, n: usize, kind: Kind, last: bool) -> (Loop, Metrics) {
    let p = Race::new();
    let spans = RefCell::new(Vec::new()); // per op: first, cancel, start, win
    let l = bench(rt, t, || {
        let p = p.clone();
        let spans = &spans;
        async move {
            p.left.store(n as u64 - 1, Ordering::Release);
            let mut tasks = racers(&p, n, kind, last);
            let called = p.now();
            let v = match im {
                "tokioselect" => {
                    let b = tasks.pop().expect("two tasks");
                    firstdone::select(tasks.pop().expect("two tasks"), b).await
                }
                "tokioselectall" => firstdone::select_all(tasks).await,
                "tokiojoinset" => firstdone::join_set(tasks).await,
                _ => firstdone::unordered(tasks).await,
            };
            let got = p.now();
            assert_eq!(
                p.left.load(Ordering::Acquire),
                0,
                "{im}: a loser was not dropped before the call returned"
            );
            black_box(v);
            let won = p.won.load(Ordering::Acquire);
            let started = p.started.load(Ordering::Acquire);
            spans.borrow_mut().push([
                got - won,
                p.last_loser.load(Ordering::Acquire) - won,
                started - called,
                won - started,
            ]);
        }
    });
    let spans = spans.into_inner();
    let col = |i: usize| median(spans.iter().map(|s| s[i]).collect());
    let m = vec![
        (col(0), "first-ns"),
        (col(1), "cancel-ns"),
        (col(2), "start-ns"),
        (col(3), "win-ns"),
    ];
    (l, m)
}

const FAIL_IMPLS: [&str; 2] = ["tokiotryjoinall", "tokiojoinset"];

#[derive(Debug)]
struct Failed;

/// BenchmarkFailFast: task=ok (n tiny tasks, ns/task), task=mixed and
/// task=skewed (the happy path with work's mixes, n=1024 only), task=fail (the last
/// task fails at once, the others wait until dropped; cancel-ns from the
/// failure to the return) and task=cpufail (n cpu tasks with a limit of
/// GOMAXPROCS for impl=tokiojoinset, the 10th failing after its work;
/// wasted-tasks per op counts tasks that began after the failing task
/// returned its error).
fn fail_fast(procs: usize) -> Vec<Cell> {
    let mut cells = Vec::new();
    for im in FAIL_IMPLS {
        for n in [16usize, 1024] {
            let name = |task| format!("BenchmarkFailFast/impl={im}/n={n}/task={task}");
            let mut happy = vec![("ok", Kind::Tiny)];
            if n == 1024 {
                happy.extend([(Kind::Mixed.name(), Kind::Mixed), (Kind::Skewed.name(), Kind::Skewed)]);
            }
            for (task, kind) in happy {
                cells.push(cell(name(task), move |rt, t| {
                    let l = bench(rt, t, || async move {
                        let tasks =
                            (0..n as u64).map(|i| async move { Ok::<u64, Failed>(kind.task(i, n as u64).await) });
                        black_box(fail_fast_run(im, 0, tasks).await.expect("no task fails"));
                    });
                    let m = per_task(&l, n);
                    (l, m)
                }));
            }
            cells.push(cell(name("fail"), move |rt, t| fail_cell(rt, t, im, n)));
            cells.push(cell(name("cpufail"), move |rt, t| cpu_fail_cell(rt, t, im, n, procs)));
        }
    }
    cells
}

async fn fail_fast_run<F, T>(im: &str, limit: usize, tasks: impl Iterator<Item = F>) -> Result<Vec<T>, Failed>
where
    F: Future<Output = Result<T, Failed>> + Send + 'static,
    T: Send + 'static,
{
    match im {
        "tokiotryjoinall" => failfast::try_join_all(tasks).await,
        _ => failfast::join_set(limit, tasks).await,
    }
}

type FailTask = std::pin::Pin<Box<dyn Future<Output = Result<u64, Failed>> + Send>>;

fn fail_cell(rt: &Runtime, t: Benchtime, im: &'static str, n: usize) -> (Loop, Metrics) {
    let base = Instant::now();
    let failed_at = Arc::new(AtomicI64::new(0));
    let cancel = RefCell::new(Vec::new());
    let l = bench(rt, t, || {
        let (failed_at, cancel) = (failed_at.clone(), &cancel);
        async move {
            let mut tasks: Vec<FailTask> = (1..n).map(|_| Box::pin(std::future::pending()) as FailTask).collect();
            let f = failed_at.clone();
            tasks.push(Box::pin(async move {
                f.store(base.elapsed().as_nanos() as i64, Ordering::Release);
                Err(Failed)
            }));
            assert!(
                fail_fast_run(im, 0, tasks.into_iter()).await.is_err(),
                "{im}: no error; want Failed"
            );
            let span = base.elapsed().as_nanos() as i64 - failed_at.load(Ordering::Acquire);
            cancel.borrow_mut().push(span);
        }
    });
    let m = vec![(median(cancel.into_inner()), "cancel-ns")];
    (l, m)
}

fn cpu_fail_cell(rt: &Runtime, t: Benchtime, im: &'static str, n: usize, limit: usize) -> (Loop, Metrics) {
    const FAILING: u64 = 9; // the 10th task
    let wasted = Arc::new(AtomicU64::new(0));
    let l = bench(rt, t, || {
        let wasted = wasted.clone();
        async move {
            let failed = Arc::new(AtomicBool::new(false));
            let tasks = (0..n as u64).map(|i| {
                let (failed, wasted) = (failed.clone(), wasted.clone());
                async move {
                    if failed.load(Ordering::Acquire) {
                        wasted.fetch_add(1, Ordering::Relaxed);
                    }
                    let v = work::cpu(i);
                    if i == FAILING {
                        failed.store(true, Ordering::Release);
                        return Err(Failed);
                    }
                    Ok(v)
                }
            });
            assert!(
                fail_fast_run(im, limit, tasks).await.is_err(),
                "{im}: no error; want Failed"
            );
        }
    });
    let m = vec![(wasted.load(Ordering::Relaxed) as f64 / l.n() as f64, "wasted-tasks")];
    (l, m)
}

/// The iterations of one bounded hog, as the Go suite's hogIters.
pub const HOG_ITERS: u64 = 2_000_000;

/// The fewest wake-ups a 99th percentile is reported from, as the Go suite.
const P99_WAKES: usize = 100;

/// BenchmarkStarvation's metrics over one sample's windows, as the Go
/// suite's reportStarvation: progress (wake-ups made per wake-up due),
/// stall-ns (median over ops of the longest stall), and p50/p99-wake-ns only
/// from enough wake-ups.
fn starvation_metrics(wins: &[starvation::Window]) -> Metrics {
    let delays: Vec<Duration> = wins.iter().flat_map(|w| w.delays.iter().copied()).collect();
    let stalls: Vec<Duration> = wins.iter().map(|w| w.stall).collect();
    let due: f64 = wins.iter().map(|w| w.due()).sum();
    let mut m = vec![
        (delays.len() as f64 / due, "progress"),
        (starvation::summarize(&stalls).p50.as_nanos() as f64, "stall-ns"),
    ];
    let d = starvation::summarize(&delays);
    if d.wakes >= starvation::MIN_WAKES {
        m.push((d.p50.as_nanos() as f64, "p50-wake-ns"));
    }
    if d.wakes >= P99_WAKES {
        m.push((d.p99.as_nanos() as f64, "p99-wake-ns"));
    }
    m
}

/// BenchmarkStarvation: n hogs (n = GOMAXPROCS, and GOMAXPROCS-1 when more
/// than one) next to a victim; see [`starvation_metrics`].
fn starvation(procs: usize) -> Vec<Cell> {
    let mut ns = vec![procs];
    if procs > 1 {
        ns.push(procs - 1);
    }
    let mut cells = Vec::new();
    for n in ns {
        for hog in starvation::HOGS {
            for victim in starvation::VICTIMS {
                let name = format!("BenchmarkStarvation/n={n}/hog={hog}/victim={victim}");
                cells.push(cell(name, move |rt, t| {
                    let mut wins = Vec::new();
                    let l = rt.block_on(async {
                        let mut l = Loop::new(t);
                        while l.more() {
                            wins.push(starvation::measure(hog, victim, n, HOG_ITERS).await);
                        }
                        l
                    });
                    (l, starvation_metrics(&wins))
                }));
            }
        }
    }
    cells
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::FutureExt;

    /// The winner is the only task that completes on its first poll: task
    /// 0 in the tiny cells, task n-1 in the lastwins cells.
    #[test]
    fn winner_sits_first_or_last() {
        for (last, want) in [(false, 0), (true, 15)] {
            let p = Race::new();
            let done: Vec<usize> = racers(&p, 16, Kind::Tiny, last)
                .into_iter()
                .enumerate()
                .filter_map(|(i, t)| t.now_or_never().map(|_| i))
                .collect();
            assert_eq!(done, [want], "last = {last}: tasks done at once");
        }
    }

    /// The happy-path mixes run where Go's do: n=1024 only.
    #[test]
    fn failfast_mix_cells() {
        let names: Vec<String> = fail_fast(2)
            .into_iter()
            .map(|c| c.name)
            .filter(|n| n.ends_with("/task=mixed") || n.ends_with("/task=skewed"))
            .collect();
        let want: Vec<String> = FAIL_IMPLS
            .iter()
            .flat_map(|im| ["mixed", "skewed"].map(|k| format!("BenchmarkFailFast/impl={im}/n=1024/task={k}")))
            .collect();
        assert_eq!(names, want);
    }

    /// task=lastwins runs where Go's does: n >= 16, every impl but select.
    #[test]
    fn lastwins_cells() {
        let names: Vec<String> = first_done()
            .into_iter()
            .map(|c| c.name)
            .filter(|n| n.ends_with("/task=lastwins"))
            .collect();
        let want: Vec<String> = ["tokioselectall", "tokiojoinset", "tokiounordered"]
            .iter()
            .flat_map(|im| [16, 1024].map(|n| format!("BenchmarkFirstDone/impl={im}/n={n}/task=lastwins")))
            .collect();
        assert_eq!(names, want);
    }
}
