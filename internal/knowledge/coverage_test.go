package knowledge

import (
	"flag"
	"fmt"
	"github.com/hiyari-dev/hiyari/internal/repotest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite docs/aws-coverage.md and golden files from the data")

// checkGolden compares got with the file at path, or rewrites it with -update.
func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v (run go test ./internal/knowledge -update to create it)", path, err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s is out of date with the data; run go test ./internal/knowledge -update and review the diff (-file +data):\n%s", path, diff)
	}
}

func TestCoverageDoc(t *testing.T) {
	b, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(repotest.Root(t), "docs", "aws-coverage.md")
	doc := renderCoverage(b)
	checkGolden(t, path, doc)

	// Independently of the golden comparison: the types the page lists are
	// exactly the types in the data.
	written, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, m := range regexp.MustCompile("(?m)^### `(aws_[a-z0-9_]+)`").FindAllStringSubmatch(string(written), -1) {
		listed[m[1]] = true
	}
	for _, name := range b.Types() {
		if !listed[name] {
			t.Errorf("type %s is in the data but not listed in docs/aws-coverage.md", name)
		}
		delete(listed, name)
	}
	for name := range listed {
		t.Errorf("docs/aws-coverage.md lists %s, which is not in the data", name)
	}
}

// cell makes text safe for one Markdown table cell.
func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}

func codeList(items []string) string {
	out := make([]string, len(items))
	for i, s := range items {
		out[i] = "`" + s + "`"
	}
	return strings.Join(out, ", ")
}

// renderCoverage renders docs/aws-coverage.md from the knowledge base.
func renderCoverage(b *Base) string {
	var w strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&w, format, args...) }

	byService := map[string][]*Type{}
	var services []string
	refs := 0
	for _, name := range b.Types() {
		t, _ := b.Type(name)
		if _, ok := byService[t.Service]; !ok {
			services = append(services, t.Service)
		}
		byService[t.Service] = append(byService[t.Service], t)
		refs += len(t.References)
	}
	sort.Strings(services)

	p("# AWS coverage\n\n")
	p("<!-- Generated from internal/knowledge/data/*.yaml by `go test ./internal/knowledge -update`. Edit the data, not this page. -->\n\n")
	p("`hiyari plan review` knows, for the Terraform AWS resource types below, which attributes identify a\n")
	p("resource, through which attributes other resources depend on it, what breaks in the dependent when\n")
	p("it disappears, whether data is lost and for how long, how to recover, and what goes wrong when the\n")
	p("resource is replaced. This page lists all of it; the blast radius and the runbook in a review are\n")
	p("built from exactly this data.\n\n")
	p("Coverage: **%d resource types** in %d services, **%d references**, **%d recovery steps**.\n\n",
		len(b.Types()), len(services), refs, len(b.Steps()))

	p("## How to read it\n\n")
	p("- **Identifiers** are matched against the values of other resources (prior state, planned values,\n")
	p("  extra states given with `--state`). Kinds: `arn`; `name`; `id` (a key id, queue URL, launch\n")
	p("  template id…); `unique_id` (IAM's AROA…/AIPA… id, which changes when a role or instance profile is\n")
	p("  recreated, even under the same name).\n")
	p("- **Attribute** paths use `[*]` for every element of a list or nested block, as Terraform JSON\n")
	p("  encodes blocks as lists of objects. `(JSON)` marks an attribute holding a JSON document — a\n")
	p("  policy, container definitions, a redrive policy — searched for ARNs, names and principal ids\n")
	p("  (including `aws:userid` values such as `AROA…:*`); `→ path` narrows the search inside it.\n")
	p("- **Data loss**: `none` — nothing lost or interrupted beyond a side channel; `availability` — the\n")
	p("  dependent stops working, callers see errors, AWS drops nothing in flight; `retried` — AWS retries\n")
	p("  for the window shown, then drops or dead-letters; `lost` — dropped at once, not retried.\n")
	p("- **Recovery** lists step ids; the runbook orders the steps by priority (recreate first, then\n")
	p("  policies and identities, then the service, then the outage window's data) and removes duplicates.\n\n")

	p("## Adding a service\n\n")
	p("Add `internal/knowledge/data/<service>.yaml` (keys: `service`, `types`, `steps`; see any file there),\n")
	p("check every attribute name against the provider's registry page and note the pages in the file's\n")
	p("header comment, add realistic resource values to `internal/knowledge/testdata/dependents/<service>.json`\n")
	p("(every reference needs a case that extracts a value), then run `go test ./internal/knowledge -update`\n")
	p("to regenerate this page and review its diff. Loading rejects unknown keys, unknown target types or\n")
	p("step ids, invalid data-loss classes and `retried` without a window.\n\n")

	p("## Data format\n\n")
	p("```yaml\n")
	p("service: Lambda                  # the service in an SRE's words\n")
	p("types:\n")
	p("  aws_lambda_function:           # Terraform resource type\n")
	p("    identifiers:                 # attribute + kind (arn, name, id, unique_id)\n")
	p("      - {attribute: arn, kind: arn}\n")
	p("    stateful: false              # holds data that is gone once deleted\n")
	p("    protections:                 # path, protected (value meaning protected), meaning\n")
	p("    references:\n")
	p("      - path: role               # attribute path; [*] = every list element / nested block\n")
	p("        json: false              # true: the attribute holds a JSON document\n")
	p("        json_path: \"\"            # optional path inside that document\n")
	p("        targets: [aws_iam_role]  # types the value may point at\n")
	p("        via: [arn]               # identifier kinds of the target the value may equal\n")
	p("        impact: …                # what breaks in the dependent, plain words\n")
	p("        data_loss: {class: retried, window: …, detail: …}\n")
	p("        recovery: [step-id, …]\n")
	p("    replace_hazards:             # id, text, recovery\n")
	p("steps:                           # id, priority (lower first), when ([deleted], [replaced]), text\n")
	p("```\n\n")

	p("## Services\n\n| service | resource types |\n|---|---|\n")
	for _, s := range services {
		var names []string
		for _, t := range byService[s] {
			names = append(names, t.Name)
		}
		p("| %s | %s |\n", s, codeList(names))
	}
	p("\n")

	for _, s := range services {
		p("## %s\n\n", s)
		for _, t := range byService[s] {
			p("### `%s`\n\n", t.Name)
			var ids []string
			for _, id := range t.Identifiers {
				ids = append(ids, fmt.Sprintf("`%s` (%s)", id.Attribute, id.Kind))
			}
			p("Identifiers: %s. Data file: `%s`.", strings.Join(ids, ", "), t.File)
			if t.Stateful {
				p(" Holds data.")
			}
			p("\n\n")
			if len(t.Protections) > 0 {
				p("| protection | protected when | meaning |\n|---|---|---|\n")
				for _, pr := range t.Protections {
					p("| `%s` | `%s` | %s |\n", pr.Path, pr.Protected, cell(pr.Meaning))
				}
				p("\n")
			}
			if len(t.References) > 0 {
				p("| attribute | depends on (via) | impact when it disappears | data loss | recovery |\n|---|---|---|---|---|\n")
				for _, r := range t.References {
					attr := "`" + r.Path + "`"
					if r.JSON {
						attr += " (JSON)"
						if r.JSONPath != "" {
							attr += " → `" + r.JSONPath + "`"
						}
					}
					var via []string
					for _, v := range r.Via {
						via = append(via, string(v))
					}
					loss := "`" + string(r.DataLoss.Class) + "`"
					if r.DataLoss.Window != "" {
						loss += ": " + r.DataLoss.Window
					}
					if r.DataLoss.Detail != "" {
						loss += ". " + r.DataLoss.Detail
					}
					p("| %s | %s (%s) | %s | %s | %s |\n", attr, codeList(r.Targets), strings.Join(via, ", "),
						cell(r.Impact), cell(loss), codeList(r.Recovery))
				}
				p("\n")
			}
			if len(t.ReplaceHazards) > 0 {
				p("Replace hazards:\n\n")
				for _, h := range t.ReplaceHazards {
					p("- **%s**: %s", h.ID, h.Text)
					if len(h.Recovery) > 0 {
						p(" Recovery: %s.", codeList(h.Recovery))
					}
					p("\n")
				}
				p("\n")
			}
		}
	}

	p("## Recovery steps\n\n")
	p("In runbook order (priority, then id). `when` restricts a step to targets that are deleted or\n")
	p("replaced by the plan; empty means both.\n\n")
	p("| priority | id | service | when | step |\n|---|---|---|---|---|\n")
	for _, s := range b.Steps() {
		var when []string
		for _, c := range s.When {
			when = append(when, string(c))
		}
		p("| %d | `%s` | %s | %s | %s |\n", s.Priority, s.ID, s.Service, strings.Join(when, ", "), cell(s.Text))
	}
	return w.String()
}
