package verdict

import (
	"cmp"
	"math"
	"slices"
)

// Holm returns the Holm–Bonferroni adjusted p-values of ps, in the order of
// ps: a hypothesis is rejected at family-wise error rate alpha exactly when
// its adjusted p-value is at most alpha. Sorted ascending, the i-th smallest
// p (from 0) is multiplied by len(ps)-i, a running maximum keeps the
// adjusted values in the same order as the raw ones, and they are capped at
// 1. Equal p-values get equal adjusted values.
//
// Holm, not Bonferroni (p·m for all): it rejects everything Bonferroni does
// and more, with the same guarantee under any dependence between the tests,
// which matters here because ns/task is sec/op divided by a constant.
// Benjamini–Hochberg was rejected: it bounds the false discovery rate, not
// the chance that a clean run fails, which is what a gate's users feel.
func Holm(ps []float64) []float64 {
	m := len(ps)
	order := make([]int, m)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(ps[a], ps[b]) })
	adj := make([]float64, m)
	run := 0.0
	for rank, i := range order {
		run = math.Max(run, math.Min(1, float64(m-rank)*ps[i]))
		adj[i] = run
	}
	return adj
}

// MinP returns the smallest two-sided p-value the exact Mann-Whitney U test
// can give for samples of sizes n1 and n2 without ties: every value of one
// sample below every value of the other, 2/C(n1+n2, n1).
func MinP(n1, n2 int) float64 {
	if n1 <= 0 || n2 <= 0 {
		return 1
	}
	// C(n1+n2, n1) as a float: exact enough, and no overflow for any
	// sample size a benchmark run has.
	c := 1.0
	for i := 1; i <= n1; i++ {
		c = c * float64(n2+i) / float64(i)
	}
	return math.Min(1, 2/c)
}

// MinSamples returns the smallest sample size n (per side, equal sides) for
// which a family of m tests can reject anything at level alpha under Holm:
// MinP(n, n)·m <= alpha. Below it, no difference however large is ever
// significant.
func MinSamples(alpha float64, m int) int {
	if alpha <= 0 || alpha >= 1 || m < 1 {
		panic("verdict: MinSamples needs 0 < alpha < 1 and m >= 1")
	}
	n := 1
	for MinP(n, n)*float64(m) > alpha {
		n++
	}
	return n
}
