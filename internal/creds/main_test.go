package creds

import (
	"context"
	"fmt"
	"os"
	"testing"
)

// TestMain lets the test binary stand in for `hiyari creds sdk-resolve`, so the SDK
// cross-check runs the real SDK in a child process with a controlled environment.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "sdk-resolve" {
		verify := len(os.Args) > 2 && os.Args[2] == "--verify"
		if err := RunSDKResolve(context.Background(), os.Stdout, SDKRequest{Verify: verify}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func sdkChild() SDKResolver { return ChildResolver{Command: []string{os.Args[0], "sdk-resolve"}} }
