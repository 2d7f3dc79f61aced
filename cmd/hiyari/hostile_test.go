package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hiyari-dev/hiyari/internal/github/githubtest"
	"github.com/hiyari-dev/hiyari/internal/repotest"
)

// TestHostile runs the built binary on hostile inputs — truncated and mistyped
// plans, deep nesting, a gigabyte string, invalid UTF-8, duplicate keys, zip
// bombs, odd files — through every command that reads them. hiyari runs in CI
// on untrusted pull requests: every row must end with exit 1 and a message that
// names the input and the problem (or, where an input is only odd, a normal
// review), within hostileWall and hostileRSS, without a panic, without writing
// to GitHub. `go test -run Hostile -v` logs the worst time and memory per class.
func TestHostile(t *testing.T) {
	h := newHostile(t)
	root := repotest.Root(t)
	example := readFile(t, filepath.Join(root, "examples", "wrong-state-key", "plan.json"))
	state := readFile(t, filepath.Join(root, "examples", "wrong-state-key", "staging.tfstate.json"))
	corpus := readFile(t, filepath.Join(repotest.Corpus(t), "Maheshroy50__ECR-Fully-Automation__terraform-plan.plan.json"))
	validPlan := h.write(t, "valid/plan.json", example)

	t.Run("truncated", func(t *testing.T) { hostileTruncated(t, h, example, corpus) })
	t.Run("wrong-types", func(t *testing.T) { hostileWrongTypes(t, h, example) })
	t.Run("plan", func(t *testing.T) { hostilePlans(t, h, example) })
	t.Run("huge-string", func(t *testing.T) { hostileHugeStrings(t, h, validPlan) })
	t.Run("state", func(t *testing.T) { hostileStates(t, h, state, validPlan) })
	t.Run("files", func(t *testing.T) { hostileFiles(t, h, example) })
	t.Run("planfile", func(t *testing.T) { hostilePlanfiles(t, h) })
	t.Run("backend", func(t *testing.T) { hostileBackends(t, h) })
	t.Run("config", func(t *testing.T) { hostileConfigs(t, h, validPlan) })
	t.Run("creds", func(t *testing.T) { hostileCreds(t, h) })
	h.report(t)
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// planCase is one hostile plan document.
type planCase struct {
	name  string
	class string
	data  []byte
	// problem is what the error must say; nil with ok set means the review runs.
	problem *regexp.Regexp
	ok      bool
	// every sends the document through every command that reads a plan, not only
	// `plan review FILE`.
	every bool
}

// The commands a hostile plan goes through.
const (
	viaFile    = "review FILE"
	viaStdin   = "review -"
	viaDryRun  = "comment --dry-run"
	viaComment = "comment (GitHub fake)"
)

// checkPlan writes the document and runs it through the commands, asserting the
// outcome of each.
func checkPlan(t *testing.T, h *hostile, c planCase) {
	t.Helper()
	rel := filepath.Join("in", c.class, c.name+".json")
	h.write(t, rel, c.data)
	vias := []string{viaFile}
	if c.every {
		vias = append(vias, viaStdin, viaDryRun)
		if !c.ok {
			// A valid plan is commented on: only a failing one must reach
			// GitHub with nothing.
			vias = append(vias, viaComment)
		}
	}
	for _, via := range vias {
		r := run{class: c.class}
		input := rel
		var fake *githubtest.Server
		switch via {
		case viaFile:
			r.args = []string{"plan", "review", "--fail-on", "never", rel}
		case viaStdin:
			r.args = []string{"plan", "review", "--fail-on", "never", "-"}
			r.stdin = bytes.NewReader(c.data)
			input = "stdin"
		case viaDryRun:
			r.args = []string{"plan", "comment", "--dry-run", "--fail-on", "never", rel}
		case viaComment:
			fake = githubtest.NewServer(t)
			r.args = []string{"plan", "comment", "--pr", "42", "--fail-on", "never", rel}
			r.env = githubEnv(fake)
		}
		res := h.exec(t, r)
		if c.ok {
			if res.code != 0 {
				t.Errorf("%s: want a review (exit 0)\n%s", via, res)
			}
			continue
		}
		fails(t, res, input, c.problem)
		if fake != nil {
			if w := fake.Writes(); len(w) > 0 {
				t.Errorf("%s: %d write requests reached GitHub on a hostile input (first: %s %s)", via, len(w), w[0].Method, w[0].Path)
			}
		}
	}
}

// githubEnv points a run at the GitHub fake, as a workflow would.
func githubEnv(s *githubtest.Server) []string {
	return []string{
		"GITHUB_API_URL=" + s.URL,
		"GITHUB_TOKEN=" + s.Token,
		"GITHUB_REPOSITORY=" + s.Owner + "/" + s.Repo,
		"GITHUB_SERVER_URL=https://github.com",
	}
}

// truncatedProblem is what a cut-off plan must be told as: it ends early, or a
// syntax error at a byte offset (a cut inside a literal such as `tru`), or, cut
// at 0, an empty input.
var truncatedProblem = regexp.MustCompile(`ends early|not valid JSON at byte \d+|input is empty`)

func hostileTruncated(t *testing.T, h *hostile, docs ...[]byte) {
	for di, doc := range docs {
		// A cut after the closing brace leaves a complete plan.
		body := bytes.TrimRight(doc, " \t\r\n")
		// Every cut in the first 200 bytes of the first document (where most
		// parsers go wrong), 50 cuts spread over each.
		head := 200
		if di > 0 {
			head = 0
		}
		for i, off := range offsets(len(body)-1, 50, head) {
			c := planCase{
				name:    fmt.Sprintf("doc%d-at-%d", di, off),
				class:   "truncated",
				data:    body[:off],
				problem: truncatedProblem,
				// Every command sees a sample of the cuts.
				every: i%20 == 0,
			}
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				checkPlan(t, h, c)
			})
		}
	}
}

// Replacement values of each JSON kind.
var kinds = map[byte]string{
	'0': "12345",
	'"': `"hostile"`,
	'[': "[1]",
	'{': `{"hostile":1}`,
	'n': "null",
	't': "true",
}

// typedPath is a place in a plan and what a value of another kind there must do.
type typedPath struct {
	ptr string
	// free: hiyari treats the value as free-form (skipped, or kept as raw JSON
	// for rules that look inside), so any kind is accepted and the review runs.
	free bool
	// nullOK: null means "absent" there, and absent is allowed.
	nullOK bool
	// where is the pointer the error must name when it is not ptr (a missing
	// required member is told at its parent).
	where string
}

// planPaths is a representative set of places in examples/wrong-state-key/plan.json,
// each decided against what hiyari reads there (internal/plan/decode.go).
var planPaths = []typedPath{
	// Top-level members hiyari reads are typed; null means absent.
	{ptr: "/format_version", nullOK: true},
	{ptr: "/terraform_version", nullOK: true},
	{ptr: "/resource_changes", nullOK: true},
	{ptr: "/prior_state", nullOK: true},
	{ptr: "/configuration", nullOK: true},
	{ptr: "/timestamp", nullOK: true},
	{ptr: "/applyable", nullOK: true},
	{ptr: "/complete", nullOK: true},
	{ptr: "/errored", nullOK: true},
	// Sections hiyari does not read are skipped whatever they hold.
	{ptr: "/planned_values", free: true},
	{ptr: "/relevant_attributes", free: true},
	// A resource change: address and actions are required, the rest typed.
	{ptr: "/resource_changes/0"},
	{ptr: "/resource_changes/0/address", where: "/resource_changes/0"},
	{ptr: "/resource_changes/0/type", nullOK: true},
	{ptr: "/resource_changes/0/mode", nullOK: true},
	{ptr: "/resource_changes/0/name", nullOK: true},
	{ptr: "/resource_changes/0/provider_name", nullOK: true},
	{ptr: "/resource_changes/0/change", where: "/resource_changes/0"},
	{ptr: "/resource_changes/0/change/actions", where: "/resource_changes/0"},
	{ptr: "/resource_changes/10/change/actions/0"},
	// Values before and after are the provider's: free-form JSON of any shape.
	{ptr: "/resource_changes/10/change/before", free: true},
	{ptr: "/resource_changes/10/change/after", free: true},
	{ptr: "/resource_changes/10/change/after_unknown", free: true},
	{ptr: "/resource_changes/10/change/before_sensitive", free: true},
	{ptr: "/resource_changes/10/change/after_sensitive", free: true},
	// configuration: the module tree is typed, expressions are free-form.
	{ptr: "/configuration/root_module", nullOK: true},
	{ptr: "/configuration/root_module/resources", nullOK: true},
	{ptr: "/configuration/root_module/resources/0", nullOK: true},
	{ptr: "/configuration/root_module/resources/0/address", nullOK: true},
	{ptr: "/configuration/root_module/resources/0/expressions", free: true},
	{ptr: "/configuration/root_module/module_calls", nullOK: true},
	{ptr: "/configuration/provider_config", free: true},
	// prior_state: the module tree is typed; hiyari counts resources by mode.
	{ptr: "/prior_state/format_version", free: true},
	{ptr: "/prior_state/values", nullOK: true},
	{ptr: "/prior_state/values/root_module", nullOK: true},
	{ptr: "/prior_state/values/root_module/resources", nullOK: true},
	{ptr: "/prior_state/values/root_module/resources/0", nullOK: true},
	{ptr: "/prior_state/values/root_module/resources/0/mode", nullOK: true},
	{ptr: "/prior_state/values/root_module/resources/0/values", free: true},
	{ptr: "/prior_state/values/root_module/child_modules", nullOK: true},
}

func hostileWrongTypes(t *testing.T, h *hostile, doc []byte) {
	for _, p := range planPaths {
		kind := valueKind(t, doc, p.ptr)
		for _, k := range []byte{'0', '"', '[', '{', 'n', 't'} {
			if k == kind {
				continue
			}
			c := planCase{
				name:  strings.ReplaceAll(strings.TrimPrefix(p.ptr, "/"), "/", ".") + "=" + kindName(k),
				class: "wrong-types",
				data:  mustReplace(t, doc, p.ptr, kinds[k]),
				ok:    p.free || (k == 'n' && p.nullOK),
				// A sample goes through every command.
				every: k == '0',
			}
			if !c.ok {
				where := p.ptr
				if p.where != "" {
					where = p.where
				}
				c.problem = regexp.MustCompile(regexp.QuoteMeta(where) + `\b`)
			}
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				checkPlan(t, h, c)
			})
		}
	}
}

// valueKind is the JSON kind of the value at ptr, with true and false as 't'.
func valueKind(t *testing.T, doc []byte, ptr string) byte {
	t.Helper()
	start, _, err := valueAt(doc, ptr)
	if err != nil {
		t.Fatalf("%s: %v", ptr, err)
	}
	switch b := doc[start]; b {
	case 'f':
		return 't'
	case '-', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return '0'
	default:
		return b
	}
}

func kindName(k byte) string {
	return map[byte]string{'0': "number", '"': "string", '[': "array", '{': "object", 'n': "null", 't': "bool"}[k]
}

// hostilePlans are single hostile documents: nesting, encoding, duplicates.
func hostilePlans(t *testing.T, h *hostile, doc []byte) {
	const deep = 100000
	withAfter := func(v []byte) []byte { return mustReplace(t, doc, "/resource_changes/10/change/after", string(v)) }
	depth := regexp.MustCompile(`depth|nest`)
	cases := []planCase{
		{name: "nested-arrays-top", class: "nesting", data: nested(deep, false), problem: regexp.MustCompile(`top-level JSON value is an array|depth|nest`), every: true},
		{name: "nested-objects-top", class: "nesting", data: nested(deep, true), problem: depth, every: true},
		{name: "nested-arrays-in-after", class: "nesting", data: withAfter(nested(deep, false)), problem: depth, every: true},
		{name: "nested-objects-in-after", class: "nesting", data: withAfter(nested(deep, true)), problem: depth, every: true},
		{name: "nested-arrays-in-skipped-section", class: "nesting", data: mustReplace(t, doc, "/planned_values", string(nested(deep, false))), problem: depth},

		{name: "invalid-utf8-in-string", class: "utf8", data: mustReplace(t, doc, "/resource_changes/0/address", "\"aws_iam_role.\xff\xfe\""), problem: regexp.MustCompile(`UTF-8`), every: true},
		{name: "invalid-utf8-in-key", class: "utf8", data: bytes.Replace(doc, []byte(`"format_version"`), []byte("\"format_\xc3\x28version\""), 1), problem: regexp.MustCompile(`UTF-8`), every: true},
		{name: "invalid-utf8-in-after", class: "utf8", data: withAfter([]byte("{\"name\":\"\xed\xa0\x80\"}")), problem: regexp.MustCompile(`UTF-8`)},
		{name: "lone-surrogate-escape", class: "utf8", data: withAfter([]byte(`{"name":"\ud800"}`)), problem: regexp.MustCompile(`UTF-8|surrogate|escape`)},

		{name: "duplicate-top-level-key", class: "duplicates", data: bytes.Replace(doc, []byte(`"format_version"`), []byte(`"format_version":"1.2","format_version"`), 1), problem: regexp.MustCompile(`duplicate`), every: true},
		{name: "duplicate-key-in-change", class: "duplicates", data: mustReplace(t, doc, "/resource_changes/0/address", `"aws_iam_role.a","address":"aws_iam_role.b"`), problem: regexp.MustCompile(`duplicate`), every: true},
		{name: "duplicate-key-in-after", class: "duplicates", data: withAfter([]byte(`{"name":"a","name":"b"}`)), problem: regexp.MustCompile(`duplicate`)},

		{name: "whitespace-only", class: "encoding", data: []byte(" \n\t\r\n  "), problem: regexp.MustCompile(`empty`), every: true},
		{name: "bom-utf8", class: "encoding", data: append([]byte("\xef\xbb\xbf"), doc...), problem: regexp.MustCompile(`byte order mark`), every: true},
		{name: "utf16le-bom", class: "encoding", data: utf16Encode(doc, false, true), problem: regexp.MustCompile(`UTF-16`), every: true},
		{name: "utf16be-bom", class: "encoding", data: utf16Encode(doc, true, true), problem: regexp.MustCompile(`UTF-16`)},
		{name: "utf16le-no-bom", class: "encoding", data: utf16Encode(doc, false, false), problem: regexp.MustCompile(`UTF-16`)},
		{name: "nul-bytes", class: "encoding", data: make([]byte, 4096), problem: regexp.MustCompile(`not valid JSON|NUL|UTF-16`)},
		{name: "trailing-garbage", class: "encoding", data: append(bytes.Clone(doc), "{}"...), problem: regexp.MustCompile(`after the plan`)},
		{name: "a-state-not-a-plan", class: "encoding", data: []byte(`{"version":4,"lineage":"x","serial":1,"resources":[]}`), problem: regexp.MustCompile(`state, not a plan`)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			checkPlan(t, h, c)
		})
	}
}

// gigabyte is the size of the string hostileHugeStrings streams.
const gigabyte = 1 << 30

// longerThan is what a too-long string must be told as.
var longerThan = regexp.MustCompile(`longer than`)

// hostileHugeStrings streams a 1 GB JSON string into stdin, at three places a
// decoder treats differently: a typed member, a kept value and a skipped one.
func hostileHugeStrings(t *testing.T, h *hostile, validPlan string) {
	cases := []struct {
		name, prefix, suffix string
		state                bool
	}{
		{name: "format-version", prefix: `{"format_version":`, suffix: `}`},
		{name: "in-after", prefix: `{"resource_changes":[{"address":"aws_iam_role.a","type":"aws_iam_role","change":{"actions":["create"],"after":{"name":`, suffix: `}}}]}`},
		{name: "in-skipped-section", prefix: `{"planned_values":{"x":`, suffix: `},"resource_changes":[]}`},
		{name: "object-key", prefix: `{"resource_changes":[],"planned_values":{`, suffix: `:1}}`},
		{name: "state-attribute", prefix: `{"version":4,"lineage":"x","serial":1,"resources":[{"mode":"managed","type":"aws_iam_role","name":"a","instances":[{"attributes":{"name":`, suffix: `}}]}]}`, state: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			in := newHugeString(c.prefix, gigabyte, c.suffix)
			r := run{class: "huge-string", stdin: in, args: []string{"plan", "review", "--fail-on", "never", "-"}}
			input := "stdin"
			if c.state {
				// The state is read from /dev/stdin: a pipe, never a file on disk.
				r.args = []string{"plan", "review", "--fail-on", "never", "--state", "/dev/stdin", validPlan}
				input = "--state /dev/stdin"
			}
			res := h.exec(t, r)
			fails(t, res, input, longerThan)
			if in.read() > 256<<20 {
				t.Errorf("read %d MiB of the string before refusing it, want the decoder to stop early", in.read()>>20)
			}
		})
	}
}

// hostileStates are hostile --state files next to a valid plan.
func hostileStates(t *testing.T, h *hostile, state []byte, validPlan string) {
	body := bytes.TrimRight(state, " \t\r\n")
	type stateCase struct {
		name    string
		data    []byte
		dir     bool
		problem *regexp.Regexp
		ok      bool
	}
	var cases []stateCase
	for _, off := range offsets(len(body)-1, 20, 0) {
		cases = append(cases, stateCase{name: fmt.Sprintf("truncated-at-%d", off), data: body[:off], problem: regexp.MustCompile(`ends early|not valid JSON at byte \d+|file is empty`)})
	}
	cases = append(cases,
		stateCase{name: "version-string", data: mustReplace(t, state, "/version", `"4"`), problem: regexp.MustCompile(`/version`)},
		stateCase{name: "resources-object", data: mustReplace(t, state, "/resources", `{}`), problem: regexp.MustCompile(`/resources`)},
		stateCase{name: "instances-string", data: mustReplace(t, state, "/resources/0/instances", `"x"`), problem: regexp.MustCompile(`/resources/0/instances`)},
		// Attributes are kept as raw JSON for the blast radius, which looks for
		// identifiers inside: one that is not an object has none, and is no error.
		stateCase{name: "attributes-array", data: mustReplace(t, state, "/resources/0/instances/0/attributes", `[1]`), ok: true},
		stateCase{name: "nested-objects", data: nested(100000, true), problem: regexp.MustCompile(`depth|nest`)},
		stateCase{name: "nested-in-attributes", data: mustReplace(t, state, "/resources/0/instances/0/attributes", string(nested(100000, false))), problem: regexp.MustCompile(`depth|nest`)},
		stateCase{name: "invalid-utf8", data: mustReplace(t, state, "/lineage", "\"\xff\""), problem: regexp.MustCompile(`UTF-8`)},
		stateCase{name: "duplicate-key", data: mustReplace(t, state, "/lineage", `"a","lineage":"b"`), problem: regexp.MustCompile(`duplicate`)},
		stateCase{name: "empty", data: nil, problem: regexp.MustCompile(`empty`)},
		stateCase{name: "utf16", data: utf16Encode(state, false, true), problem: regexp.MustCompile(`not valid JSON|UTF-16`)},
		stateCase{name: "a-plan-not-a-state", data: []byte(`{"format_version":"1.2","resource_changes":[]}`), problem: regexp.MustCompile(`plan`)},
		stateCase{name: "directory", dir: true, problem: regexp.MustCompile(`directory`)},
	)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			rel := filepath.Join("in", "state", c.name+".tfstate")
			if c.dir {
				h.mkdir(t, rel)
			} else {
				h.write(t, rel, c.data)
			}
			res := h.exec(t, run{class: "state", args: []string{"plan", "review", "--fail-on", "never", "--state", rel, validPlan}})
			if c.ok {
				succeeds(t, res)
				return
			}
			fails(t, res, "--state "+rel, c.problem)
		})
	}
}

// hostileFiles are odd things given as the plan path.
func hostileFiles(t *testing.T, h *hostile, doc []byte) {
	valid := h.write(t, "files/valid.json", doc)
	dir := h.mkdir(t, "files/a-directory")
	symlink := func(name, target string) string {
		p := filepath.Join(h.root, "files", name)
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	link := symlink("link.json", valid)
	loop := symlink("loop-a.json", filepath.Join(h.root, "files", "loop-b.json"))
	symlink("loop-b.json", loop)
	dangling := symlink("dangling.json", filepath.Join(h.root, "files", "missing.json"))
	fifo := filepath.Join(h.root, "files", "fifo.json")
	if err := mkfifo(fifo); err != nil {
		t.Fatal(err)
	}
	unreadable := h.write(t, "files/unreadable.json", doc)
	if err := os.Chmod(unreadable, 0); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name    string
		args    []string
		stdin   io.Reader
		input   string
		problem *regexp.Regexp
		ok      bool
		nobody  bool
	}{
		{name: "symlink-to-plan", args: []string{link}, ok: true},
		{name: "symlink-loop", args: []string{loop}, input: loop, problem: regexp.MustCompile(`symbolic links`)},
		{name: "dangling-symlink", args: []string{dangling}, input: dangling, problem: regexp.MustCompile(`no such file`)},
		{name: "fifo-without-writer", args: []string{fifo}, input: fifo, problem: regexp.MustCompile(`named pipe`)},
		{name: "directory", args: []string{dir}, input: dir, problem: regexp.MustCompile(`directory`)},
		{name: "unreadable", args: []string{unreadable}, input: unreadable, problem: regexp.MustCompile(`permission denied`), nobody: true},
		{name: "missing", args: []string{filepath.Join(h.root, "files", "nope.json")}, input: "nope.json", problem: regexp.MustCompile(`no such file`)},
		{name: "empty-stdin", args: []string{"-"}, stdin: strings.NewReader(""), input: "stdin", problem: regexp.MustCompile(`empty`)},
		{name: "closed-stdin", args: []string{"-"}, stdin: closedPipe(t), input: "stdin", problem: regexp.MustCompile(`empty`)},
		{name: "dev-null", args: []string{os.DevNull}, input: os.DevNull, problem: regexp.MustCompile(`empty|not a regular file|device`)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			for _, cmd := range [][]string{{"plan", "review", "--fail-on", "never"}, {"plan", "comment", "--dry-run", "--fail-on", "never"}} {
				res := h.exec(t, run{class: "files", args: append(cmd, c.args...), stdin: c.stdin, asNobody: c.nobody})
				if c.ok {
					succeeds(t, res)
					continue
				}
				fails(t, res, c.input, c.problem)
			}
		})
	}
}

// hostilePlanfiles are zip archives given as planfiles.
func hostilePlanfiles(t *testing.T, h *hostile) {
	type zipCase struct {
		name    string
		data    []byte
		problem *regexp.Regexp
	}
	// An archive that is no planfile is refused by hiyari or by `terraform show`,
	// whose own words are passed on.
	notPlanfile := regexp.MustCompile("planfile|zip|`terraform show -json` failed")
	cases := []zipCase{
		{name: "bomb-1GiB-tfplan", data: zipBomb(t, gigabyte), problem: notPlanfile},
		{name: "entries-100000", data: manyEntries(t, 100000), problem: notPlanfile},
		{name: "no-tfplan", data: makeZip(t, zipEntry{name: "tfstate", data: []byte(`{}`)}), problem: regexp.MustCompile(`no tfplan`)},
		{name: "traversal-names", data: makeZip(t,
			zipEntry{name: "tfplan", data: []byte("junk")},
			zipEntry{name: "../../../escaped.txt", data: []byte("x")},
			zipEntry{name: "/tmp/hiyari-escaped-absolute.txt", data: []byte("x")},
			zipEntry{name: "tfconfig/../../escaped-config.tf", data: []byte("x")},
		), problem: notPlanfile},
		{name: "zip-magic-then-junk", data: append([]byte("PK\x03\x04"), bytes.Repeat([]byte{0xff}, 4096)...), problem: notPlanfile},
		{name: "truncated-zip", data: makeZip(t, zipEntry{name: "tfplan", data: bytes.Repeat([]byte("x"), 10000)})[:60], problem: notPlanfile},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			// The archive sits three levels down, so that an entry name climbing
			// out would land inside the fixture tree where it can be seen.
			work := h.mkdir(t, filepath.Join("planfile", c.name, "a", "b", "c"))
			h.write(t, filepath.Join("planfile", c.name, "a", "b", "c", "tfplan"), c.data)
			before := listTree(t, filepath.Join(h.root, "planfile", c.name))
			res := h.exec(t, run{class: "planfile", dir: work, args: []string{"plan", "review", "--fail-on", "never", "tfplan"}})
			fails(t, res, "tfplan", c.problem)
			if after := listTree(t, filepath.Join(h.root, "planfile", c.name)); after != before {
				t.Errorf("files changed around the planfile:\nbefore:\n%s\nafter:\n%s", before, after)
			}
			if _, err := os.Stat("/tmp/hiyari-escaped-absolute.txt"); err == nil {
				t.Errorf("an absolute entry name was written to /tmp/hiyari-escaped-absolute.txt")
			}
			// The same archive on stdin is spooled to TMPDIR, which exec checks is
			// left empty.
			res = h.exec(t, run{class: "planfile", dir: work, stdin: bytes.NewReader(c.data), args: []string{"plan", "review", "--fail-on", "never", "-"}})
			fails(t, res, "stdin", c.problem)
		})
	}
}

// listTree lists the files under dir, one path per line.
func listTree(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		fmt.Fprintf(&b, "%s %d\n", rel, info.Size())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// closedPipe is the read end of a pipe whose writer is already closed.
func closedPipe(t *testing.T) *os.File {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	t.Cleanup(func() { r.Close() })
	return r
}

// backendTF is a root module's backend block.
const backendTF = "terraform {\n  backend \"s3\" {\n    bucket = \"acme-tfstate\"\n    key    = \"envs/a/terraform.tfstate\"\n    region = \"ap-northeast-1\"\n  }\n}\n"

// hostileBackends are hostile configuration files next to a root module's backend
// block, for `hiyari backend check`: the files come from the pull request.
func hostileBackends(t *testing.T, h *hostile) {
	deep := func(open, close string, n int) string {
		return strings.Repeat(open, n) + "1" + strings.Repeat(close, n)
	}
	nested := regexp.MustCompile(`nested more than 500 levels deep`)
	cases := []struct {
		name, file, src string
		problem         *regexp.Regexp
		// maxRSS (KiB) where the cost is known to be higher than hostileRSS.
		maxRSS int64
	}{
		{name: "truncated-block", file: "backend.tf", src: backendTF[:40], problem: regexp.MustCompile(`line \d+: (Unclosed configuration block|Argument or block definition required)`)},
		{name: "truncated-string", file: "backend.tf", src: backendTF[:30], problem: regexp.MustCompile(`line \d+: `)},
		{name: "invalid-utf8", file: "backend.tf", src: strings.Replace(backendTF, "acme-tfstate", "acme-\xff\xfe", 1), problem: regexp.MustCompile(`UTF-8`)},
		{name: "nested-brackets", file: "main.tf", src: "locals { x = " + deep("[", "]", 100000) + " }", problem: nested},
		{name: "nested-objects", file: "main.tf", src: "locals { x = " + deep("{a = ", "}", 100000) + " }", problem: nested},
		// HCL's lexer holds about 280 bytes per token, and the nesting check lexes
		// the file: a megabyte of one-byte tokens costs about 300 MiB (the parser
		// would have cost as much, then overflowed its stack).
		{name: "unary-operators", file: "main.tf", src: "locals { x = " + strings.Repeat("!", 1000000) + "true }", problem: nested, maxRSS: 512 << 10},
		{name: "nested-templates", file: "main.tf", src: "locals { x = " + deep(`"${`, `}"`, 100000) + " }", problem: nested},
		{name: "nested-json", file: "main.tf.json", src: `{"locals": {"x": ` + deep("[", "]", 1000000) + `}}`, problem: nested},
		{name: "too-large", file: "main.tf", src: strings.Repeat("# padding\n", 500000), problem: regexp.MustCompile(`more than the 4 MiB hiyari parses`)},
		{name: "nested-backend-config", file: "backend.tf", src: strings.Replace(backendTF, `"acme-tfstate"`, deep("[", "]", 100000), 1), problem: nested},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			repo := h.mkdir(t, filepath.Join("backend", c.name))
			h.write(t, filepath.Join("backend", c.name, "envs", "a", "backend.tf"), []byte(backendTF))
			h.write(t, filepath.Join("backend", c.name, "envs", "a", c.file), []byte(c.src))
			res := h.exec(t, run{class: "backend", dir: repo, args: []string{"backend", "check"}, maxRSS: c.maxRSS})
			fails(t, res, "envs/a/"+c.file, c.problem)
		})
	}
}

// hostileConfigs are hostile .hiyari.yaml files (they come from the repository),
// read by backend check and by plan review.
func hostileConfigs(t *testing.T, h *hostile, validPlan string) {
	laughs := "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
	for i := 1; i < 9; i++ {
		prev, cur := string(rune('a'+i-1)), string(rune('a'+i))
		laughs += cur + ": &" + cur + " [" + strings.TrimSuffix(strings.Repeat("*"+prev+",", 9), ",") + "]\n"
	}
	cases := []struct {
		name    string
		src     string
		link    string // a symlink target instead of src
		dir     bool
		problem *regexp.Regexp
	}{
		{name: "billion-laughs", src: laughs, problem: regexp.MustCompile(`unknown key|alias`)},
		{name: "nested-flow", src: "env: " + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + "\n", problem: regexp.MustCompile(`depth`)},
		{name: "invalid-utf8", src: "env: \"\xff\xfe\"\n", problem: regexp.MustCompile(`UTF-8`)},
		{name: "duplicate-key", src: "env: staging\nenv: prod\n", problem: regexp.MustCompile(`already defined`)},
		{name: "wrong-type", src: "accounts: {a: 1}\n", problem: regexp.MustCompile(`cannot unmarshal`)},
		{name: "too-large", src: "env: " + strings.Repeat("a", 2<<20) + "\n", problem: regexp.MustCompile(`larger than`)},
		{name: "symlink-to-dev-zero", link: "/dev/zero", problem: regexp.MustCompile(`not a regular file`)},
		{name: "directory", dir: true, problem: regexp.MustCompile(`is a directory`)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			repo := h.mkdir(t, filepath.Join("config", c.name))
			h.write(t, filepath.Join("config", c.name, "envs", "a", "backend.tf"), []byte(backendTF))
			cfg := filepath.Join(repo, ".hiyari.yaml")
			switch {
			case c.link != "":
				if err := os.Symlink(c.link, cfg); err != nil {
					t.Fatal(err)
				}
			case c.dir:
				h.mkdir(t, filepath.Join("config", c.name, ".hiyari.yaml"))
			default:
				h.write(t, filepath.Join("config", c.name, ".hiyari.yaml"), []byte(c.src))
			}
			for _, args := range [][]string{{"backend", "check"}, {"plan", "review", "--fail-on", "never", validPlan}} {
				res := h.exec(t, run{class: "config", dir: repo, args: args})
				fails(t, res, ".hiyari.yaml", c.problem)
			}
		})
	}
}

// hostileCreds are hostile shared AWS files for `hiyari creds explain`. A broken
// shared file is a finding, not a fatal error (docs/creds.md, docs/creds-findings.md):
// explain exits 0 and says what it found, naming the file.
func hostileCreds(t *testing.T, h *hostile) {
	cases := []struct {
		name       string
		file       string // config or credentials
		src        []byte
		link       string
		dir        bool
		unreadable bool
		want       *regexp.Regexp
	}{
		{name: "invalid-utf8", file: "credentials", src: []byte("[default]\naws_access_key_id = AKIA\xff\xfeEXAMPLE00000\naws_secret_access_key = x\n"), want: regexp.MustCompile(`credentials`)},
		{name: "nul-bytes", file: "config", src: make([]byte, 100000), want: regexp.MustCompile(`shared_file_ignored_lines`)},
		{name: "no-equals", file: "credentials", src: []byte("[default]\naws_access_key_id AKIAEXAMPLE000000000\n"), want: regexp.MustCompile(`shared_file_ignored_lines`)},
		{name: "bom", file: "config", src: []byte("\xef\xbb\xbf[default]\nregion = us-east-1\n"), want: regexp.MustCompile(`config`)},
		{name: "duplicate-sections", file: "credentials", src: []byte(strings.Repeat("[default]\naws_access_key_id = AKIAEXAMPLE000000000\naws_secret_access_key = x\n", 1000)), want: regexp.MustCompile(`credentials`)},
		{name: "nested-sub-properties", file: "config", src: []byte("[default]\ns3 =\n" + strings.Repeat("  a =\n", 100000)), want: regexp.MustCompile(`config`)},
		{name: "line-50MiB", file: "config", src: []byte("[default]\nregion = " + strings.Repeat("a", 50<<20) + "\n"), want: regexp.MustCompile(`token too long|sdk_load_error|unreadable`)},
		{name: "profiles-200000", file: "config", src: manyProfiles(200000), want: regexp.MustCompile(`config`)},
		{name: "symlink-to-dev-zero", file: "credentials", link: "/dev/zero", want: regexp.MustCompile(`credentials`)},
		{name: "directory", file: "credentials", dir: true, want: regexp.MustCompile(`is a directory`)},
		{name: "unreadable", file: "credentials", src: []byte("[default]\naws_access_key_id = AKIAEXAMPLE000000000\naws_secret_access_key = x\n"), unreadable: true, want: regexp.MustCompile(`shared_file_unreadable`)},
		{name: "empty", file: "config", src: []byte{}, want: regexp.MustCompile(`config`)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			home := h.mkdir(t, filepath.Join("creds", c.name))
			h.mkdir(t, filepath.Join("creds", c.name, ".aws"))
			p := filepath.Join(home, ".aws", c.file)
			switch {
			case c.link != "":
				if err := os.Symlink(c.link, p); err != nil {
					t.Fatal(err)
				}
			case c.dir:
				h.mkdir(t, filepath.Join("creds", c.name, ".aws", c.file))
			default:
				h.write(t, filepath.Join("creds", c.name, ".aws", c.file), c.src)
			}
			if c.unreadable {
				if err := os.Chmod(p, 0); err != nil {
					t.Fatal(err)
				}
			}
			res := h.exec(t, run{class: "creds", dir: home, asNobody: c.unreadable,
				env:  []string{"HOME=" + home},
				args: []string{"creds", "explain", "--imds-timeout", "200ms"}})
			if res.code != 0 || res.stdout == "" {
				t.Errorf("want exit 0 and a report (a bad shared file is a finding)\n%s", res)
				return
			}
			if !strings.Contains(res.stdout, p) {
				t.Errorf("the report does not name %s\n%s", p, res)
			}
			if !c.want.MatchString(res.stdout) {
				t.Errorf("the report does not say /%s/\n%s", c.want, res)
			}
		})
	}
}

// manyProfiles is a config file of n profiles.
func manyProfiles(n int) []byte {
	var b bytes.Buffer
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "[profile p%d]\nregion = us-east-1\n", i)
	}
	return b.Bytes()
}
