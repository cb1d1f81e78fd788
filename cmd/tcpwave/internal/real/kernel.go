package real

import (
	"os"
	"strings"
)

// KernelRelease returns "Linux 6.18.x" from /proc, or "Linux (unknown release)".
func KernelRelease() string {
	b, err := os.ReadFile("/proc/sys/kernel/osrelease")
	if err != nil || len(b) > 256 {
		return "Linux (unknown release)"
	}
	return "Linux " + strings.TrimSpace(string(b))
}
