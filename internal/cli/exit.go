package cli

import (
	"errors"
	"fmt"
	"io"
)

// Exit codes, in one place.
const (
	// ExitOK means the command succeeded and, for a review, nothing reached the gate.
	ExitOK = 0
	// ExitError means hiyari could not do what was asked (bad input, bad flags, I/O).
	ExitError = 1
	// ExitGate means a review found an unacknowledged finding at or above --fail-on.
	ExitGate = 2
)

// GateError reports that a review crossed the failure threshold. It is not printed
// as an error: the report already says why.
type GateError struct{ Threshold string }

func (e *GateError) Error() string { return "findings at or above " + e.Threshold }

// ExitCodeError lets a command (creds exec) hand back a child's exit code as its own.
type ExitCodeError struct{ Code int }

func (e *ExitCodeError) Error() string { return fmt.Sprintf("exit status %d", e.Code) }

func exitCode(stderr io.Writer, err error) int {
	if err == nil {
		return ExitOK
	}
	var gate *GateError
	if errors.As(err, &gate) {
		return ExitGate
	}
	var code *ExitCodeError
	if errors.As(err, &code) {
		return code.Code
	}
	fmt.Fprintf(stderr, "hiyari: %v\n", err)
	return ExitError
}
