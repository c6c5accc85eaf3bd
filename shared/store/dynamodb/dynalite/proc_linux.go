package dynalite

import (
	"os/exec"
	"syscall"
)

// killWithParent makes the kernel kill dynalite if the test binary dies
// without stopping it (a panic, a timeout), so no server is left behind.
func killWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
