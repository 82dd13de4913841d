// Package md writes text that came from elsewhere (a benchmark's name, a
// process's output) into Markdown so that it reads as it was written: what
// [html.EscapeString] is to HTML, for a cell of a table, a code block and
// inline code.
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
	fence := strings.Repeat("`", max(3, longestTicks(s)+1))
	return fence + "\n" + s + "\n" + fence + "\n"
}

// Code is s as inline code: between runs of backticks longer than any in s
// (a git ref may hold one), with a space inside each end if s starts or
// ends with a backtick, which Markdown then strips.
func Code(s string) string {
	fence := strings.Repeat("`", longestTicks(s)+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}

// longestTicks is the length of the longest run of backticks in s.
func longestTicks(s string) int {
	longest, run := 0, 0
	for _, c := range s {
		if c != '`' {
			run = 0
			continue
		}
		run++
		longest = max(longest, run)
	}
	return longest
}
