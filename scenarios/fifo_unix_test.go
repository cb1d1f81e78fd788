//go:build unix

package scenarios

import (
	"path/filepath"
	"syscall"
	"testing"
)

// makeFIFO makes a named pipe in dir with no writer: opening it to read would block.
func makeFIFO(t *testing.T, dir string) string {
	p := filepath.Join(dir, "fifo.yaml")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Logf("no FIFO: %v", err)
		return ""
	}
	return p
}
