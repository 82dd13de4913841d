//! The task kinds, as internal/work defines them for the Go suite: tiny and
//! cpu burn a fixed amount of CPU with the same LCG-and-xorshift mix and the
//! same round counts, wait sleeps 1 ms on tokio's timer without burning CPU.

use std::time::Duration;

/// How long a wait task sleeps (internal/work.WaitTime).
pub const WAIT_TIME: Duration = Duration::from_millis(1);

const TINY_ROUNDS: u32 = 18;
const CPU_ROUNDS: u32 = 5000;

/// A task kind of the suite.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Tiny,
    Cpu,
    Wait,
}

impl Kind {
    /// The kind's name in benchmark names (task=...).
    pub fn name(self) -> &'static str {
        match self {
            Kind::Tiny => "tiny",
            Kind::Cpu => "cpu",
            Kind::Wait => "wait",
        }
    }

    /// Runs one task of this kind and returns a value derived from seed.
    pub async fn run(self, seed: u64) -> u64 {
        match self {
            Kind::Tiny => tiny(seed),
            Kind::Cpu => cpu(seed),
            Kind::Wait => wait(seed).await,
        }
    }
}

/// Burns about 20 ns of CPU (work.Tiny).
pub fn tiny(seed: u64) -> u64 {
    mix(seed, TINY_ROUNDS)
}

/// Burns about 10 µs of CPU (work.CPU).
pub fn cpu(seed: u64) -> u64 {
    mix(seed, CPU_ROUNDS)
}

/// Sleeps [`WAIT_TIME`] on tokio's timer and returns seed. tokio's timer
/// has a resolution of 1 ms and rounds up, so a wait takes 1 to 2 ms.
pub async fn wait(seed: u64) -> u64 {
    tokio::time::sleep(WAIT_TIME).await;
    seed
}

/// Runs rounds of a 64-bit LCG step with an xorshift (work.mix); each round
/// depends on the previous one, so the loop cannot be vectorised.
#[inline(never)]
pub fn mix(mut x: u64, rounds: u32) -> u64 {
    for _ in 0..rounds {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        x ^= x >> 29;
    }
    x >> 1
}

#[cfg(test)]
mod tests {
    use super::*;

    // The same values as Go's work.mix: the two suites do the same work.
    #[test]
    fn mix_matches_go() {
        // Printed by Go's work.mix(1, 18) and work.mix(7, 5000).
        let cases = [(1, 18, 1064878477400719366), (7, 5000, 4202662622160623596)];
        for (seed, rounds, want) in cases {
            let got = mix(seed, rounds);
            assert_eq!(got, want, "mix({seed}, {rounds}) = {got}; want {want}");
        }
    }
}
