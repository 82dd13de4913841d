//! The endless hog's child role, speaking internal/starve's protocol so the
//! same watchdog (concbench starve, concbench run -endless) can watch a
//! tokio runtime: the settings come in CONCBENCH_STARVE_CHILD ("hog=tight
//! victim=sleep hogs=1 limit=2.5s") and GOMAXPROCS (the worker threads);
//! the child writes "hogs N" once the victim has woken up once, starts N
//! hogs that never end, and writes "wake NS" for each later wake-up of the
//! victim once every hog has begun, until it is killed.

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::starvation::{self, FOREVER};

/// The environment variable that selects the child role.
pub const ENV: &str = "CONCBENCH_STARVE_CHILD";

/// The child's settings.
#[derive(Debug, PartialEq)]
pub struct Spec {
    pub hog: &'static str,
    pub victim: &'static str,
    pub hogs: usize,
    pub limit: Duration,
}

/// Parses CONCBENCH_STARVE_CHILD's value.
pub fn parse(spec: &str) -> Result<Spec, String> {
    let (mut hog, mut victim, mut hogs, mut limit) = (None, None, 0, Duration::ZERO);
    for f in spec.split_whitespace() {
        let (k, v) = f.split_once('=').unwrap_or((f, ""));
        match k {
            "hog" => hog = starvation::HOGS.iter().find(|h| **h == v).copied(),
            "victim" => victim = starvation::VICTIMS.iter().find(|h| **h == v).copied(),
            "hogs" => hogs = v.parse().map_err(|_| format!("hogs {v:?}: want a number"))?,
            "limit" => limit = crate::bench::parse_duration(v)?,
            _ => return Err(format!("unknown setting {f:?}")),
        }
    }
    let hog = hog.ok_or_else(|| format!("unknown hog in {spec:?}: want one of {}", starvation::HOGS.join(", ")))?;
    let victim = victim.ok_or_else(|| {
        format!(
            "unknown victim in {spec:?}: want one of {}",
            starvation::VICTIMS.join(", ")
        )
    })?;
    if hogs < 1 || limit.is_zero() {
        return Err("want hogs >= 1 and limit > 0".into());
    }
    Ok(Spec {
        hog,
        victim,
        hogs,
        limit,
    })
}

/// Runs the child role on rt; it returns only if the CPU limit cannot be set.
pub fn run(spec: Spec, rt: tokio::runtime::Runtime, procs: usize) -> Result<(), String> {
    limit_cpu((spec.limit.as_secs_f64() * procs as f64).ceil() as u64 + 1)?;
    rt.block_on(async move {
        let running = Arc::new(AtomicUsize::new(0));
        let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
        let ready = Mutex::new(Some(ready_tx));
        let r = running.clone();
        let hogs = spec.hogs;
        tokio::spawn(starvation::victim(
            spec.victim,
            Arc::new(move |d: Duration| {
                if let Some(tx) = ready.lock().unwrap().take() {
                    let _ = tx.send(());
                    return;
                }
                // A wake-up before every hog ran is not one next to them.
                if r.load(Ordering::Acquire) >= hogs {
                    say(&format!("wake {}", d.as_nanos()));
                }
            }),
        ));
        ready_rx.await.expect("the victim lives");
        say(&format!("hogs {hogs}"));
        for _ in 0..hogs {
            let r = running.clone();
            tokio::spawn(async move {
                r.fetch_add(1, Ordering::AcqRel);
                std::hint::black_box(starvation::hog(spec.hog, FOREVER).await);
            });
        }
        std::future::pending::<()>().await
    });
    Ok(())
}

fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    // The parent reads the lines as they come; a closed pipe means it is gone.
    if writeln!(out, "{line}").and_then(|_| out.flush()).is_err() {
        std::process::exit(1);
    }
}

/// Limits the process's CPU time, a backstop for a parent that dies without
/// killing the child.
fn limit_cpu(secs: u64) -> Result<(), String> {
    let lim = libc::rlimit {
        rlim_cur: secs as libc::rlim_t,
        rlim_max: secs as libc::rlim_t,
    };
    // SAFETY: setrlimit reads the struct passed by reference.
    if unsafe { libc::setrlimit(libc::RLIMIT_CPU, &lim) } != 0 {
        return Err(format!(
            "limiting CPU time to {secs}s: {}",
            std::io::Error::last_os_error()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_reads_the_go_spec() {
        let got = parse("hog=budget victim=ping hogs=2 limit=2.5s").unwrap();
        let want = Spec {
            hog: "budget",
            victim: "ping",
            hogs: 2,
            limit: Duration::from_millis(2500),
        };
        assert_eq!(got, want, "got = {got:?}; want {want:?}");
        for bad in [
            "hog=leafcall victim=sleep hogs=1 limit=1s",
            "hog=tight victim=sleep hogs=0 limit=1s",
            "hog=tight victim=sleep hogs=1",
            "hog=tight victim=sleep hogs=1 limit=1s x=y",
        ] {
            assert!(parse(bad).is_err(), "parse({bad:?}) = Ok; want an error");
        }
    }
}
