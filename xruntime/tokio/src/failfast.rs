//! Fail-fast (the errgroup pattern) as tokio users write it: the first
//! error is returned and the other tasks are cancelled, which in Rust means
//! dropped (Go: patterns/failfast).
//!
//! - [`try_join_all`]: `futures::future::try_join_all`, every task a future
//!   polled by the calling task; on the first `Err` the others are dropped.
//!   Concurrent, not parallel, and without a limit.
//! - [`join_set`]: a spawned task each on a `JoinSet`, at most `limit`
//!   running (0: no limit); on the first `Err` it aborts the others with
//!   `shutdown` and waits until each one is gone. Tasks not yet spawned
//!   never start.
//!
//! Both return the results in task order when every task succeeds; a
//! panicking task panics the caller after the others are cancelled.

use std::future::Future;

use tokio::task::JoinSet;

use crate::joinall::rethrow;

/// Awaits every task inside the calling task; the first error wins.
pub async fn try_join_all<I, T, E>(tasks: I) -> Result<Vec<T>, E>
where
    I: IntoIterator,
    I::Item: Future<Output = Result<T, E>>,
{
    futures::future::try_join_all(tasks).await
}

/// Runs tasks on a JoinSet, at most limit at a time (0: all at once), and
/// returns their results in order or the first error to complete.
pub async fn join_set<I, T, E>(limit: usize, tasks: I) -> Result<Vec<T>, E>
where
    I: IntoIterator,
    I::Item: Future<Output = Result<T, E>> + Send + 'static,
    T: Send + 'static,
    E: Send + 'static,
{
    let mut pending = tasks.into_iter().enumerate();
    let mut set = JoinSet::new();
    let mut out: Vec<Option<T>> = Vec::new();
    let mut spawn_next = |set: &mut JoinSet<_>, out: &mut Vec<Option<T>>| {
        if let Some((i, t)) = pending.next() {
            out.push(None);
            set.spawn(async move { (i, t.await) });
        }
    };
    let first = if limit == 0 { usize::MAX } else { limit };
    for _ in 0..first {
        let before = set.len();
        spawn_next(&mut set, &mut out);
        if set.len() == before {
            break;
        }
    }
    while let Some(r) = set.join_next().await {
        let (i, v) = match r {
            Ok(r) => r,
            Err(e) => {
                set.shutdown().await;
                return rethrow(e);
            }
        };
        match v {
            Ok(v) => out[i] = Some(v),
            Err(e) => {
                set.shutdown().await;
                return Err(e);
            }
        }
        spawn_next(&mut set, &mut out);
    }
    Ok(out
        .into_iter()
        .map(|v| v.expect("failfast: a task's result is missing"))
        .collect())
}
