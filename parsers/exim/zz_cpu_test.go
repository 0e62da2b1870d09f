package exim

import (
	"os"
	"syscall"
	"testing"
	"time"
)

func TestZZCPU(t *testing.T) {
	path := "/work/shared/corpus/exim/cpanel-exim-forwarding/exim.conf"
	src, _ := os.ReadFile(path)
	var r0, r1 syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &r0)
	n := 500
	for i := 0; i < n; i++ {
		Parse(path, src, Options{ReadFile: os.ReadFile})
	}
	syscall.Getrusage(syscall.RUSAGE_SELF, &r1)
	cpu := time.Duration(r1.Utime.Nano()-r0.Utime.Nano()+r1.Stime.Nano()-r0.Stime.Nano()) / time.Duration(n)
	t.Logf("CPU per parse: %v", cpu)
}
