//! The patterns' contracts, checked for every tokio implementation on a
//! current_thread and a multi_thread runtime: results complete and in
//! order, each task run once, the first result or error wins, losers
//! dropped before the call returns, panics reach the caller. Nothing here
//! depends on timing beyond the order of sleeps many milliseconds apart.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use concbench_tokio::{failfast, firstdone, joinall, runtime, starvation};
use futures::FutureExt;
use tokio::sync::oneshot;

type Task<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// Runs f on a current_thread and on a two-worker multi_thread runtime.
fn on_both<F, Fut>(f: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = ()>,
{
    for procs in [1, 2] {
        runtime(procs, false).unwrap().block_on(f());
    }
}

/// Runs f on a current_thread runtime with paused time, which jumps to the
/// next timer whenever every task waits: sleeps end in the order of their
/// deadlines however loaded the machine is.
fn on_paused<F, Fut>(f: F)
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = ()>,
{
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .unwrap();
    rt.block_on(f());
}

/// Counts the futures alive that hold one.
#[derive(Clone, Default)]
struct Alive(Arc<AtomicUsize>);

struct Guard(Arc<AtomicUsize>);

impl Alive {
    fn guard(&self) -> Guard {
        self.0.fetch_add(1, Ordering::SeqCst);
        Guard(self.0.clone())
    }
    fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
    /// Waits up to 5 s for every guard to be dropped (an aborted spawned
    /// task is dropped on a worker, after the abort).
    async fn settle(&self) -> usize {
        for _ in 0..500 {
            if self.count() == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        self.count()
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// A loser: waits until dropped.
fn loser<T: Send + 'static>(alive: &Alive) -> Task<T> {
    let g = alive.guard();
    Box::pin(async move {
        let _g = g;
        std::future::pending().await
    })
}

const JOINS: [&str; 4] = ["joinall", "joinset", "spawn", "serial"];

async fn join(im: &str, tasks: Vec<Task<usize>>) -> Vec<usize> {
    match im {
        "joinall" => joinall::join_all(tasks).await,
        "joinset" => joinall::join_set(tasks).await,
        "spawn" => joinall::spawn_each(tasks).await,
        _ => joinall::serial(tasks).await,
    }
}

#[test]
fn joinall_results_in_task_order_each_run_once() {
    on_both(|| async {
        for im in JOINS {
            for n in [0usize, 1, 7] {
                let runs = Arc::new(AtomicUsize::new(0));
                // Later tasks finish first.
                let tasks: Vec<Task<usize>> = (0..n)
                    .map(|i| {
                        let runs = runs.clone();
                        Box::pin(async move {
                            runs.fetch_add(1, Ordering::SeqCst);
                            tokio::time::sleep(ms(2 * (n - i) as u64)).await;
                            i * 10
                        }) as Task<usize>
                    })
                    .collect();
                let got = join(im, tasks).await;
                let want: Vec<usize> = (0..n).map(|i| i * 10).collect();
                assert_eq!(got, want, "{im}, n={n}: got = {got:?}; want {want:?}");
                let r = runs.load(Ordering::SeqCst);
                assert_eq!(r, n, "{im}, n={n}: {r} task runs; want {n}");
            }
        }
    });
}

#[test]
fn joinall_dependent_tasks_do_not_deadlock() {
    // Task 0 needs what task 1 sends: fine wherever tasks run concurrently.
    on_both(|| async {
        for im in ["joinall", "joinset", "spawn"] {
            let (tx, rx) = oneshot::channel::<usize>();
            let tasks: Vec<Task<usize>> = vec![
                Box::pin(async move { rx.await.unwrap() + 1 }),
                Box::pin(async move {
                    tx.send(41).unwrap();
                    0
                }),
            ];
            let got = tokio::time::timeout(Duration::from_secs(10), join(im, tasks)).await;
            assert_eq!(got.ok(), Some(vec![42, 0]), "{im}: want [42, 0] within 10s");
        }
    });
}

#[test]
fn joinall_panic_reaches_the_caller() {
    on_both(|| async {
        for im in JOINS {
            let alive = Alive::default();
            let tasks: Vec<Task<usize>> = vec![
                Box::pin(async {
                    tokio::task::yield_now().await;
                    panic!("task 0 failed")
                }),
                loser(&alive),
            ];
            let tasks = if im == "serial" {
                tasks.into_iter().take(1).collect()
            } else {
                tasks
            };
            let got = AssertUnwindSafe(join(im, tasks)).catch_unwind().await;
            let msg = got.err().and_then(|p| p.downcast_ref::<&str>().map(|s| s.to_string()));
            assert_eq!(
                msg.as_deref(),
                Some("task 0 failed"),
                "{im}: panic = {msg:?}; want the task's"
            );
            // join_all drops the sibling, JoinSet aborts it; spawn_each's
            // dropped JoinHandle detaches it: it keeps running (a documented
            // difference, checked in joinall_spawn_each_detaches_on_panic).
            if im != "spawn" {
                let left = alive.settle().await;
                assert_eq!(left, 0, "{im}: {left} siblings alive after the panic; want 0");
            }
        }
    });
}

#[test]
fn joinall_spawn_each_detaches_on_panic() {
    on_both(|| async {
        let (go_tx, go_rx) = oneshot::channel::<()>();
        let (done_tx, done_rx) = oneshot::channel::<()>();
        let tasks: Vec<Task<usize>> = vec![
            Box::pin(async { panic!("task 0 failed") }),
            Box::pin(async move {
                go_rx.await.unwrap();
                done_tx.send(()).unwrap();
                1
            }),
        ];
        assert!(AssertUnwindSafe(joinall::spawn_each(tasks))
            .catch_unwind()
            .await
            .is_err());
        go_tx
            .send(())
            .expect("the sibling is still running after the caller's panic");
        let ran = tokio::time::timeout(Duration::from_secs(10), done_rx).await;
        assert!(
            matches!(ran, Ok(Ok(()))),
            "sibling after the panic: {ran:?}; want it to run on"
        );
    });
}

const FIRSTS: [&str; 4] = ["select", "selectall", "joinset", "unordered"];

async fn first(im: &str, mut tasks: Vec<Task<usize>>) -> usize {
    match im {
        "select" => {
            let b = tasks.pop().unwrap();
            firstdone::select(tasks.pop().unwrap(), b).await
        }
        "selectall" => firstdone::select_all(tasks).await,
        "joinset" => firstdone::join_set(tasks).await,
        _ => firstdone::unordered(tasks).await,
    }
}

#[test]
fn firstdone_first_wins_and_losers_are_dropped_before_return() {
    on_both(|| async {
        for im in FIRSTS {
            for n in [2usize, 5] {
                if im == "select" && n != 2 {
                    continue;
                }
                for winner in [0, n - 1] {
                    let alive = Alive::default();
                    let tasks: Vec<Task<usize>> = (0..n)
                        .map(|i| {
                            if i == winner {
                                Box::pin(async move {
                                    tokio::time::sleep(ms(5)).await;
                                    i
                                }) as Task<usize>
                            } else {
                                loser(&alive)
                            }
                        })
                        .collect();
                    let got = first(im, tasks).await;
                    assert_eq!(got, winner, "{im}, n={n}: got = {got}; want {winner}");
                    let left = alive.count();
                    assert_eq!(left, 0, "{im}, n={n}: {left} losers alive at return; want 0");
                }
            }
        }
    });
}

#[test]
fn firstdone_earliest_of_finishing_tasks_wins() {
    on_paused(|| async {
        for im in FIRSTS {
            let n = if im == "select" { 2 } else { 4 };
            // Task i sleeps 40*(n-i) ms: the last task wins.
            let tasks: Vec<Task<usize>> = (0..n)
                .map(|i| {
                    Box::pin(async move {
                        tokio::time::sleep(ms(40 * (n - i) as u64)).await;
                        i
                    }) as Task<usize>
                })
                .collect();
            let got = first(im, tasks).await;
            assert_eq!(got, n - 1, "{im}: got = {got}; want {}", n - 1);
        }
    });
}

#[derive(Debug, PartialEq)]
struct Failed(usize);

type FTask = Task<Result<usize, Failed>>;

async fn failfast_run(im: &str, limit: usize, tasks: Vec<FTask>) -> Result<Vec<usize>, Failed> {
    match im {
        "tryjoinall" => failfast::try_join_all(tasks).await,
        _ => failfast::join_set(limit, tasks).await,
    }
}

#[test]
fn failfast_ok_results_in_order() {
    on_both(|| async {
        for (im, limit) in [("tryjoinall", 0), ("joinset", 0), ("joinset", 2)] {
            for n in [0usize, 1, 6] {
                let tasks: Vec<FTask> = (0..n)
                    .map(|i| {
                        Box::pin(async move {
                            tokio::time::sleep(ms(2 * (n - i) as u64)).await;
                            Ok(i)
                        }) as FTask
                    })
                    .collect();
                let got = failfast_run(im, limit, tasks).await;
                let want = Ok((0..n).collect::<Vec<_>>());
                assert_eq!(got, want, "{im} limit {limit}, n={n}: got = {got:?}; want {want:?}");
            }
        }
    });
}

#[test]
fn failfast_first_error_wins_and_siblings_are_dropped() {
    on_paused(|| async {
        for im in ["tryjoinall", "joinset"] {
            let alive = Alive::default();
            let mut tasks: Vec<FTask> = vec![loser(&alive), loser(&alive)];
            // Two failures 50 ms apart; the earlier one (task 3) wins.
            tasks.push(Box::pin(async {
                tokio::time::sleep(ms(60)).await;
                Err(Failed(2))
            }));
            tasks.push(Box::pin(async {
                tokio::time::sleep(ms(10)).await;
                Err(Failed(3))
            }));
            let got = failfast_run(im, 0, tasks).await;
            assert_eq!(got, Err(Failed(3)), "{im}: got = {got:?}; want Err(Failed(3))");
            let left = alive.count();
            assert_eq!(left, 0, "{im}: {left} siblings alive at return; want 0");
        }
    });
}

#[test]
fn failfast_limit_is_kept_and_nothing_starts_after_the_error() {
    on_both(|| async {
        for limit in [1usize, 2] {
            let running = Arc::new(AtomicUsize::new(0));
            let peak = Arc::new(AtomicUsize::new(0));
            let started = Arc::new(AtomicUsize::new(0));
            let tasks: Vec<FTask> = (0..10)
                .map(|i| {
                    let (running, peak, started) = (running.clone(), peak.clone(), started.clone());
                    Box::pin(async move {
                        started.fetch_add(1, Ordering::SeqCst);
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        peak.fetch_max(now, Ordering::SeqCst);
                        tokio::time::sleep(ms(3)).await;
                        running.fetch_sub(1, Ordering::SeqCst);
                        if i == 3 {
                            Err(Failed(i))
                        } else {
                            Ok(i)
                        }
                    }) as FTask
                })
                .collect();
            let got = failfast::join_set(limit, tasks).await;
            assert_eq!(got, Err(Failed(3)), "limit {limit}: got = {got:?}; want Err(Failed(3))");
            let p = peak.load(Ordering::SeqCst);
            assert!(p <= limit, "limit {limit}: {p} tasks ran at once; want at most {limit}");
            // Tasks start in order; at most limit-1 more than task 3 can
            // have been started when its error arrives.
            let s = started.load(Ordering::SeqCst);
            assert!(
                s <= 3 + limit,
                "limit {limit}: {s} tasks started; want at most {}",
                3 + limit
            );
        }
    });
}

#[test]
fn failfast_panic_reaches_the_caller_and_cancels_siblings() {
    on_both(|| async {
        for im in ["tryjoinall", "joinset"] {
            let alive = Alive::default();
            let tasks: Vec<FTask> = vec![
                loser(&alive),
                Box::pin(async {
                    tokio::task::yield_now().await;
                    panic!("task 1 failed")
                }),
            ];
            let got = AssertUnwindSafe(failfast_run(im, 0, tasks)).catch_unwind().await;
            let msg = got.err().and_then(|p| p.downcast_ref::<&str>().map(|s| s.to_string()));
            assert_eq!(
                msg.as_deref(),
                Some("task 1 failed"),
                "{im}: panic = {msg:?}; want the task's"
            );
            let left = alive.settle().await;
            assert_eq!(left, 0, "{im}: {left} siblings alive after the panic; want 0");
        }
    });
}

#[test]
fn starvation_hogs_do_the_same_work() {
    let rt = runtime(1, false).unwrap();
    let want = rt.block_on(starvation::hog("tight", 2500));
    for h in starvation::HOGS {
        let got = rt.block_on(starvation::hog(h, 2500));
        assert_eq!(got, want, "hog {h}: got = {got}; want tight's {want}");
    }
}

#[test]
fn starvation_measure_returns_the_window() {
    for procs in [1, 2] {
        let rt = runtime(procs, false).unwrap();
        for v in starvation::VICTIMS {
            let w = rt.block_on(starvation::measure("yield", v, procs, 20_000));
            assert!(
                w.length > Duration::ZERO,
                "procs {procs} victim {v}: window {w:?}; want a length"
            );
        }
    }
}

#[test]
fn starvation_tight_hog_holds_a_current_thread_runtime() {
    // One thread, a hog that never awaits: the victim cannot run until the
    // hog returns, so its stall is the window less at most one period (its
    // next wake-up was due at most a period after the window began).
    let rt = runtime(1, false).unwrap();
    for v in starvation::VICTIMS {
        let w = rt.block_on(starvation::measure("tight", v, 1, 500_000));
        let least = w.length.saturating_sub(starvation::PERIOD);
        assert!(
            w.stall >= least,
            "victim {v}: stall {:?}; want at least {least:?} ({w:?})",
            w.stall
        );
    }
}

#[test]
fn starvation_summarize() {
    let d = |v: &[u64]| v.iter().map(|&n| Duration::from_nanos(n)).collect::<Vec<_>>();
    let cases: [(Vec<Duration>, [u64; 3], usize); 3] = [
        (vec![], [0, 0, 0], 0),
        (d(&[5]), [5, 5, 5], 1),
        (d(&[9, 1, 5, 3]), [3, 9, 9], 4),
    ];
    for (input, [p50, p99, max], wakes) in cases {
        let got = starvation::summarize(&input);
        let want = starvation::Delays {
            p50: Duration::from_nanos(p50),
            p99: Duration::from_nanos(p99),
            max: Duration::from_nanos(max),
            wakes,
        };
        assert_eq!(got, want, "summarize({input:?}) = {got:?}; want {want:?}");
    }
}
