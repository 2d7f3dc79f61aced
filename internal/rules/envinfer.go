package rules

import (
	"path"
	"strings"
)

// EnvCandidate is one place the environment a plan should target can be read from.
type EnvCandidate struct {
	// Source is "directory", "workspace" or "backend-key".
	Source string
	// Env is the environment it names.
	Env string
	// From is the text it was read from.
	From string
}

// InferEnv infers the expected environment when none is configured, from, in order of
// precedence: the directory (relative to the repository root), the workspace (other
// than "default") and the backend key. It returns the first one that names exactly one
// environment, and every candidate found, so a caller can show that they disagree.
//
// The directory comes first because it is what the code says and what a reviewer sees;
// the workspace and the key are how the run found its state, which is what a
// wrong-state plan gets wrong. When the directory says staging and the key says dev,
// staging is expected, and the key disagreeing is the evidence.
func InferEnv(envs map[string][]string, dir, workspace, key string) (env, source string, candidates []EnvCandidate) {
	idx := newEnvIndex(envs)
	if d := envFromDir(idx, dir); d != "" {
		candidates = append(candidates, EnvCandidate{Source: "directory", Env: d, From: dir})
	}
	if workspace != "" && workspace != "default" {
		if e := idx.fromText(workspace); len(e) == 1 {
			candidates = append(candidates, EnvCandidate{Source: "workspace", Env: e[0], From: workspace})
		}
	}
	if key != "" {
		if e := idx.fromText(key); len(e) == 1 {
			candidates = append(candidates, EnvCandidate{Source: "backend-key", Env: e[0], From: key})
		}
	}
	if len(candidates) == 0 {
		return "", "", nil
	}
	return candidates[0].Env, candidates[0].Source, candidates
}

// envFromDir reads the environment from the deepest path element that names exactly
// one (envs/staging/app → staging).
func envFromDir(idx envIndex, dir string) string {
	parts := strings.Split(path.Clean(strings.ReplaceAll(dir, "\\", "/")), "/")
	for i := len(parts) - 1; i >= 0; i-- {
		if e := idx.fromText(parts[i]); len(e) == 1 {
			return e[0]
		}
	}
	return ""
}
