//! First-completed as tokio users write it: the first task to finish wins,
//! the others are cancelled, which in Rust means dropped (Go:
//! patterns/firstdone).
//!
//! - [`select`]: `tokio::select!` over two futures (a fixed number of
//!   branches: the macro's shape).
//! - [`select_all`]: `futures::future::select_all` over boxed futures,
//!   polled by the calling task; the losers are dropped on return.
//! - [`join_set`]: a spawned task each on a `JoinSet`, the first
//!   `join_next` wins, then `shutdown` aborts the losers and waits until
//!   every one is dropped.
//! - [`unordered`]: a `FuturesUnordered` stream, the as-completed shape
//!   (`.next()` in a loop) stopped after the first; dropping the stream
//!   drops the losers.
//!
//! Every function returns only once every loser has been dropped, like the
//! Go implementations, which return only once every loser has returned.

use std::future::Future;

use futures::StreamExt;
use tokio::task::JoinSet;

use crate::joinall::rethrow;

/// Returns the output of whichever of a and b finishes first and drops the
/// other. select! polls its branches in random order.
pub async fn select<A, B, T>(a: A, b: B) -> T
where
    A: Future<Output = T>,
    B: Future<Output = T>,
{
    tokio::select! {
        v = a => v,
        v = b => v,
    }
}

/// Returns the first output of tasks and drops the others. It panics on no
/// tasks, as futures::future::select_all does.
pub async fn select_all<I, T>(tasks: I) -> T
where
    I: IntoIterator,
    I::Item: Future<Output = T>,
{
    let tasks: Vec<_> = tasks.into_iter().map(Box::pin).collect();
    let (v, _, rest) = futures::future::select_all(tasks).await;
    drop(rest);
    v
}

/// Spawns every task on a JoinSet, returns the first output, and aborts
/// and waits for the others. It panics on no tasks.
pub async fn join_set<I, T>(tasks: I) -> T
where
    I: IntoIterator,
    I::Item: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let mut set = JoinSet::new();
    for t in tasks {
        set.spawn(t);
    }
    let first = set.join_next().await.expect("firstdone: no tasks");
    set.shutdown().await;
    first.unwrap_or_else(rethrow)
}

/// Polls tasks as a FuturesUnordered stream and returns the first output;
/// the others are dropped with the stream. It panics on no tasks.
pub async fn unordered<I, T>(tasks: I) -> T
where
    I: IntoIterator,
    I::Item: Future<Output = T>,
{
    let mut s: futures::stream::FuturesUnordered<_> = tasks.into_iter().collect();
    s.next().await.expect("firstdone: no tasks")
}
