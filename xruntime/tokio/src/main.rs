//! concbench-tokio: the tokio half of concbench's suite, a stand-in for Go's
//! bench test binary. It takes the test binary's benchmark flags (-bench,
//! -benchtime, -cpu, -count, with or without the test. prefix; -run is
//! accepted and ignored), runs every selected cell b.Loop-style, and prints
//! the Go benchmark format with a `runtime: tokio` config line. -cpu N runs
//! a current_thread runtime for N=1 (-flavor multi: multi_thread with one
//! worker) and a multi_thread runtime with worker_threads=N otherwise.
//!
//! Started with CONCBENCH_STARVE_CHILD set, it is the endless hog's child
//! under internal/starve's watchdog instead (see child.rs).
//!
//! Exit status: 0 ok, 2 bad usage (the message names the flag).

use std::process::ExitCode;

use concbench_tokio::bench::{result_line, Benchtime, Filter};
use concbench_tokio::{cells, child, runtime};

struct Options {
    filter: Filter,
    benchtime: Benchtime,
    cpus: Vec<usize>,
    count: usize,
    multi: bool,
    list: bool,
}

fn main() -> ExitCode {
    // Die quietly of a closed stdout (`concbench-tokio | head`), as a Go
    // program does, instead of panicking in println!: Rust ignores SIGPIPE.
    // SAFETY: no other thread runs yet; SIG_DFL is a valid disposition.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_DFL) };
    if let Ok(spec) = std::env::var(child::ENV) {
        return run_child(&spec);
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let o = match parse(&args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("concbench-tokio: {e}");
            eprintln!("usage: concbench-tokio [-bench regexp] [-benchtime 1s|Nx] [-cpu 1,2] [-count n] [-flavor auto|multi] [-list]");
            return ExitCode::from(2);
        }
    };
    if o.list {
        for c in cells::all(o.cpus[0]).iter().filter(|c| o.filter.matches(&c.name)) {
            println!("{}", c.name);
        }
        return ExitCode::SUCCESS;
    }
    header();
    for &procs in &o.cpus {
        for c in cells::all(procs).iter().filter(|c| o.filter.matches(&c.name)) {
            for _ in 0..o.count {
                let rt = match runtime(procs, o.multi) {
                    Ok(rt) => rt,
                    Err(e) => {
                        eprintln!("concbench-tokio: building a runtime of {procs} threads: {e}");
                        return ExitCode::FAILURE;
                    }
                };
                let (l, m) = (c.run)(&rt, o.benchtime);
                drop(rt);
                println!("{}", result_line(&c.name, procs, &l, m));
            }
        }
    }
    println!("PASS");
    ExitCode::SUCCESS
}

fn run_child(spec: &str) -> ExitCode {
    let fail = |e: String| {
        eprintln!("concbench-tokio starve child: {}={spec:?}: {e}", child::ENV);
        ExitCode::from(2)
    };
    let s = match child::parse(spec) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let procs = match std::env::var("GOMAXPROCS").map(|v| v.parse::<usize>()) {
        Err(_) => 1,
        Ok(Ok(n)) if n >= 1 => n,
        Ok(_) => return fail("GOMAXPROCS: want a number >= 1".into()),
    };
    let rt = match runtime(procs, false) {
        Ok(rt) => rt,
        Err(e) => return fail(e.to_string()),
    };
    match child::run(s, rt, procs) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(e),
    }
}

/// The config lines Go's test binary prints, and runtime: tokio. pkg names
/// the suite (the Go bench package), so that both runtimes' results share
/// every config line but runtime.
fn header() {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        a => a,
    };
    println!("goos: {}", std::env::consts::OS);
    println!("goarch: {arch}");
    println!("pkg: github.com/concbench/concbench/bench");
    if let Some(cpu) = cpu_model() {
        println!("cpu: {cpu}");
    }
    println!("runtime: tokio");
}

/// The CPU's name as Go's testing package prints it on its cpu: line (Go's
/// internal/sysinfo): on x86-64 the CPUID brand string with its leading
/// spaces and trailing NULs trimmed, so that the Go and tokio processes of
/// one run name the CPU alike (a VM's /proc/cpuinfo may name it otherwise:
/// "AMD EPYC" for the brand "Oxide Virtual Turin-like Processor");
/// elsewhere /proc/cpuinfo's model name.
fn cpu_model() -> Option<String> {
    #[cfg(target_arch = "x86_64")]
    if let Some(name) = cpuid_brand() {
        return Some(name);
    }
    let info = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("model name"))?;
    Some(line.split_once(':')?.1.trim().to_string())
}

#[cfg(target_arch = "x86_64")]
#[allow(unused_unsafe)] // __cpuid is a safe function in newer Rust releases
fn cpuid_brand() -> Option<String> {
    use std::arch::x86_64::__cpuid;
    // SAFETY: every x86-64 CPU has the CPUID instruction.
    if unsafe { __cpuid(0x8000_0000) }.eax < 0x8000_0004 {
        return None;
    }
    let mut b = Vec::with_capacity(48);
    for leaf in 0x8000_0002..=0x8000_0004u32 {
        // SAFETY: as above; the leaf exists, checked above.
        let r = unsafe { __cpuid(leaf) };
        for v in [r.eax, r.ebx, r.ecx, r.edx] {
            b.extend_from_slice(&v.to_le_bytes());
        }
    }
    let start = b.iter().position(|&c| c != b' ').unwrap_or(b.len());
    let end = b.iter().rposition(|&c| c != 0).map_or(start, |i| (i + 1).max(start));
    let name = String::from_utf8_lossy(&b[start..end]).into_owned();
    (!name.is_empty()).then_some(name)
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        filter: Filter::new(".")?,
        benchtime: Benchtime::parse("1s")?,
        cpus: vec![std::thread::available_parallelism().map_or(1, |n| n.get())],
        count: 1,
        multi: false,
        list: false,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let Some(flag) = arg.strip_prefix("--").or_else(|| arg.strip_prefix('-')) else {
            return Err(format!("unexpected argument {arg:?} (all settings are flags)"));
        };
        let (name, inline) = match flag.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (flag, None),
        };
        let name = name.strip_prefix("test.").unwrap_or(name);
        if name == "list" {
            o.list = true;
            continue;
        }
        if name == "paniconexit0" {
            continue; // go test passes it to every test binary; no os.Exit here to guard
        }
        let mut value = || {
            inline
                .clone()
                .or_else(|| it.next().cloned())
                .ok_or_else(|| format!("flag -{name} needs a value"))
        };
        let bad = |v: &str, want: &str| format!("invalid value {v:?} for flag -{name}: {want}");
        match name {
            "bench" => o.filter = Filter::new(&value()?).map_err(|e| bad(&e, "want a regexp"))?,
            "benchtime" => {
                let v = value()?;
                o.benchtime = Benchtime::parse(&v).map_err(|e| bad(&v, &e))?;
            }
            "cpu" => {
                let v = value()?;
                o.cpus = v
                    .split(',')
                    .map(|s| s.trim().parse::<usize>().ok().filter(|&n| n >= 1))
                    .collect::<Option<_>>()
                    .ok_or_else(|| bad(&v, "want a list of numbers >= 1"))?;
            }
            "count" => {
                let v = value()?;
                o.count = v
                    .parse()
                    .ok()
                    .filter(|&n| n >= 1)
                    .ok_or_else(|| bad(&v, "want a number >= 1"))?;
            }
            "flavor" => {
                let v = value()?;
                o.multi = match v.as_str() {
                    "auto" => false,
                    "multi" => true,
                    _ => return Err(bad(&v, "want auto or multi")),
                };
            }
            "run" => drop(value()?), // no tests in this binary: nothing to select
            _ => return Err(format!("flag provided but not defined: -{name}")),
        }
    }
    Ok(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The flags concbench's runner passes, as go test passes them to a
    /// test binary.
    #[test]
    fn parse_takes_go_test_flags() {
        let args: Vec<String> = [
            "-test.paniconexit0",
            "-test.run=^$",
            "-test.bench=JoinAll",
            "-test.benchtime=10ms",
            "-test.cpu=2",
            "-test.count=1",
        ]
        .map(String::from)
        .to_vec();
        let o = parse(&args).expect("go test's flags parse");
        assert_eq!((o.cpus, o.count), (vec![2], 1));
        let bad = parse(&["-test.nosuchflag".to_string()]).map(|_| ()).unwrap_err();
        assert_eq!(bad, "flag provided but not defined: -nosuchflag");
    }
}
