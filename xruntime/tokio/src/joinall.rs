//! Join-all as tokio users write it: wait for every task and get the
//! results in the order the tasks were given (Go: patterns/joinall).
//!
//! - [`join_all`]: `futures::future::join_all`, every task a future polled
//!   by the calling task: concurrent (waits overlap) but never parallel.
//! - [`join_set`]: a `tokio::task::JoinSet`, a spawned task per task,
//!   collected with `join_next` and put back in order: parallel on a
//!   multi_thread runtime.
//! - [`spawn_each`]: `tokio::spawn` per task, then each `JoinHandle`
//!   awaited in order.
//! - [`serial`]: one `.await` after the other, the lower bound of CPU work.
//!
//! A panicking task panics the caller in every implementation. join_all
//! drops the other futures as the caller unwinds and join_set aborts the
//! other tasks (dropping a JoinSet aborts its tasks); spawn_each leaves the
//! tasks not yet awaited running, detached, because dropping a JoinHandle
//! does not cancel its task. The contract tests check both behaviours.

use std::future::Future;
use std::panic::resume_unwind;

use tokio::task::{JoinError, JoinSet};

/// Awaits every task concurrently inside the calling task.
pub async fn join_all<I>(tasks: I) -> Vec<<I::Item as Future>::Output>
where
    I: IntoIterator,
    I::Item: Future,
{
    futures::future::join_all(tasks).await
}

/// Spawns every task on a JoinSet and returns the results in task order.
pub async fn join_set<I, T>(tasks: I) -> Vec<T>
where
    I: IntoIterator,
    I::Item: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let mut set = JoinSet::new();
    let mut n = 0;
    for (i, t) in tasks.into_iter().enumerate() {
        set.spawn(async move { (i, t.await) });
        n += 1;
    }
    let mut out: Vec<Option<T>> = (0..n).map(|_| None).collect();
    while let Some(r) = set.join_next().await {
        let (i, v) = r.unwrap_or_else(rethrow);
        out[i] = Some(v);
    }
    out.into_iter()
        .map(|v| v.expect("joinall: a task's result is missing"))
        .collect()
}

/// Spawns every task with tokio::spawn, then awaits the handles in order.
pub async fn spawn_each<I, T>(tasks: I) -> Vec<T>
where
    I: IntoIterator,
    I::Item: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let handles: Vec<_> = tasks.into_iter().map(tokio::spawn).collect();
    let mut out = Vec::with_capacity(handles.len());
    for h in handles {
        out.push(h.await.unwrap_or_else(rethrow));
    }
    out
}

/// Awaits the tasks one after another.
pub async fn serial<I>(tasks: I) -> Vec<<I::Item as Future>::Output>
where
    I: IntoIterator,
    I::Item: Future,
{
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await);
    }
    out
}

/// Resumes a task's panic in the caller; a cancelled task is a bug here,
/// since these functions abort nothing before they return.
pub(crate) fn rethrow<T>(e: JoinError) -> T {
    if e.is_panic() {
        resume_unwind(e.into_panic())
    }
    panic!("concbench-tokio: a task was cancelled: {e}")
}
