// Package childproctest tells the tests of code that starts and kills
// processes whether a process is gone, from /proc: Linux only, where /proc
// tells a zombie apart. Like net/http/httptest, it exists for tests only.
package childproctest
