//go:build !unix || aix || solaris

package flock

import (
	"errors"
	"os"
)

func flock(f *os.File, wait bool) (held bool, err error) { return false, errors.ErrUnsupported }
