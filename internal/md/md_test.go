package md

import (
	"fmt"
	"strings"
	"testing"
)

func TestCell(t *testing.T) {
	tests := []struct{ in, want string }{
		{"BenchmarkX/n=8-2", "BenchmarkX/n=8-2"},
		{"a|b", `a\|b`},
		{`a\|b`, `a\\\|b`},
		{`a\-2`, `a\\-2`},
		{"||", `\|\|`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := Cell(tt.in)
			if got != tt.want {
				t.Errorf("got = %q; want %q", got, tt.want)
			}
			if n := len(cells("| " + got + " | x |")); n != 2 {
				t.Errorf("a row with cell %q has %d cells; want 2", got, n)
			}
		})
	}
}

// cells splits a row of a GitHub Markdown table as GitHub does: at every
// "|" not escaped by a backslash.
func cells(row string) []string {
	var out []string
	var cell strings.Builder
	for i := 1; i < len(row); i++ { // after the leading |
		switch row[i] {
		case '\\':
			cell.WriteByte(row[i])
			if i+1 < len(row) {
				i++
				cell.WriteByte(row[i])
			}
		case '|':
			out = append(out, strings.TrimSpace(cell.String()))
			cell.Reset()
		default:
			cell.WriteByte(row[i])
		}
	}
	return out
}

func TestCodeBlock(t *testing.T) {
	tests := []struct{ in, fence string }{
		{"plain", "```"},
		{"```", "````"},
		{"a\n```\n# heading", "````"},
		{"````x", "`````"},
		{"~~~", "```"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, want := CodeBlock(tt.in), tt.fence+"\n"+tt.in+"\n"+tt.fence+"\n"
			if got != want {
				t.Errorf("got = %q; want %q", got, want)
			}
		})
	}
}

func ExampleCell() {
	fmt.Printf("| %s | %s |\n", Cell("BenchmarkParse/a|b-8"), "1.2µs")
	// Output: | BenchmarkParse/a\|b-8 | 1.2µs |
}

func ExampleCodeBlock() {
	fmt.Print(CodeBlock("--- FAIL: BenchmarkX\n    x_test.go:9: got ```"))
	// Output:
	// ````
	// --- FAIL: BenchmarkX
	//     x_test.go:9: got ```
	// ````
}

func TestCode(t *testing.T) {
	tests := []struct{ in, want string }{
		{"main", "`main`"},
		{"a`b", "``a`b``"},
		{"`x", "`` `x ``"},
		{"a``b`", "``` a``b` ```"},
	}
	for _, tt := range tests {
		if got := Code(tt.in); got != tt.want {
			t.Errorf("Code(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}
