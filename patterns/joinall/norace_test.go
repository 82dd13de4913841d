//go:build !race

package joinall_test

// maxBlocked is the most tasks a test keeps blocked at once.
const maxBlocked = 10000
