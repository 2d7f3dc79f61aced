package plan

import (
	"errors"
	"fmt"
)

// InputError is a problem with the plan the user gave: it names the input, says what
// is wrong with it and what to do.
type InputError struct {
	// Input is the path, or "stdin".
	Input string
	// Problem says what is wrong, in the user's words.
	Problem string
	// Fix says what to do about it.
	Fix string
	// Err is the underlying cause, if any.
	Err error
}

func (e *InputError) Error() string {
	msg := fmt.Sprintf("%s: %s", e.Input, e.Problem)
	if e.Fix != "" {
		msg += "; " + e.Fix
	}
	return msg
}

func (e *InputError) Unwrap() error { return e.Err }

// ErrNotAPlan is wrapped by errors for inputs that are Terraform states or other JSON.
var ErrNotAPlan = errors.New("not a plan")

// ErrUnsupportedFormat is wrapped by errors for plan formats newer than hiyari knows.
var ErrUnsupportedFormat = errors.New("unsupported plan format version")

const fixShowJSON = "give hiyari the output of `terraform show -json PLANFILE` (or the planfile itself)"
