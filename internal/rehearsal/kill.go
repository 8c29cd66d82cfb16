package rehearsal

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// KillCLI sends SIGKILL to the `pulumi` processes that are children of this
// process (the Automation API's runs): a CI runner that dies, or a job
// killed without grace. It returns the pids it killed. Linux only (/proc).
func KillCLI() ([]int, error) {
	stats, err := filepath.Glob("/proc/[0-9]*/stat")
	if err != nil {
		return nil, err
	}
	var killed []int
	for _, path := range stats {
		b, err := os.ReadFile(path)
		if err != nil {
			continue // the process ended
		}
		// pid (comm) state ppid ...; comm may hold spaces and parentheses.
		s := string(b)
		open, closing := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || closing < open {
			continue
		}
		fields := strings.Fields(s[closing+1:])
		if len(fields) < 2 || s[open+1:closing] != "pulumi" {
			continue
		}
		ppid, _ := strconv.Atoi(fields[1])
		pid, _ := strconv.Atoi(strings.TrimSpace(s[:open]))
		if ppid != os.Getpid() || pid == 0 {
			continue
		}
		if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
			return killed, fmt.Errorf("kill -9 %d: %w", pid, err)
		}
		killed = append(killed, pid)
	}
	if len(killed) == 0 {
		return nil, fmt.Errorf("no pulumi process of ours (pid %d) to kill", os.Getpid())
	}
	return killed, nil
}
