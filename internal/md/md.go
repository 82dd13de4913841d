// Package md writes text that came from elsewhere (a benchmark's name, a
// process's output) into Markdown so that it reads as it was written: what
// [html.EscapeString] is to HTML, for a cell of a table and a code block.
package md

import "strings"

// Cell is s in a cell of a GitHub Markdown table. Benchmark names and units
// may hold any byte but a space: an unescaped | would start a new cell, and
// a backslash escape the character after it.
func Cell(s string) string {
	return strings.NewReplacer(`\`, `\\`, "|", `\|`).Replace(s)
}

// CodeBlock is s in a fenced code block, its fence longer than any run of
// backticks in s, so that no line of s can end it.
func CodeBlock(s string) string {
	longest, run := 0, 0
	for _, c := range s {
		if c != '`' {
			run = 0
			continue
		}
		run++
		longest = max(longest, run)
	}
	fence := strings.Repeat("`", max(3, longest+1))
	return fence + "\n" + s + "\n" + fence + "\n"
}
