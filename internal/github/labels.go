package github

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	gh "github.com/google/go-github/v74/github"
)

// Label is a repository label hiyari puts on a pull request.
type Label struct {
	// Name is the label's name; GitHub compares names case-insensitively.
	Name string
	// Color is six hex digits without '#', used when the label is created.
	Color string
	// Description is shown in GitHub's label picker (at most 100 characters).
	Description string
}

// LabelNameLimit is the longest label name GitHub accepts, in characters.
const LabelNameLimit = 50

// LabelNames are the names of the labels hiyari manages; the configuration
// file fills them, empty fields take DefaultLabelNames. Setting a name to "-"
// turns that label off.
type LabelNames struct {
	// Outcome labels, exactly one of which a plan gets (like tfcmt's).
	Destroy     string `yaml:"destroy" json:"destroy"`
	AddOrUpdate string `yaml:"add_or_update" json:"add_or_update"`
	NoChanges   string `yaml:"no_changes" json:"no_changes"`
	// Severity labels: one, for the highest unacknowledged finding.
	Critical string `yaml:"critical" json:"critical"`
	High     string `yaml:"high" json:"high"`
	Medium   string `yaml:"medium" json:"medium"`
	Low      string `yaml:"low" json:"low"`
	Info     string `yaml:"info" json:"info"`
	// Risk labels, any number of which a plan gets.
	WrongState string `yaml:"wrong_state" json:"wrong_state"`
	DataLoss   string `yaml:"data_loss" json:"data_loss"`
	Backend    string `yaml:"backend" json:"backend"`
	// TargetPrefix prefixes every name with "TARGET/", so the jobs of a matrix
	// over several root modules each own their labels and never remove each
	// other's. Without it, matrix jobs overwrite one another's outcome label.
	TargetPrefix bool `yaml:"target_prefix" json:"target_prefix"`
	// Prefix replaces "hiyari:" in the default names, e.g. "terraform/" gives
	// terraform/destroy. Names set explicitly are used as they are.
	Prefix string `yaml:"prefix" json:"prefix"`
	// Disable turns labels off altogether: hiyari neither adds nor removes any.
	Disable bool `yaml:"disable" json:"disable"`
}

// defaultPrefix starts every default label name.
const defaultPrefix = "hiyari:"

// Names returns every managed label name for target, in a fixed order, after
// defaults, Prefix, "-" and TargetPrefix are applied; none when Disable is set.
func (n LabelNames) Names(target string) []string {
	if n.Disable {
		return nil
	}
	var out []string
	for _, s := range specs() {
		if name := n.resolve(s, target); name != "" {
			out = append(out, name)
		}
	}
	return out
}

// Check reports label names GitHub would refuse (over LabelNameLimit
// characters, or with a comma, which GitHub's label API splits on), so a
// command can stop before it posts anything.
func (n LabelNames) Check(target string) error {
	var bad []string
	for _, name := range n.Names(target) {
		switch {
		case utf8.RuneCountInString(name) > LabelNameLimit:
			bad = append(bad, fmt.Sprintf("%q is longer than GitHub's %d characters", name, LabelNameLimit))
		case strings.Contains(name, ","):
			bad = append(bad, fmt.Sprintf("%q has a comma, which GitHub does not allow in label names", name))
		case strings.TrimSpace(name) != name:
			bad = append(bad, fmt.Sprintf("%q starts or ends with a space", name))
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("github.labels: %s; rename them in .hiyari.yaml", strings.Join(bad, "; "))
	}
	return nil
}

// DefaultLabelNames are the names used when LabelNames leaves a field empty.
func DefaultLabelNames() LabelNames {
	return LabelNames{
		Destroy:     "hiyari:destroy",
		AddOrUpdate: "hiyari:add-or-update",
		NoChanges:   "hiyari:no-changes",
		Critical:    "hiyari:critical",
		High:        "hiyari:high",
		Medium:      "hiyari:medium",
		Low:         "hiyari:low",
		Info:        "hiyari:info",
		WrongState:  "hiyari:wrong-state",
		DataLoss:    "hiyari:data-loss",
		Backend:     "hiyari:backend-changed",
	}
}

// Outcome is what a review found, reduced to what labels say.
type Outcome struct {
	// Target is the directory and workspace (or --target); used when names
	// are prefixed by target.
	Target string
	// Destroy: the plan deletes or replaces at least one resource.
	Destroy bool
	// Changes: the plan creates, updates, imports or moves something.
	Changes bool
	// Highest is the severity of the worst unacknowledged finding
	// ("critical", "high", "medium", "low", "info"), "" when none; the JSON
	// report's verdict.highest.
	Highest string
	// WrongState: a wrong-state rule fired (the seed incident's signature).
	WrongState bool
	// DataLoss: a stateful resource is deleted without protection.
	DataLoss bool
	// Backend: the backend block or state key changed.
	Backend bool
}

// labelSpec is one managed label: where its name comes from, its colour and
// description, and whether the outcome wants it.
type labelSpec struct {
	name  func(LabelNames) string
	color string
	desc  string
	want  func(Outcome) bool
}

// specs is the fixed table of managed labels; colours follow GitHub's palette
// (red for loss, orange for risk, yellow for change, green for nothing to do).
func specs() []labelSpec {
	return []labelSpec{
		{func(n LabelNames) string { return n.Destroy }, "b60205", "The Terraform plan deletes or replaces resources", func(o Outcome) bool { return o.Destroy }},
		{func(n LabelNames) string { return n.AddOrUpdate }, "fbca04", "The Terraform plan adds or updates resources, deletes none", func(o Outcome) bool { return !o.Destroy && o.Changes }},
		{func(n LabelNames) string { return n.NoChanges }, "0e8a16", "The Terraform plan changes nothing", func(o Outcome) bool { return !o.Destroy && !o.Changes }},
		{func(n LabelNames) string { return n.Critical }, "5c0011", "hiyari's worst finding in the plan is critical", highest("critical")},
		{func(n LabelNames) string { return n.High }, "d93f0b", "hiyari's worst finding in the plan is high", highest("high")},
		{func(n LabelNames) string { return n.Medium }, "e99695", "hiyari's worst finding in the plan is medium", highest("medium")},
		{func(n LabelNames) string { return n.Low }, "c5def5", "hiyari's worst finding in the plan is low", highest("low")},
		{func(n LabelNames) string { return n.Info }, "ededed", "hiyari's findings in the plan are informational", highest("info")},
		{func(n LabelNames) string { return n.WrongState }, "e11d21", "The plan looks like it runs against another environment's state", func(o Outcome) bool { return o.WrongState }},
		{func(n LabelNames) string { return n.DataLoss }, "b60205", "The plan deletes stateful resources without protection", func(o Outcome) bool { return o.DataLoss }},
		{func(n LabelNames) string { return n.Backend }, "5319e7", "The Terraform backend or state key changed", func(o Outcome) bool { return o.Backend }},
	}
}

func highest(sev string) func(Outcome) bool {
	return func(o Outcome) bool { return strings.EqualFold(o.Highest, sev) }
}

// resolve fills empty names from the defaults and applies the target prefix.
// A name of "-" is off and resolves to "".
func (n LabelNames) resolve(spec labelSpec, target string) string {
	if n.Disable {
		return ""
	}
	name := spec.name(n)
	if name == "" {
		name = spec.name(DefaultLabelNames())
		if n.Prefix != "" {
			name = n.Prefix + strings.TrimPrefix(name, defaultPrefix)
		}
	}
	if name == "-" {
		return ""
	}
	if n.TargetPrefix && target != "" {
		return prefixed(target, name)
	}
	return name
}

// prefixed is "TARGET/NAME", shortened to LabelNameLimit by keeping the end
// of the target (the most specific part) and a short hash of all of it, so
// two long targets never share a label.
func prefixed(target, name string) string {
	full := target + "/" + name
	if utf8.RuneCountInString(full) <= LabelNameLimit {
		return full
	}
	h := fnv.New32a()
	h.Write([]byte(target))
	tag := fmt.Sprintf("~%06x", h.Sum32()&0xffffff)
	keep := LabelNameLimit - utf8.RuneCountInString(name) - utf8.RuneCountInString(tag) - 1
	runes := []rune(target)
	if keep < 1 {
		keep = 1
	}
	if keep < len(runes) {
		runes = runes[len(runes)-keep:]
	}
	return string(runes) + tag + "/" + name
}

// OutcomeLabels are the labels a pull request should carry for o: exactly one
// outcome label (destroy before add-or-update before no-changes), one severity
// label for the highest finding, and one per other risk present, with default
// colours and descriptions. With default names and no target prefix they are
// the names the JSON report lists under "labels".
func OutcomeLabels(o Outcome, names LabelNames) []Label {
	var out []Label
	for _, s := range specs() {
		name := names.resolve(s, o.Target)
		if name == "" || !s.want(o) {
			continue
		}
		out = append(out, Label{Name: name, Color: s.color, Description: s.desc})
	}
	return out
}

// ManagedLabels reports whether a label name belongs to hiyari for target:
// any label OutcomeLabels could produce for it. SyncLabels removes only those,
// so people's own labels, and other targets' prefixed labels, stay.
func ManagedLabels(target string, names LabelNames) func(name string) bool {
	var managed []string
	for _, s := range specs() {
		if name := names.resolve(s, target); name != "" {
			managed = append(managed, strings.ToLower(name))
		}
	}
	return func(name string) bool { return slices.Contains(managed, strings.ToLower(name)) }
}

// LabelResult is what SyncLabels changed.
type LabelResult struct {
	// Created are labels added to the repository because they were missing.
	Created []string
	// Added are labels put on the pull request.
	Added []string
	// Removed are managed labels taken off the pull request.
	Removed []string
}

// SyncLabels makes the pull request carry want and no other label for which
// managed is true. Missing labels are first created in the repository with
// their colour and description (a concurrent job creating the same label is
// success). Labels already right cost one read and no write.
func (c *Client) SyncLabels(ctx context.Context, want []Label, managed func(name string) bool) (LabelResult, error) {
	var res LabelResult
	current, err := c.listLabels(ctx, "list labels on pull request", func(o *gh.ListOptions) ([]*gh.Label, *gh.Response, error) {
		return c.gh.Issues.ListLabelsByIssue(ctx, c.owner, c.repo, c.pr, o)
	})
	if err != nil {
		return res, err
	}
	onPR := map[string]bool{}
	for _, l := range current {
		onPR[strings.ToLower(l.GetName())] = true
	}
	wanted := map[string]bool{}
	var missing []Label
	for _, l := range want {
		key := strings.ToLower(l.Name)
		if l.Name == "" || wanted[key] {
			continue
		}
		wanted[key] = true
		if !onPR[key] {
			missing = append(missing, l)
		}
	}

	if len(missing) > 0 {
		repoLabels, err := c.listLabels(ctx, "list repository labels", func(o *gh.ListOptions) ([]*gh.Label, *gh.Response, error) {
			return c.gh.Issues.ListLabels(ctx, c.owner, c.repo, o)
		})
		if err != nil {
			return res, err
		}
		exists := map[string]bool{}
		for _, l := range repoLabels {
			exists[strings.ToLower(l.GetName())] = true
		}
		var names []string
		for _, l := range missing {
			names = append(names, l.Name)
			if exists[strings.ToLower(l.Name)] {
				continue
			}
			created, err := c.createLabel(ctx, l)
			if err != nil {
				return res, err
			}
			if created {
				res.Created = append(res.Created, l.Name)
			}
		}
		if _, _, err := c.gh.Issues.AddLabelsToIssue(ctx, c.owner, c.repo, c.pr, names); err != nil {
			return res, c.wrap("add labels to pull request", err)
		}
		res.Added = names
	}

	for _, l := range current {
		name := l.GetName()
		if managed == nil || !managed(name) || wanted[strings.ToLower(name)] {
			continue
		}
		// go-github puts the name into the path as is; a prefixed name has
		// "/" in it, and any name may have spaces or '?', so escape it here.
		if _, err := c.gh.Issues.RemoveLabelForIssue(ctx, c.owner, c.repo, c.pr, url.PathEscape(name)); err != nil && !isNotFound(err) {
			return res, c.wrap(fmt.Sprintf("remove label %q from pull request", name), err)
		}
		res.Removed = append(res.Removed, name)
	}
	return res, nil
}

func (c *Client) listLabels(ctx context.Context, op string, list func(*gh.ListOptions) ([]*gh.Label, *gh.Response, error)) ([]*gh.Label, error) {
	opts := &gh.ListOptions{PerPage: perPage}
	var all []*gh.Label
	for {
		page, resp, err := list(opts)
		if err != nil {
			return nil, c.wrap(op, err)
		}
		all = append(all, page...)
		if resp.NextPage == 0 {
			return all, nil
		}
		opts.Page = resp.NextPage
	}
}

// createLabel creates l in the repository. A 422 already_exists means another
// job created it between our list and our create: the label exists, which is
// all that was wanted, so it is success (reported as not created by us).
func (c *Client) createLabel(ctx context.Context, l Label) (bool, error) {
	label := &gh.Label{Name: gh.Ptr(l.Name), Color: gh.Ptr(strings.TrimPrefix(l.Color, "#"))}
	if l.Description != "" {
		label.Description = gh.Ptr(truncateRunes(l.Description, 100))
	}
	_, _, err := c.gh.Issues.CreateLabel(ctx, c.owner, c.repo, label)
	if err == nil {
		return true, nil
	}
	var er *gh.ErrorResponse
	if errors.As(err, &er) && er.Response != nil && er.Response.StatusCode == http.StatusUnprocessableEntity {
		for _, d := range er.Errors {
			if d.Code == "already_exists" {
				return false, nil
			}
		}
	}
	return false, c.wrap(fmt.Sprintf("create label %q", l.Name), err)
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
