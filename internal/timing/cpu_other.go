//go:build !unix

package timing

import "time"

// cpuTime is not measured here: stages report 0 s of CPU.
func cpuTime() time.Duration { return 0 }
