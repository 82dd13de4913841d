//! concbench's patterns written as tokio users write them — join-all,
//! first-completed, fail-fast and the starvation loop — and the benchmark
//! cells that measure them under the Go suite's names, so one benchstat
//! table holds both runtimes (`benchstat -col runtime`).

pub mod bench;
pub mod cells;
pub mod child;
pub mod failfast;
pub mod firstdone;
pub mod joinall;
pub mod starvation;
pub mod work;

/// Builds the runtime for procs worker threads: current_thread for one
/// (GOMAXPROCS=1: one thread runs every task), multi_thread with
/// worker_threads = procs otherwise; multi forces multi_thread at one.
pub fn runtime(procs: usize, multi: bool) -> std::io::Result<tokio::runtime::Runtime> {
    if procs == 1 && !multi {
        return tokio::runtime::Builder::new_current_thread().enable_all().build();
    }
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(procs)
        .enable_all()
        .build()
}
