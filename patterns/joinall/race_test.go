//go:build race

package joinall_test

// maxBlocked is the most tasks a test keeps blocked at once: the race
// detector allows at most 8128 live goroutines.
const maxBlocked = 5000
