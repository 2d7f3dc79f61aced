package backendcheck

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/hiyari-dev/hiyari/internal/config"
	"github.com/hiyari-dev/hiyari/internal/report"
)

// envsIn returns the environments named in s (a path or key), sorted. s is split into
// words at / _ and . ; a word is matched whole first (so a dashed alias like pre-prod
// is one environment), then by its dashed parts.
func envsIn(s string, envs map[string][]string) []string {
	alias := map[string]string{}
	for env, names := range envs {
		alias[strings.ToLower(env)] = env
		for _, n := range names {
			alias[strings.ToLower(n)] = env
		}
	}
	found := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return r == '/' || r == '_' || r == '.' || r == ':' || r == '=' }) {
		if env, ok := alias[w]; ok {
			found[env] = true
			continue
		}
		for _, part := range strings.Split(w, "-") {
			if env, ok := alias[part]; ok {
				found[env] = true
			}
		}
	}
	out := make([]string, 0, len(found))
	for e := range found {
		out = append(out, e)
	}
	sort.Strings(out)
	return out
}

// convention is state_key_convention. With key_template or key_pattern in .hiyari.yaml
// the key must follow it; without, the default heuristic applies: when the directory
// path names exactly one environment and the key names any, the key must name that
// one and no other.
func convention(roots []*Root, cfg config.Config) ([]report.Finding, []string) {
	var out []report.Finding
	var notes []string
	re, _ := cfg.Backend.KeyRegexp() // validated when the configuration was parsed
	envs := cfg.Environments
	if len(envs) == 0 {
		envs = config.DefaultEnvironments()
	}
	for _, r := range roots {
		if r.Backend == nil {
			continue
		}
		keyName, key := r.Backend.Key()
		if key == "" || !r.Backend.Settings[keyName].Literal {
			continue
		}
		dirEnvs := envsIn(r.Dir, envs)
		dirEnv := ""
		if len(dirEnvs) == 1 {
			dirEnv = dirEnvs[0]
		}
		f := report.Finding{Rule: StateKeyConvention, Address: r.Dir, Location: location(r.Backend.Location)}
		if l := r.Backend.Settings[keyName]; l.From != r.Backend.Location.File {
			f.Location = &report.Location{File: l.From, Line: 1}
		}
		ev := []report.Evidence{{Path: "backend." + keyName, Value: key}}
		switch {
		case cfg.Backend.KeyTemplate != "":
			t := cfg.Backend.KeyTemplate
			if strings.Contains(t, "{env}") && dirEnv == "" {
				notes = append(notes, fmt.Sprintf("%s: key_template uses {env} but the directory path names no single environment; not checked", r.Dir))
				continue
			}
			want := strings.NewReplacer("{dir}", r.Dir, "{env}", dirEnv, "{name}", path.Base(r.Dir)).Replace(t)
			if key == want {
				continue
			}
			f.Severity = report.Medium
			if ke := envsIn(key, envs); dirEnv != "" && len(ke) > 0 && !equalEnvs(ke, dirEnv) {
				f.Severity = report.Critical
			}
			f.Message = fmt.Sprintf("%s: state key %q does not follow key_template %q (want %q)", r.Dir, key, t, want)
			f.Evidence = append(ev, report.Evidence{Path: "key_template", Value: want})
			f.Remediation = fmt.Sprintf("Set %s = %q, migrating the state if it already lives under the other key; or acknowledge this finding for %s.", keyName, want, r.Dir)
		case re != nil:
			m := re.FindStringSubmatch(key)
			if m == nil {
				f.Severity = report.Medium
				f.Message = fmt.Sprintf("%s: state key %q does not match key_pattern %s", r.Dir, key, re)
				f.Evidence = append(ev, report.Evidence{Path: "key_pattern", Value: re.String()})
				f.Remediation = "Rename the key to follow the repository's convention (migrating the state), or acknowledge this finding for " + r.Dir + "."
				break
			}
			i := re.SubexpIndex("env")
			if i < 0 || dirEnv == "" {
				continue
			}
			if ke := envsIn(m[i], envs); len(ke) > 0 && equalEnvs(ke, dirEnv) {
				continue
			}
			f.Severity = report.Critical
			f.Message = fmt.Sprintf("%s: state key %q names environment %q, but the directory is %s's", r.Dir, key, m[i], dirEnv)
			f.Evidence = append(ev, report.Evidence{Path: "key_pattern env", Value: m[i]}, report.Evidence{Path: "directory env", Value: dirEnv})
			f.Remediation = "Point the key at this directory's own state; if the key was copied from another environment's backend, restore it before any plan or apply."
		default:
			keyEnvs := envsIn(key, envs)
			if dirEnv == "" || len(keyEnvs) == 0 || equalEnvs(keyEnvs, dirEnv) {
				continue
			}
			f.Severity = report.Critical
			f.Message = fmt.Sprintf("%s: state key %q names %s, but the directory is %s's: a plan here runs against another environment's state",
				r.Dir, key, strings.Join(keyEnvs, " and "), dirEnv)
			f.Evidence = append(ev, report.Evidence{Path: "key environment", Value: strings.Join(keyEnvs, ", ")}, report.Evidence{Path: "directory environment", Value: dirEnv})
			f.Remediation = "Point the key at this directory's own state; if the key was copied from another environment's backend, restore it before any plan or apply. Set backend.key_template or key_pattern in .hiyari.yaml when your layout differs."
		}
		out = append(out, f)
	}
	return out, notes
}

func equalEnvs(got []string, want string) bool { return len(got) == 1 && got[0] == want }
