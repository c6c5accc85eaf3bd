//go:build !linux

package dynalite

import "os/exec"

// killWithParent has no portable equivalent of Linux's parent-death
// signal; TestMain stops dynalite on a normal exit.
func killWithParent(*exec.Cmd) {}
