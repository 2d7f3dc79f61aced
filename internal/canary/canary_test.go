package canary

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hiyari-dev/hiyari/internal/creds/credstest"
	"github.com/hiyari-dev/hiyari/internal/github/githubtest"
	"github.com/hiyari-dev/hiyari/internal/repotest"
)

var dump = flag.Bool("dump", false, "log every run's exit code, stdout and stderr")

// result is one run of the hiyari binary.
type result struct {
	stdout, stderr string
	code           int
	elapsed        time.Duration
}

// run is one command line in the matrix.
type run struct {
	// command and format name the cell of the matrix (for the count and messages).
	command, format string
	args            []string
	// env changes the base environment: a value of unset removes the variable.
	env   map[string]string
	stdin string
	// codes are the acceptable exit codes.
	codes []int
	// stdoutMay names the canaries stdout may hold (creds export's own source).
	stdoutMay []string
	// after checks more (what the child of creds exec got, what GitHub holds).
	after func(t *testing.T, r result)
}

const unset = "\x00unset"

// Exit codes a run may end with.
var (
	reviewed = []int{0, 2} // a review ran: clean, or findings at the gate
	ok       = []int{0}
	failed   = []int{1}
)

// TestSecretCanaries plants a distinct canary wherever a secret can reach hiyari, runs
// every command of the built binary in every output format it has (and error paths),
// and checks that no canary shows up in stdout, stderr, a written file, the job
// summary, or what the GitHub API received — except creds export's stdout for the
// source it exports, and the environment creds exec hands its child.
func TestSecretCanaries(t *testing.T) {
	w := buildWorld(t)
	gh := githubtest.NewServer(t, githubtest.WithToken(w.c(cGitHubToken)))
	// A second GitHub that knows another token: the canary token is refused there.
	ghOther := githubtest.NewServer(t, githubtest.WithToken("ghs_anotherTOKENbbbbbbbbbbbbbbbbbbbbbbbbbb"))
	stsThrottled := credstest.StartFaultProxy(t, w.sts.URL, func(*http.Request) *credstest.Fault {
		return credstest.STSError(http.StatusBadRequest, "Sender", "Throttling", "Rate exceeded")
	})
	imds500 := credstest.StartFaultProxy(t, w.imds, func(r *http.Request) *credstest.Fault {
		if strings.Contains(r.URL.Path, "security-credentials/") && !strings.HasSuffix(r.URL.Path, "/") {
			return &credstest.Fault{Status: http.StatusInternalServerError, Body: "internal error"}
		}
		return nil
	})
	stateJSON := filepath.Join(w.root, "staging.tfstate.json")
	w.statePull(t, stateJSON)
	broken := w.brokenInputs(t)
	childDir := filepath.Join(w.root, "child")
	w.fixtures[childDir] = true

	if err := os.MkdirAll(filepath.Join(w.root, "out"), 0o755); err != nil {
		t.Fatal(err)
	}
	plan := filepath.Join("envs", "staging", "tfplan")
	out := func(name string) string { return filepath.Join(w.root, "out", name) }
	var runs []run

	// plan review: the planfile (hiyari runs terraform show -json), the plan JSON, and
	// both on stdin; every format; the JSON report in --out; an extra state.
	for _, f := range []string{"text", "json", "markdown", "github"} {
		runs = append(runs,
			run{command: "plan review (planfile)", format: f, codes: reviewed,
				args: []string{"plan", "review", "--dir", "envs/staging", "--format", f, "--out", out("review-" + f + ".json"), "--state", stateJSON, plan}},
			run{command: "plan review (plan JSON)", format: f, codes: reviewed,
				args: []string{"plan", "review", "--dir", "envs/staging", "--format", f, "--base", "HEAD", w.planJSON}},
		)
	}
	runs = append(runs,
		run{command: "plan review (plan JSON on stdin)", format: "text, colour forced", codes: reviewed, stdin: w.planJSON,
			env: map[string]string{"CLICOLOR_FORCE": "1"}, args: []string{"plan", "review", "--dir", "envs/staging", "-"}},
		run{command: "plan review (planfile on stdin)", format: "json", codes: reviewed, stdin: w.planfile,
			args: []string{"plan", "review", "--dir", "envs/staging", "--format", "json", "-"}},
	)

	// plan comment: dry run (the comment on stdout), and for real against the loopback
	// API, with and without --format, with the job summary and --out.
	ghEnv := map[string]string{"GITHUB_API_URL": gh.URL}
	for _, f := range []string{"", "text", "json", "markdown", "github"} {
		args := []string{"plan", "comment", "--dry-run", "--dir", "envs/staging", "--out", out("dry-" + f + ".json")}
		args2 := []string{"plan", "comment", "--dir", "envs/staging", "--pr", "42", "--out", out("comment-" + f + ".json")}
		if f != "" {
			args, args2 = append(args, "--format", f), append(args2, "--format", f)
		}
		name := f
		if f == "" {
			name = "comment only"
		}
		runs = append(runs,
			run{command: "plan comment --dry-run", format: name, codes: reviewed, args: append(args, plan)},
			run{command: "plan comment", format: name, codes: reviewed, env: ghEnv, args: append(args2, plan),
				after: func(t *testing.T, r result) {
					if n := len(gh.Comments(githubtest.DefaultPR)); n != 1 {
						t.Errorf("%d comments on the pull request, want 1\nstderr: %s", n, r.stderr)
					}
				}},
		)
	}
	runs = append(runs,
		run{command: "plan comment (GitHub answers 500, then recovers)", format: "comment only", codes: reviewed, env: ghEnv,
			args: []string{"plan", "comment", "--dir", "envs/staging", "--pr", "42", plan}},
		run{command: "plan comment (token refused: 401)", format: "comment only", codes: failed,
			env:  map[string]string{"GITHUB_API_URL": ghOther.URL},
			args: []string{"plan", "comment", "--dir", "envs/staging", "--pr", "42", plan}},
		run{command: "plan comment (GITHUB_TOKEN missing, GH_TOKEN set)", format: "comment only", codes: reviewed,
			env:  map[string]string{"GITHUB_API_URL": gh.URL, "GITHUB_TOKEN": unset, "GH_TOKEN": w.c(cGitHubToken)},
			args: []string{"plan", "comment", "--dir", "envs/staging", "--pr", "42", plan}},
	)

	// backend check reads .tf backend blocks and the partial files .hiyari.yaml names.
	for _, f := range []string{"text", "json", "markdown"} {
		runs = append(runs, run{command: "backend check", format: f, codes: reviewed,
			args: []string{"backend", "check", "--base", "HEAD", "--format", f}})
	}

	// state pin: terraform state pull through the S3 backend, a state file, a planfile.
	runs = append(runs,
		run{command: "state pin (terraform state pull)", format: "text", codes: ok, args: []string{"state", "pin", "--dir", "envs/staging"}},
		run{command: "state pin --check", format: "text", codes: ok, args: []string{"state", "pin", "--check", "--dir", "envs/staging"}},
		run{command: "state pin --planfile", format: "text", codes: ok, args: []string{"state", "pin", "--dir", "envs/staging", "--planfile", plan}},
		run{command: "state pin --state", format: "text", codes: ok, args: []string{"state", "pin", "--dir", "envs/staging", "--state", stateJSON}},
		run{command: "rules list", format: "text", codes: ok, args: []string{"rules", "list"}},
		run{command: "rules show", format: "markdown", codes: ok, args: []string{"rules", "show", "identity_resource_deleted"}},
		run{command: "rules show", format: "markdown (backend check)", codes: ok, args: []string{"rules", "show", "backend_changed"}},
		run{command: "version", format: "text", codes: ok, args: []string{"version"}},
		run{command: "help", format: "text", codes: ok, args: []string{"--help"}},
	)

	// creds: each source in turn the winner.
	scenarios := []struct {
		name string
		env  map[string]string
	}{
		{"every source set (env keys win)", nil},
		{"profile ops", map[string]string{"AWS_ACCESS_KEY_ID": unset, "AWS_SECRET_ACCESS_KEY": unset, "AWS_SESSION_TOKEN": unset, "AWS_PROFILE": "ops"}},
		{"SSO profile", map[string]string{"AWS_ACCESS_KEY_ID": unset, "AWS_SECRET_ACCESS_KEY": unset, "AWS_SESSION_TOKEN": unset, "AWS_PROFILE": "sso-dev"}},
		{"container", map[string]string{"AWS_ACCESS_KEY_ID": unset, "AWS_SECRET_ACCESS_KEY": unset, "AWS_SESSION_TOKEN": unset, "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(w.home, "none")}},
		{"IMDS", map[string]string{"AWS_ACCESS_KEY_ID": unset, "AWS_SECRET_ACCESS_KEY": unset, "AWS_SESSION_TOKEN": unset, "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(w.home, "none"),
			"AWS_CONTAINER_CREDENTIALS_FULL_URI": unset, "AWS_CONTAINER_AUTHORIZATION_TOKEN": unset}},
	}
	for _, sc := range scenarios {
		for _, f := range []string{"text", "json"} {
			runs = append(runs,
				run{command: "creds explain (" + sc.name + ")", format: f, codes: ok, env: sc.env, args: []string{"creds", "explain", "--format", f}},
				run{command: "creds explain --verify (" + sc.name + ")", format: f, codes: ok, env: sc.env, args: []string{"creds", "explain", "--verify", "--format", f}},
			)
		}
	}
	runs = append(runs,
		run{command: "creds explain --context", format: "text", codes: ok,
			args: []string{"creds", "explain", "--context", "current", "--context", "no-home", "--context", "home:" + w.home, "--context", "ssm-run-command"}},
		run{command: "creds explain --verify (STS throttling)", format: "json", codes: ok,
			env: map[string]string{"AWS_ENDPOINT_URL_STS": stsThrottled.URL}, args: []string{"creds", "explain", "--verify", "--format", "json"}},
	)

	// creds export: stdout holds the exported source's secrets, and nothing else.
	exports := []struct {
		source  string
		env     map[string]string
		secrets []string
	}{
		{"env", nil, []string{cEnvSecret, cEnvToken}},
		{"profile:ops", nil, []string{cFileSecret, cFileToken}},
		{"profile:sso-dev", nil, []string{cSSOSecret, cSSOToken}},
		{"imds", nil, []string{cIMDSSecret, cIMDSToken}},
		{"container", nil, []string{cContainerSec, cContainerToken}},
	}
	for _, e := range exports {
		for _, f := range []string{"env", "dotenv", "json", "process"} {
			e := e
			runs = append(runs, run{command: "creds export --source " + e.source, format: f, codes: ok, env: e.env,
				args: []string{"creds", "export", "--source", e.source, "--format", f}, stdoutMay: e.secrets,
				after: func(t *testing.T, r result) {
					for _, s := range e.secrets {
						if !strings.Contains(r.stdout, w.c(s)) {
							t.Errorf("creds export --source %s does not print its own %s", e.source, s)
						}
					}
				}})
		}
		// exec: the child gets the source's credentials (in its environment, or from
		// the loopback endpoint hiyari serves), and hiyari itself prints none.
		e := e
		dir := filepath.Join(childDir, strings.ReplaceAll(e.source, ":", "-"))
		script := `mkdir -p "$1" && env > "$1/env" && if [ -n "$AWS_CONTAINER_CREDENTIALS_FULL_URI" ]; then ` +
			`curl -sS -H "Authorization: $AWS_CONTAINER_AUTHORIZATION_TOKEN" "$AWS_CONTAINER_CREDENTIALS_FULL_URI" > "$1/served"; fi; echo child done`
		runs = append(runs, run{command: "creds exec --source " + e.source, format: "child's stdout and stderr", codes: ok, env: e.env,
			args: []string{"creds", "exec", "--source", e.source, "--", "sh", "-c", script, "sh", dir},
			after: func(t *testing.T, r result) {
				env, _ := os.ReadFile(filepath.Join(dir, "env"))
				served, _ := os.ReadFile(filepath.Join(dir, "served"))
				got := string(env) + string(served)
				for _, s := range e.secrets {
					if !strings.Contains(got, w.c(s)) {
						t.Errorf("the child of creds exec --source %s did not get %s", e.source, s)
					}
				}
				for _, other := range []string{cEnvSecret, cEnvToken, cContainerAuth} {
					if !contains(e.secrets, other) && strings.Contains(string(env), w.c(other)) {
						t.Errorf("the child of creds exec --source %s still has %s in its environment", e.source, other)
					}
				}
				if !strings.Contains(r.stdout, "child done") {
					t.Errorf("the child's stdout did not come through: %q", r.stdout)
				}
			}})
	}

	// Error paths: bad flags, broken input, refused and failing services.
	runs = append(runs,
		run{command: "plan review (bad flag)", format: "text", codes: failed, args: []string{"plan", "review", "--format", "yaml", plan}},
		run{command: "plan review (unknown flag)", format: "text", codes: failed, args: []string{"plan", "review", "--no-such-flag", plan}},
		run{command: "plan review (bad --fail-on)", format: "text", codes: failed, args: []string{"plan", "review", "--fail-on", "urgent", plan}},
		run{command: "plan review (terraform missing)", format: "text", codes: failed, args: []string{"plan", "review", "--dir", "envs/staging", "--terraform-bin", filepath.Join(w.root, "no-terraform"), plan}},
		run{command: "creds export (bad --source)", format: "env", codes: failed, args: []string{"creds", "export", "--source", "nope"}},
		run{command: "creds export (bad --format)", format: "yaml", codes: failed, args: []string{"creds", "export", "--source", "env", "--format", "yaml"}},
		run{command: "creds export --source imds (IMDS answers 500)", format: "env", codes: failed,
			env: map[string]string{"AWS_EC2_METADATA_SERVICE_ENDPOINT": imds500.URL}, args: []string{"creds", "export", "--source", "imds"}},
		run{command: "creds exec (no command)", format: "text", codes: failed, args: []string{"creds", "exec", "--source", "env", "sh"}},
		run{command: "creds explain (bad --format)", format: "yaml", codes: failed, args: []string{"creds", "explain", "--format", "yaml"}},
		run{command: "creds explain (broken credentials file)", format: "text", codes: ok,
			env: map[string]string{"AWS_SHARED_CREDENTIALS_FILE": broken["credentials"]}, args: []string{"creds", "explain"}},
		run{command: "creds export --source profile:ops (broken credentials file)", format: "env", codes: failed,
			env: map[string]string{"AWS_SHARED_CREDENTIALS_FILE": broken["credentials"]}, args: []string{"creds", "export", "--source", "profile:ops"}},
		run{command: "backend check (broken backend block)", format: "text", codes: failed, args: []string{"backend", "check", filepath.Dir(broken["backend.tf"])}},
		run{command: "state pin --check (not pinned)", format: "text", codes: []int{2}, args: []string{"state", "pin", "--check", "--dir", "envs/prod", "--planfile", plan}},
	)
	for _, name := range []string{"truncated.json", "syntax.json", "wrong-type.json", "corrupt-planfile"} {
		runs = append(runs, run{command: "plan review (broken plan: " + name + ")", format: "text", codes: failed,
			args: []string{"plan", "review", "--dir", "envs/staging", broken[name]}})
	}
	runs = append(runs, run{command: "plan comment (broken plan)", format: "comment only", codes: failed, env: ghEnv,
		args: []string{"plan", "comment", "--dir", "envs/staging", "--pr", "42", broken["truncated.json"]}})

	base := w.baseEnv(gh)
	checked, channels := 0, map[string]bool{}
	commands := map[string]bool{}
	for i, rn := range runs {
		name := fmt.Sprintf("%02d %s [%s]", i, rn.command, rn.format)
		t.Run(name, func(t *testing.T) {
			if strings.Contains(rn.command, "500, then recovers") {
				gh.Inject(http.MethodGet, "/repos/{owner}/{repo}/issues/{number}/comments", 2, githubtest.Status(500))
			}
			env := map[string]string{}
			for k, v := range base {
				env[k] = v
			}
			summary := filepath.Join(w.root, "out", fmt.Sprintf("step-summary-%02d.md", i))
			env["GITHUB_STEP_SUMMARY"] = summary
			for k, v := range rn.env {
				if v == unset {
					delete(env, k)
				} else {
					env[k] = v
				}
			}
			before := w.snapshot(t)
			r := w.hiyariRun(t, env, rn.stdin, rn.args...)
			if !containsInt(rn.codes, r.code) {
				t.Errorf("exit code %d, want one of %v\nstdout: %.2000s\nstderr: %.2000s", r.code, rn.codes, r.stdout, r.stderr)
			}
			outputs := map[string]string{"stdout": r.stdout, "stderr": r.stderr}
			for _, p := range w.changed(t, before) {
				b, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				rel, _ := filepath.Rel(w.root, p)
				outputs["file "+rel] = string(b)
				channels["files written"] = true
			}
			for _, c := range gh.Comments(githubtest.DefaultPR) {
				outputs[fmt.Sprintf("GitHub comment %d", c.ID)] = c.Body
			}
			outputs["GitHub labels"] = strings.Join(gh.IssueLabels(githubtest.DefaultPR), "\n")
			for _, l := range gh.RepoLabels() {
				outputs["GitHub labels"] += "\n" + l.Name + " " + l.Description
			}
			for j, req := range append(gh.Requests(), ghOther.Requests()...) {
				outputs[fmt.Sprintf("GitHub request %d (%s %s)", j, req.Method, req.Path)] = req.Path + "?" + req.Query + "\n" + req.Body
			}
			for where, text := range outputs {
				switch {
				case where == "stdout", where == "stderr":
					channels[where] = true
				case strings.HasPrefix(where, "GitHub"):
					channels["GitHub comments, labels and requests"] = true
				}
				for _, c := range w.canaries {
					if where == "stdout" && contains(rn.stdoutMay, c.name) {
						continue
					}
					for _, tell := range c.tells() {
						if strings.Contains(text, tell) {
							t.Errorf("LEAK: canary %s (%s) appears in %s of hiyari %s:\n%s",
								c.name, c.where, where, strings.Join(rn.args, " "), excerpt(text, tell))
							break
						}
					}
					checked++
				}
			}
			if *dump {
				t.Logf("exit %d in %s\nstdout:\n%.3000s\nstderr:\n%.3000s", r.code, r.elapsed, r.stdout, r.stderr)
			}
			if rn.after != nil {
				rn.after(t, r)
			}
		})
		commands[rn.command] = true
	}
	names := make([]string, 0, len(channels))
	for c := range channels {
		names = append(names, c)
	}
	sort.Strings(names)
	t.Logf("%d canaries x %d runs (%d command variants) = %d canary checks in: %s",
		len(w.canaries), len(runs), len(commands), checked, strings.Join(names, ", "))
	if toks := w.sts.Calls(); len(toks) == 0 {
		t.Error("no creds command called the loopback STS: --verify proved nothing")
	}
}

// baseEnv is the environment every run starts from: HOME and TMPDIR in the scratch
// root, Terraform on PATH, every credential source set, GitHub settings.
func (w *world) baseEnv(gh *githubtest.Server) map[string]string {
	env := map[string]string{}
	for _, kv := range w.tfEnv {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID":                  keyEnv,
		"AWS_SECRET_ACCESS_KEY":              w.c(cEnvSecret),
		"AWS_SESSION_TOKEN":                  w.c(cEnvToken),
		"AWS_REGION":                         region,
		"AWS_EC2_METADATA_SERVICE_ENDPOINT":  w.imds,
		"AWS_CONTAINER_CREDENTIALS_FULL_URI": w.container,
		"AWS_CONTAINER_AUTHORIZATION_TOKEN":  w.c(cContainerAuth),
		"AWS_ENDPOINT_URL_STS":               w.sts.URL,
		"AWS_ENDPOINT_URL_SSO":               w.sso,
		"GITHUB_TOKEN":                       w.c(cGitHubToken),
		"GITHUB_API_URL":                     gh.URL,
		"GITHUB_SERVER_URL":                  "https://github.example.com",
		"GITHUB_REPOSITORY":                  githubtest.DefaultOwner + "/" + githubtest.DefaultRepo,
		"GITHUB_RUN_ID":                      "1234",
		"GITHUB_WORKSPACE":                   w.repo,
		"NO_COLOR":                           "1",
	} {
		env[k] = v
	}
	return env
}

// hiyariRun runs the built binary in the repository with exactly env.
func (w *world) hiyariRun(t *testing.T, env map[string]string, stdin string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, w.hiyari, args...)
	cmd.Dir = w.repo
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	if stdin != "" {
		f, err := os.Open(stdin)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		cmd.Stdin = f
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String(), elapsed: time.Since(start)}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	default:
		t.Fatalf("run hiyari %s: %v", strings.Join(args, " "), err)
	}
	if ctx.Err() != nil {
		t.Fatalf("hiyari %s did not finish within 2 minutes", strings.Join(args, " "))
	}
	return r
}

type fileState struct {
	size int64
	mod  time.Time
}

// snapshot records every file under the scratch root that is not fixture.
func (w *world) snapshot(t *testing.T) map[string]fileState {
	t.Helper()
	s := map[string]fileState{}
	skip := map[string]bool{filepath.Join(w.root, "s3"): true, filepath.Join(w.root, "terraform"): true}
	err := filepath.WalkDir(w.root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			if skip[p] || w.fixtures[p] {
				return filepath.SkipDir
			}
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		s[p] = fileState{size: info.Size(), mod: info.ModTime()}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// changed lists files written since before: new ones, and fixture files whose
// content changed (hiyari must not rewrite them either).
func (w *world) changed(t *testing.T, before map[string]fileState) []string {
	t.Helper()
	var out []string
	for p, st := range w.snapshot(t) {
		if old, ok := before[p]; !ok || old != st {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

// statePull writes the staging state (terraform state pull), which holds every
// sensitive value in the clear, for --state.
func (w *world) statePull(t *testing.T, path string) {
	t.Helper()
	cmd := exec.Command(repotest.TerraformBin(t), "state", "pull")
	cmd.Dir = w.staging
	cmd.Env = append([]string{"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_EC2_METADATA_DISABLED=true"}, w.tfEnv...)
	b, err := cmd.Output()
	if err != nil {
		t.Fatalf("terraform state pull: %v", err)
	}
	write(t, path, string(b))
	mustContain(t, path, w.c(cSensBefore), w.c(cSensDeleted))
	w.fixtures[path] = true
}

// brokenInputs writes inputs that fail to parse right next to a canary.
func (w *world) brokenInputs(t *testing.T) map[string]string {
	t.Helper()
	dir := filepath.Join(w.root, "broken")
	plan, err := os.ReadFile(w.planJSON)
	if err != nil {
		t.Fatal(err)
	}
	s := string(plan)
	after := w.c(cSensAfter)
	i := strings.LastIndex(s, after)
	files := map[string]string{
		// Cut in the middle of a sensitive value.
		"truncated.json": s[:i+len(after)/2],
		// A syntax error right after a sensitive value.
		"syntax.json": s[:i+len(after)+1] + ",,}" + s[i+len(after)+1:],
		// A sensitive value where a list of actions belongs.
		"wrong-type.json": strings.Replace(s, `"actions":["update"]`, `"actions":"`+after+`"`, 1),
		// The credentials file with a line the parser cannot read, holding a secret.
		"credentials": "[ops]\naws_access_key_id = " + keyFile + "\naws_secret_access_key " + w.c(cFileSecret) + "\n[broken\naws_session_token = " + w.c(cFileToken) + "\n",
		// A backend block with a syntax error on the line of its secret.
		"backend.tf": "terraform {\n  backend \"s3\" {\n    bucket = \"b\"\n    key = \"k\"\n    secret_key = \"" + w.c(cTFSecret) + "\" \"" + w.c(cTFToken) + "\n  }\n}\n",
	}
	paths := map[string]string{}
	for name, content := range files {
		p := filepath.Join(dir, name)
		if name == "backend.tf" {
			p = filepath.Join(dir, "module", name)
		}
		write(t, p, content)
		paths[name] = p
		w.fixtures[p] = true
	}
	if files["wrong-type.json"] == s {
		t.Fatal("wrong-type.json: no update action to replace in the plan JSON")
	}
	// A planfile whose plan Terraform cannot read: the real archive with tfplan garbled.
	corrupt := filepath.Join(dir, "corrupt-planfile")
	corruptPlanfile(t, w.planfile, corrupt)
	paths["corrupt-planfile"] = corrupt
	w.fixtures[corrupt] = true
	return paths
}

func excerpt(text, tell string) string {
	i := strings.Index(text, tell)
	lo, hi := max(0, i-200), min(len(text), i+len(tell)+200)
	return text[lo:hi]
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func containsInt(list []int, n int) bool {
	for _, x := range list {
		if x == n {
			return true
		}
	}
	return false
}

// corruptPlanfile copies the planfile with its tfplan entry cut in half: still a
// planfile by its entries, but Terraform cannot read the plan.
func corruptPlanfile(t *testing.T, src, dst string) {
	t.Helper()
	zr, err := zip.OpenReader(src)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		if f.Name == "tfplan" {
			b = b[:len(b)/2]
		}
		fw, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	write(t, dst, buf.String())
}
