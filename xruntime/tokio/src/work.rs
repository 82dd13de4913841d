//! The task kinds, as internal/work defines them for the Go suite: tiny and
//! cpu burn a fixed amount of CPU with the same LCG-and-xorshift mix and the
//! same round counts, wait sleeps 1 ms on tokio's timer without burning CPU;
//! mixed, skewed and fastslow combine them with the same fixed hashes.

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
    /// Tiny tasks with one wait in [`MIXED_EVERY`], at a hashed place.
    Mixed,
    /// CPU work of heavy-tailed sizes ([`skewed_rounds`]).
    Skewed,
    /// n/2 tiny tasks, then n/2 waits.
    FastSlow,
}

/// The kinds in the order the benchmarks use them (suite.Kinds).
pub const KINDS: [Kind; 6] = [
    Kind::Tiny,
    Kind::Cpu,
    Kind::Wait,
    Kind::Mixed,
    Kind::Skewed,
    Kind::FastSlow,
];

impl Kind {
    /// The kind's name in benchmark names (task=...).
    pub fn name(self) -> &'static str {
        match self {
            Kind::Tiny => "tiny",
            Kind::Cpu => "cpu",
            Kind::Wait => "wait",
            Kind::Mixed => "mixed",
            Kind::Skewed => "skewed",
            Kind::FastSlow => "fastslow",
        }
    }

    /// Reports whether the tasks of this kind differ from each other.
    pub fn is_mix(self) -> bool {
        matches!(self, Kind::Mixed | Kind::Skewed | Kind::FastSlow)
    }

    /// Reports whether some task of this kind waits.
    pub fn waits(self) -> bool {
        matches!(self, Kind::Wait | Kind::Mixed | Kind::FastSlow)
    }

    /// Runs task i of n of this kind and returns a value derived from i.
    pub async fn task(self, i: u64, n: u64) -> u64 {
        match self {
            Kind::Tiny => tiny(i),
            Kind::Cpu => cpu(i),
            Kind::Skewed => mix(i, skewed_rounds(i)),
            Kind::Mixed if !mixed_waits(i) => tiny(i),
            Kind::FastSlow if i < n / 2 => tiny(i),
            Kind::Wait | Kind::Mixed | Kind::FastSlow => wait(i).await,
        }
    }

    /// Runs one task of this kind (of one task) with seed.
    pub async fn run(self, seed: u64) -> u64 {
        self.task(seed, 1).await
    }
}

/// How many tasks of a mixed workload share one wait (work.MixedEvery).
pub const MIXED_EVERY: u64 = 10;

/// Reports whether task i of a mixed workload waits (work.MixedWaits): one
/// in each block of MIXED_EVERY, at a place a fixed hash of the block picks.
pub fn mixed_waits(i: u64) -> bool {
    i % MIXED_EVERY == hash(i / MIXED_EVERY) % MIXED_EVERY
}

/// The rounds of work of skewed task seed (work.SkewedRounds): 100 << k,
/// k the trailing zero bits of a fixed hash of seed, at most 12.
pub fn skewed_rounds(seed: u64) -> u32 {
    100 << hash(seed).trailing_zeros().min(12)
}

/// splitmix64's finaliser (work.hash).
fn hash(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e3779b97f4a7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58476d1ce4e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d049bb133111eb);
    x ^ (x >> 31)
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

    // The same mixes as Go's work.MixedWaits and work.SkewedRounds.
    #[test]
    fn mixes_match_go() {
        let waits: Vec<u64> = (0..40).filter(|&i| mixed_waits(i)).collect();
        assert_eq!(
            waits,
            [5, 15, 20, 33],
            "mixed waits in 0..40 = {waits:?}; want Go's [5 15 20 33]"
        );
        let rounds: Vec<u32> = [0, 1, 2, 3, 4096].map(skewed_rounds).to_vec();
        assert_eq!(
            rounds,
            [100, 100, 200, 100, 100],
            "skewed rounds = {rounds:?}; want Go's"
        );
        let got = mix(5, skewed_rounds(5));
        assert_eq!(
            got, 475038590135799429,
            "skewed task 5 = {got}; want Go's work.Skewed(5)"
        );
    }
}
