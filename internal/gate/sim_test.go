package gate

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/concbench/concbench/internal/gate/verdict"
)

// The gate's statistics on synthetic samples, with a fixed seed, at the
// default rounds: a family is one gate run of simFamily comparisons (the
// quick set's size, rounded up), each sample 3% noise (log-normal, as
// benchmark times are skewed upwards).
// Under the race detector, which slows the U test's arithmetic tenfold and
// has nothing to find in it, the runs are an eighth as many (simScale);
// .ci/run also runs them at full strength without it.
const (
	simFamily   = 30
	simNoise    = 0.03
	simFamilies = 1000 / simScale
)

func simSample(rng *rand.Rand, n int, scale float64) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = scale * math.Exp(simNoise*rng.NormFloat64())
	}
	return s
}

// simFamily runs one simulated gate whose first comparison is shifted by
// shift (0.10 is 10% slower) and returns its verdicts.
func simRun(rng *rand.Rand, shift float64) []verdict.Result {
	n := 2 * DefaultRounds
	in := make([]verdict.Input, simFamily)
	for i := range in {
		s := 1.0
		if i == 0 {
			s += shift
		}
		in[i] = verdict.Input{Bench: fmt.Sprint("BenchmarkSim", i), Unit: "sec/op",
			Base: simSample(rng, n, 1), Head: simSample(rng, n, s)}
	}
	res, _ := verdict.Decide(in, verdict.Config{Alpha: DefaultAlpha, Threshold: DefaultThreshold})
	return res
}

// TestFamilyWiseErrorRate: with no difference anywhere, the share of gate
// runs in which anything at all is significant after correction stays at
// or below alpha, and so, a fortiori, does the share that fails.
func TestFamilyWiseErrorRate(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	significant, failed := 0, 0
	for range simFamilies {
		sig, fail := false, false
		for _, r := range simRun(rng, 0) {
			sig = sig || r.PHolm <= DefaultAlpha
			fail = fail || r.Kind == verdict.Regression
		}
		if sig {
			significant++
		}
		if fail {
			failed++
		}
	}
	rate := float64(significant) / simFamilies
	t.Logf("A/A: %d of %d families had a significant comparison (%.3f), %d failed", significant, simFamilies, rate, failed)
	// The rate is an estimate from simFamilies runs: allow three standard
	// errors of a binomial share at alpha (0.021 for 1000 runs at 0.05, 0.058
	// for 125: a coarse check there).
	if tol := 3 * math.Sqrt(DefaultAlpha*(1-DefaultAlpha)/simFamilies); rate > DefaultAlpha+tol {
		t.Errorf("family-wise false-positive rate = %.3f; want <= %v (+%.3f for sampling)", rate, DefaultAlpha, tol)
	}
	if failed > significant {
		t.Errorf("%d families failed but only %d had anything significant", failed, significant)
	}
}

// TestPower: a 10% slowdown in one comparison of the family is found (a
// regression) in at least 90% of gate runs, and nothing else is flagged
// more often than alpha allows.
func TestPower(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	const runs = 300 / simScale
	found, others := 0, 0
	for range runs {
		res := simRun(rng, 0.10)
		if res[0].Kind == verdict.Regression {
			found++
		}
		for _, r := range res[1:] {
			if r.Kind != verdict.Same && r.Kind != verdict.Within {
				others++
				break
			}
		}
	}
	t.Logf("10%% shift: found in %d of %d runs; another comparison flagged in %d", found, runs, others)
	if float64(found) < 0.9*runs {
		t.Errorf("power = %d/%d; want >= 90%%", found, runs)
	}
	if float64(others) > DefaultAlpha*runs {
		t.Errorf("other comparisons flagged in %d/%d runs; want <= %v", others, runs, DefaultAlpha)
	}
}

// TestDefaultsCanReject: the default rounds give enough samples for a
// family of the simulated size to reject at all.
func TestDefaultsCanReject(t *testing.T) {
	if need := verdict.MinSamples(DefaultAlpha, simFamily); 2*DefaultRounds < need {
		t.Errorf("DefaultRounds = %d gives %d samples a side; %d comparisons need %d", DefaultRounds, 2*DefaultRounds, simFamily, need)
	}
}
