//! CPU hogs next to a victim that needs the CPU every millisecond, on a
//! tokio runtime (Go: patterns/starvation). tokio schedules cooperatively:
//! a task keeps its worker thread until it returns Pending at an `.await`,
//! so a hog that never reaches one holds back everything queued behind it,
//! timers included (a worker drives the timer only between tasks).
//!
//! The hogs do the Go hogs' unit of work (16 rounds of the mix, about
//! 30 ns) per iteration:
//! - `tight`: the loop with the arithmetic inline.
//! - `call`: a loop calling a function that is never inlined. Go's
//!   leafcall/call difference (a stack-check prologue, where Go preempts
//!   cooperatively) has no counterpart: nothing in a Rust function gives
//!   the scheduler a turn.
//! - `yield`: `tokio::task::yield_now().await` every [`YIELD_EVERY`]
//!   iterations, as Go's yield hog calls runtime.Gosched.
//! - `budget`: after every [`YIELD_EVERY`] iterations it receives a message
//!   that is already waiting on a tokio mpsc channel: the `.await` is ready
//!   at once until the task's cooperative budget (128 operations on tokio
//!   resources per poll) runs out, and then it yields. A loop that drains a
//!   busy channel works this way.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, Notify};

/// Iterations the yield and budget hogs run between awaits: about 30 µs.
pub const YIELD_EVERY: u64 = 1000;

/// Mix rounds per iteration, as Go's starvation.Rounds.
pub const ROUNDS: u32 = 16;

/// An iteration count no hog finishes.
pub const FOREVER: u64 = u64::MAX;

/// How often a victim wants the CPU.
pub const PERIOD: Duration = Duration::from_millis(1);

/// The hog kinds, in the order the benchmarks use them.
pub const HOGS: [&str; 4] = ["tight", "call", "yield", "budget"];

/// The victims, in the order the benchmarks use them.
pub const VICTIMS: [&str; 2] = ["sleep", "ping"];

/// Runs the hog called name for iters iterations and returns a value
/// derived from its work. It panics on an unknown name.
pub async fn hog(name: &str, iters: u64) -> u64 {
    match name {
        "tight" => tight(iters),
        "call" => call(iters),
        "yield" => yielding(iters).await,
        "budget" => budget(iters).await,
        _ => panic!("starvation: unknown hog {name:?}"),
    }
}

fn tight(iters: u64) -> u64 {
    spin(iters, iters)
}

fn spin(mut x: u64, iters: u64) -> u64 {
    for _ in 0..iters {
        for _ in 0..ROUNDS {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            x ^= x >> 29;
        }
    }
    x
}

fn call(iters: u64) -> u64 {
    let mut x = iters;
    for _ in 0..iters {
        x = step(x);
    }
    x
}

#[inline(never)]
fn step(x: u64) -> u64 {
    spin(x, 1)
}

async fn yielding(iters: u64) -> u64 {
    let mut x = iters;
    let mut done = 0;
    while done < iters {
        (x, done) = batch(x, done, iters);
        tokio::task::yield_now().await;
    }
    x
}

async fn budget(iters: u64) -> u64 {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut x = iters;
    let mut done = 0;
    while done < iters {
        (x, done) = batch(x, done, iters);
        tx.send(x).expect("starvation: the channel is open");
        x = rx.recv().await.expect("starvation: a message is waiting");
    }
    x
}

/// Runs the next YIELD_EVERY of iters iterations (fewer at the end) on x
/// and returns x and the iterations done so far.
fn batch(x: u64, done: u64, iters: u64) -> (u64, u64) {
    let k = YIELD_EVERY.min(iters - done);
    (spin(x, k), done + k)
}

/// A callback a victim calls, on its own task, each time it runs after a
/// wait, with how late it ran.
pub type Wake = Arc<dyn Fn(Duration) + Send + Sync>;

/// Runs the victim called name until it is dropped. It panics on an
/// unknown name.
pub fn victim(name: &str, wake: Wake) -> std::pin::Pin<Box<dyn Future<Output = ()> + Send>> {
    match name {
        "sleep" => Box::pin(sleeper(wake)),
        "ping" => Box::pin(ping(wake)),
        _ => panic!("starvation: unknown victim {name:?}"),
    }
}

/// Sleeps PERIOD again and again and reports how late each wake-up ran.
async fn sleeper(wake: Wake) {
    loop {
        let due = tokio::time::Instant::now() + PERIOD;
        tokio::time::sleep_until(due).await;
        wake(due.elapsed());
    }
}

/// A server answering a client task that sends a ping every PERIOD and
/// waits for the pong; it reports how late each ping was received.
async fn ping(wake: Wake) {
    let (ping_tx, mut ping_rx) = mpsc::channel::<tokio::time::Instant>(1);
    let (pong_tx, mut pong_rx) = mpsc::channel::<()>(1);
    let client = tokio::spawn(async move {
        loop {
            let due = tokio::time::Instant::now() + PERIOD;
            tokio::time::sleep_until(due).await;
            if ping_tx.send(due).await.is_err() || pong_rx.recv().await.is_none() {
                return;
            }
        }
    });
    // The client ends when this future is dropped: its channels close.
    let _abort = AbortOnDrop(client);
    while let Some(due) = ping_rx.recv().await {
        wake(due.elapsed());
        if pong_tx.send(()).await.is_err() {
            return;
        }
    }
}

struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Runs victim next to n hogs of iters iterations, on the current runtime,
/// as Go's starvation.Measure: it starts the victim, waits for its first
/// wake-up, spawns the hogs, waits for them and for one more wake-up, and
/// returns the [`Window`] the hogs held, from their start until the first
/// of them returned. It panics if n is 0 or if the victim makes no wake-up
/// within 10 s once the hogs are done.
pub async fn measure(hog_name: &'static str, victim_name: &str, n: usize, iters: u64) -> Window {
    assert!(n >= 1, "starvation: measure with {n} hogs; want n >= 1");
    let rec = Arc::new(Recorder::default());
    let r = rec.clone();
    let v = tokio::spawn(victim(victim_name, Arc::new(move |d| r.wake(d))));
    let _abort = AbortOnDrop(v);
    rec.wait_wake(None).await;
    let start = rec.start();
    let hogs: Vec<_> = (0..n)
        .map(|_| {
            tokio::spawn(async move {
                std::hint::black_box(hog(hog_name, iters).await);
                Instant::now()
            })
        })
        .collect();
    let mut end: Option<Instant> = None;
    for h in hogs {
        let t = h.await.expect("starvation: a hog panicked");
        end = Some(end.map_or(t, |e| e.min(t)));
    }
    rec.wait_wake(Some(Instant::now())).await;
    rec.stop(start, end.expect("starvation: n >= 1"))
}

#[derive(Default)]
struct Recorder {
    state: Mutex<RecState>,
    woke: Notify,
}

#[derive(Default)]
struct RecState {
    recording: bool,
    last: Option<Instant>,
    wakes: Vec<(Instant, Duration)>, // when the victim ran, how late
}

impl Recorder {
    fn wake(&self, delay: Duration) {
        let now = Instant::now();
        let mut s = self.state.lock().unwrap();
        s.last = Some(now);
        if s.recording {
            s.wakes.push((now, delay));
        }
        drop(s);
        self.woke.notify_one();
    }

    fn start(&self) -> Instant {
        self.state.lock().unwrap().recording = true;
        Instant::now()
    }

    /// Waits for a wake-up later than after (any wake-up for None).
    async fn wait_wake(&self, after: Option<Instant>) {
        let limit = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let last = self.state.lock().unwrap().last;
            if matches!((last, after), (Some(l), Some(a)) if l > a) || (last.is_some() && after.is_none()) {
                return;
            }
            if tokio::time::timeout_at(limit, self.woke.notified()).await.is_err() {
                panic!("starvation: the victim made no wake-up within 10s with the CPU free");
            }
        }
    }

    /// Ends the recording and returns the window from start to end, as Go's
    /// recorder.stop: the delays of the wake-ups due in it, and its longest
    /// stall, which counts a wake-up due just before start from start on.
    fn stop(&self, start: Instant, end: Instant) -> Window {
        let mut s = self.state.lock().unwrap();
        s.recording = false;
        let mut win = Window {
            length: end.saturating_duration_since(start),
            ..Window::default()
        };
        for &(at, delay) in &s.wakes {
            let due = at - delay;
            if due >= end {
                continue;
            }
            if due >= start {
                win.delays.push(delay);
            }
            win.stall = win.stall.max(at.saturating_duration_since(due.max(start)));
        }
        win
    }
}

/// What a victim went through while the hogs of one [`measure`] ran (Go's
/// starvation.Window).
#[derive(Debug, Default, Clone)]
pub struct Window {
    /// From the hogs' start until the first of them returned.
    pub length: Duration,
    /// The delays of the wake-ups that fell due in the window, in order.
    pub delays: Vec<Duration>,
    /// The longest time in the window the victim waited to run.
    pub stall: Duration,
}

impl Window {
    /// How many wake-ups an unhindered victim makes in the window, at least 1.
    pub fn due(&self) -> f64 {
        (self.length.as_secs_f64() / PERIOD.as_secs_f64()).max(1.0)
    }
}

/// The fewest wake-ups a percentile of their delays is reported from (Go's
/// starvation.MinWakes).
pub const MIN_WAKES: usize = 20;

/// The median, 99th percentile (nearest rank) and maximum of delays, and
/// their count, as Go's starvation.Summarize.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Delays {
    pub p50: Duration,
    pub p99: Duration,
    pub max: Duration,
    pub wakes: usize,
}

/// Summarizes delays; the zero Delays for none.
pub fn summarize(delays: &[Duration]) -> Delays {
    if delays.is_empty() {
        return Delays::default();
    }
    let mut s = delays.to_vec();
    s.sort();
    let rank = |p: f64| s[((p * s.len() as f64).ceil() as usize).max(1) - 1];
    Delays {
        p50: rank(0.50),
        p99: rank(0.99),
        max: s[s.len() - 1],
        wakes: s.len(),
    }
}
