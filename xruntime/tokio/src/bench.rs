//! A small copy of what Go's testing package does for `go test -bench`:
//! b.Loop's calibration to a target time, -bench's per-level regexp match,
//! and the benchmark format's result lines.

use std::time::{Duration, Instant};

use regex::Regex;

/// How long, or how many times, each benchmark runs (-benchtime).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Benchtime {
    Time(Duration),
    Times(u64),
}

impl Benchtime {
    /// Parses -benchtime as Go does: a duration ("50ms", "1s", "1.5s") or
    /// a count ("100x").
    pub fn parse(s: &str) -> Result<Benchtime, String> {
        if let Some(n) = s.strip_suffix('x') {
            return match n.parse::<u64>() {
                Ok(n) if n > 0 => Ok(Benchtime::Times(n)),
                _ => Err(format!("invalid count {s:?}")),
            };
        }
        parse_duration(s).map(Benchtime::Time)
    }
}

/// Parses a Go duration of one unit: "50ms", "2s", "1.5s", "300us", "1m".
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let split = s.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let v: f64 = num.parse().map_err(|_| format!("invalid duration {s:?}"))?;
    let ns = match unit {
        "ns" => 1.0,
        "us" | "µs" => 1e3,
        "ms" => 1e6,
        "s" => 1e9,
        "m" => 60e9,
        "h" => 3600e9,
        _ => return Err(format!("invalid duration {s:?}: unit {unit:?}")),
    };
    if v <= 0.0 {
        return Err(format!("invalid duration {s:?}: want a positive one"));
    }
    Ok(Duration::from_nanos((v * ns) as u64))
}

/// Go's b.Loop: `while b.more() { op }` runs op until the target time is
/// reached, growing the number of iterations between clock reads as Go's
/// predictN does; [`Loop::n`] and [`Loop::elapsed`] are then the totals.
pub struct Loop {
    time: Benchtime,
    n: u64,      // iterations done
    target: u64, // iterations to do before the next check
    start: Option<Instant>,
    elapsed: Duration,
}

impl Loop {
    pub fn new(time: Benchtime) -> Loop {
        Loop {
            time,
            n: 0,
            target: 1,
            start: None,
            elapsed: Duration::ZERO,
        }
    }

    /// Reports whether to run one more iteration.
    pub fn more(&mut self) -> bool {
        let start = *self.start.get_or_insert_with(Instant::now);
        if self.n < self.target {
            self.n += 1;
            return true;
        }
        self.elapsed = start.elapsed();
        let more = match self.time {
            Benchtime::Times(k) => k.saturating_sub(self.n),
            Benchtime::Time(goal) if self.elapsed < goal && self.n < 1_000_000_000 => {
                predict(goal, self.n, self.elapsed) - self.n
            }
            Benchtime::Time(_) => 0,
        };
        if more == 0 {
            return false;
        }
        self.target = self.n + more;
        self.n += 1;
        true
    }

    /// Iterations run.
    pub fn n(&self) -> u64 {
        self.n
    }

    /// Time from the first call of more to the last.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }
}

/// Go's predictN: the iterations to reach goal at the rate seen so far,
/// 20% more, at most 100 times as many and at least one more.
fn predict(goal: Duration, prev: u64, took: Duration) -> u64 {
    let took = took.as_nanos().max(1);
    let mut n = (goal.as_nanos() * prev as u128 / took) as u64;
    n += n / 5;
    n.min(100 * prev).max(prev + 1).min(1_000_000_000)
}

/// A -bench regexp split like Go's testing package splits it: into
/// alternatives at '|' and into one regexp per level of a benchmark's name
/// at '/', both outside brackets and parentheses; each regexp unanchored.
pub struct Filter(Vec<Vec<Regex>>);

impl Filter {
    pub fn new(pattern: &str) -> Result<Filter, String> {
        let compile = |levels: Vec<String>| {
            levels
                .iter()
                .map(|p| Regex::new(p).map_err(|e| format!("{pattern:?}: {e}")))
                .collect::<Result<Vec<_>, _>>()
        };
        split(pattern)
            .into_iter()
            .map(compile)
            .collect::<Result<_, _>>()
            .map(Filter)
    }

    /// Reports whether the benchmark called name (levels joined by '/',
    /// the first one with its Benchmark prefix) is selected: every level of
    /// some alternative matches the name's level of the same depth.
    pub fn matches(&self, name: &str) -> bool {
        self.0
            .iter()
            .any(|alt| name.split('/').zip(alt).all(|(part, re)| re.is_match(part)))
    }
}

/// Splits p into alternatives of levels (Go's splitRegexp).
fn split(p: &str) -> Vec<Vec<String>> {
    let (mut alts, mut levels, mut cur) = (Vec::new(), Vec::new(), String::new());
    let (mut brackets, mut parens, mut escaped) = (0i32, 0i32, false);
    for c in p.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '[' => brackets += 1,
            ']' if brackets > 0 => brackets -= 1,
            '(' if brackets == 0 => parens += 1,
            ')' if brackets == 0 && parens > 0 => parens -= 1,
            '/' | '|' if brackets == 0 && parens == 0 => {
                levels.push(std::mem::take(&mut cur));
                if c == '|' {
                    alts.push(std::mem::take(&mut levels));
                }
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    levels.push(cur);
    alts.push(levels);
    alts
}

/// One result line: `name[-procs]  N  x ns/op  y unit...`, with the name
/// suffix only for procs != 1, and the extra metrics sorted by unit, as Go
/// prints them.
pub fn result_line(name: &str, procs: usize, l: &Loop, mut metrics: Vec<(f64, &str)>) -> String {
    let mut s = name.to_string();
    if procs != 1 {
        s += &format!("-{procs}");
    }
    let n = l.n().max(1);
    s += &format!("\t{:8}\t{} ns/op", n, pretty(l.elapsed().as_nanos() as f64 / n as f64));
    metrics.sort_by(|a, b| a.1.cmp(b.1));
    for (v, unit) in metrics {
        s += &format!("\t{} {unit}", pretty(v));
    }
    s
}

/// Go's prettyPrint: four significant digits for small values.
fn pretty(x: f64) -> String {
    let y = x.abs();
    let prec = if y == 0.0 || y >= 999.95 {
        0
    } else if y >= 99.995 {
        1
    } else if y >= 9.9995 {
        2
    } else if y >= 0.99995 {
        3
    } else if y >= 0.099995 {
        4
    } else if y >= 0.0099995 {
        5
    } else if y >= 0.00099995 {
        6
    } else {
        7
    };
    format!("{x:.prec$}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_matches_per_level() {
        let cases = [
            (".", "BenchmarkJoinAll/impl=tokiojoinset/n=10/task=tiny", true),
            (
                "JoinAll/impl=tokio/n=10$",
                "BenchmarkJoinAll/impl=tokiojoinset/n=10/task=tiny",
                true,
            ),
            (
                "JoinAll/impl=tokio/n=10$",
                "BenchmarkJoinAll/impl=tokiojoinset/n=1000/task=tiny",
                false,
            ),
            ("FirstDone", "BenchmarkJoinAll/impl=tokiojoinset/n=10/task=tiny", false),
            (
                "Starvation/n=1/hog=(tight|call)/",
                "BenchmarkStarvation/n=1/hog=call/victim=sleep",
                true,
            ),
            (
                "Starvation/n=1/hog=(tight|call)/",
                "BenchmarkStarvation/n=1/hog=yield/victim=sleep",
                false,
            ),
            ("/task=[a/b]", "BenchmarkX/task=a", true),
            (
                "Starvation/n=1/|FailFast/impl=.*/n=16/task=fail",
                "BenchmarkFailFast/impl=x/n=16/task=fail",
                true,
            ),
            (
                "Starvation/n=1/|FailFast/impl=.*/n=16/task=fail",
                "BenchmarkStarvation/n=1/hog=tight",
                true,
            ),
            (
                "Starvation/n=1/|FailFast/impl=.*/n=16/task=fail",
                "BenchmarkStarvation/n=2/hog=tight",
                false,
            ),
            (
                "Starvation/n=1/|FailFast/impl=.*/n=16/task=fail",
                "BenchmarkFailFast/impl=x/n=16/task=ok",
                false,
            ),
            ("JoinAll/impl=(a|b)/n=1$", "BenchmarkJoinAll/impl=b/n=1", true),
        ];
        for (pat, name, want) in cases {
            let got = Filter::new(pat).unwrap().matches(name);
            assert_eq!(got, want, "Filter({pat:?}).matches({name:?}) = {got}; want {want}");
        }
    }

    #[test]
    fn benchtime_parses_like_go() {
        let cases = [
            ("50ms", Ok(Benchtime::Time(Duration::from_millis(50)))),
            ("1.5s", Ok(Benchtime::Time(Duration::from_millis(1500)))),
            ("1x", Ok(Benchtime::Times(1))),
            ("0x", Err(())),
            ("5 ms", Err(())),
            ("-1s", Err(())),
            ("fast", Err(())),
        ];
        for (s, want) in cases {
            let got = Benchtime::parse(s).map_err(|_| ());
            assert_eq!(got, want, "Benchtime::parse({s:?}) = {got:?}; want {want:?}");
        }
    }

    #[test]
    fn loop_runs_count_or_time() {
        let mut l = Loop::new(Benchtime::Times(7));
        let mut ops = 0;
        while l.more() {
            ops += 1;
        }
        assert_eq!((ops, l.n()), (7, 7), "(ops, n) = ({ops}, {}); want (7, 7)", l.n());

        let goal = Duration::from_millis(20);
        let mut l = Loop::new(Benchtime::Time(goal));
        let mut ops = 0;
        while l.more() {
            ops += 1;
            std::thread::sleep(Duration::from_micros(100));
        }
        assert_eq!(ops, l.n(), "ops = {ops}; want n = {}", l.n());
        assert!(
            l.elapsed() >= goal,
            "elapsed = {:?}; want at least {goal:?}",
            l.elapsed()
        );
        assert!(ops > 1, "ops = {ops}; want the loop to grow past one");
    }

    #[test]
    fn result_line_is_go_format() {
        let mut l = Loop::new(Benchtime::Times(3));
        while l.more() {}
        let line = result_line("BenchmarkX/n=1", 2, &l, vec![(12.5, "ns/task"), (3.0, "cancel-ns")]);
        let f: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(f[0], "BenchmarkX/n=1-2", "name = {}; want BenchmarkX/n=1-2", f[0]);
        assert_eq!(f[1], "3");
        assert_eq!(
            &f[3..],
            ["ns/op", "3.000", "cancel-ns", "12.50", "ns/task"],
            "line = {line}"
        );
        let one = result_line("BenchmarkX", 1, &l, vec![]);
        assert!(one.starts_with("BenchmarkX\t"), "line = {one:?}; want no -1 suffix");
    }
}
