//go:build !unix

package outdir

import "os"

// renameNew renames the directory tmp to final, which must not exist: an
// error wrapping fs.ErrExist if it does. Outside Unix it is os.Rename,
// which checks that final does not exist just before it renames.
func renameNew(tmp, final string) error { return os.Rename(tmp, final) }
