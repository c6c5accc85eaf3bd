package main

import (
	"os/exec"
	"syscall"
)

// killWithParent makes the kernel kill a helper server if the test binary
// dies without stopping it (a panic, a timeout), so none is left behind.
func killWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
