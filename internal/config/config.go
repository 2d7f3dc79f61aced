// Package config reads .hiyari.yaml, the per-repository settings: the environment and
// accounts a directory targets, rule thresholds, and acknowledged findings.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/hiyari-dev/hiyari/internal/github"
)

// FileName is the configuration file hiyari looks for in --dir and its parents.
const FileName = ".hiyari.yaml"

// Config is the content of .hiyari.yaml.
type Config struct {
	// Path is the file the configuration was read from, empty for defaults.
	Path string `yaml:"-"`
	// Env is the environment this directory targets (e.g. staging).
	Env string `yaml:"env"`
	// Accounts are the AWS account ids this directory may touch.
	Accounts []string `yaml:"accounts"`
	// FailOn is the default gate threshold.
	FailOn string `yaml:"fail_on"`
	// Environments names every environment and its aliases, for telling them apart in
	// names, tags and ARNs. Empty means the built-in list.
	Environments map[string][]string `yaml:"environments"`
	// Rules holds per-rule settings.
	Rules RuleSettings `yaml:"rules"`
	// Acknowledge lists findings that were reviewed and accepted.
	Acknowledge []Acknowledgement `yaml:"acknowledge"`
	// Backend configures hiyari backend check (see docs/backend-check.md).
	Backend Backend `yaml:"backend"`
	// GitHub configures the pull-request integration (hiyari plan comment).
	GitHub GitHub `yaml:"github"`
}

// GitHub configures what hiyari puts on a pull request.
type GitHub struct {
	// Labels renames the managed labels, prefixes them, or turns them off.
	Labels github.LabelNames `yaml:"labels"`
}

// RuleSettings are the knobs of rules that have them.
type RuleSettings struct {
	MassDeletion MassDeletion `yaml:"mass_deletion"`
	// Disabled lists rule ids that do not run.
	Disabled []string `yaml:"disabled"`
}

// MassDeletion configures the mass_deletion rule.
type MassDeletion struct {
	// MinDeletes is the fewest destroyed instances that can trigger it (default 5).
	MinDeletes int `yaml:"min_deletes"`
	// HighRatio is the share of the prior state destroyed that is high (default 0.5).
	HighRatio float64 `yaml:"high_ratio"`
	// CriticalRatio is the share that is critical (default 0.9).
	CriticalRatio float64 `yaml:"critical_ratio"`
}

// Acknowledgement accepts a rule's findings for matching addresses.
type Acknowledgement struct {
	Rule    string `yaml:"rule"`
	Address string `yaml:"address"`
	Reason  string `yaml:"reason"`
}

// Default returns the settings used when there is no file.
func Default() Config {
	c := Config{}
	c.applyDefaults()
	return c
}

func (c *Config) applyDefaults() {
	m := &c.Rules.MassDeletion
	if m.MinDeletes == 0 {
		m.MinDeletes = 5
	}
	if m.HighRatio == 0 {
		m.HighRatio = 0.5
	}
	if m.CriticalRatio == 0 {
		m.CriticalRatio = 0.9
	}
	if len(c.Environments) == 0 {
		c.Environments = DefaultEnvironments()
	}
}

// DefaultEnvironments are the environment names hiyari recognises without configuration,
// each with the aliases seen in resource names and tags.
func DefaultEnvironments() map[string][]string {
	return map[string][]string{
		"dev":     {"dev", "develop", "development"},
		"test":    {"test", "testing"},
		"qa":      {"qa"},
		"uat":     {"uat"},
		"staging": {"staging", "stage", "stg"},
		"preprod": {"preprod", "pre-prod", "pprod"},
		"prod":    {"prod", "production", "prd", "live"},
		"sandbox": {"sandbox", "sbx"},
	}
}

// Find looks for .hiyari.yaml in dir and its parents and reads the first one found;
// with none, it returns the defaults.
func Find(dir string) (Config, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return Config{}, fmt.Errorf("find %s: %w", FileName, err)
	}
	for {
		p := filepath.Join(abs, FileName)
		if _, err := os.Stat(p); err == nil {
			return Load(p)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return Config{}, fmt.Errorf("%s: %w", p, err)
		}
		parent := filepath.Dir(abs)
		if parent == abs {
			return Default(), nil
		}
		abs = parent
	}
}

// Load reads one configuration file.
func Load(path string) (Config, error) {
	data, err := readFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("read %s: %w", path, err)
	}
	c, err := Parse(bytes.NewReader(data), path)
	if err != nil {
		return Config{}, err
	}
	return c, nil
}

// ValidAccountID reports whether a is an AWS account id: exactly twelve digits.
func ValidAccountID(a string) bool {
	return len(a) == 12 && strings.Trim(a, "0123456789") == ""
}

// Parse reads configuration from r; name is used in errors. Unknown keys are errors, so
// a typo does not silently disable a setting.
func Parse(r io.Reader, name string) (Config, error) {
	var c Config
	dec := yaml.NewDecoder(r)
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return Config{}, fmt.Errorf("%s: %s; see docs/configuration.md", name, describeYAMLError(err))
	}
	c.Path = name
	for _, a := range c.Accounts {
		if !ValidAccountID(a) {
			return Config{}, fmt.Errorf("%s: accounts: %q is not a 12-digit AWS account id (quote ids in YAML so leading zeros survive)", name, a)
		}
	}
	for i, a := range c.Acknowledge {
		switch {
		case a.Rule == "":
			return Config{}, fmt.Errorf("%s: acknowledge[%d]: rule is required", name, i)
		case a.Address == "":
			return Config{}, fmt.Errorf("%s: acknowledge[%d] (%s): address is required (a glob such as module.legacy.* or *)", name, i, a.Rule)
		case strings.TrimSpace(a.Reason) == "":
			return Config{}, fmt.Errorf("%s: acknowledge[%d] (%s %s): reason is required: say why this finding is accepted", name, i, a.Rule, a.Address)
		}
	}
	m := c.Rules.MassDeletion
	if m.HighRatio < 0 || m.HighRatio > 1 || m.CriticalRatio < 0 || m.CriticalRatio > 1 || m.MinDeletes < 0 {
		return Config{}, fmt.Errorf("%s: rules.mass_deletion: ratios must be between 0 and 1 and min_deletes ≥ 0", name)
	}
	if err := c.Backend.validate(name); err != nil {
		return Config{}, err
	}
	c.applyDefaults()
	return c, nil
}

// Acknowledged returns the acknowledgement that accepts a rule's finding at address.
func (c Config) Acknowledged(rule, address string) (Acknowledgement, bool) {
	for _, a := range c.Acknowledge {
		if (a.Rule == rule || a.Rule == "*") && MatchAddress(a.Address, address) {
			return a, true
		}
	}
	return Acknowledgement{}, false
}

// RuleEnabled reports whether a rule is not disabled.
func (c Config) RuleEnabled(id string) bool {
	for _, d := range c.Rules.Disabled {
		if d == id {
			return false
		}
	}
	return true
}

// MatchAddress matches a Terraform address against a glob where * matches any run of
// characters (dots and brackets included) and ? one character.
func MatchAddress(glob, address string) bool {
	// iterative wildcard match with backtracking on the last star
	g, a := 0, 0
	star, mark := -1, 0
	for a < len(address) {
		switch {
		case g < len(glob) && (glob[g] == '?' || glob[g] == address[a]):
			g++
			a++
		case g < len(glob) && glob[g] == '*':
			star, mark = g, a
			g++
		case star >= 0:
			g = star + 1
			mark++
			a = mark
		default:
			return false
		}
	}
	for g < len(glob) && glob[g] == '*' {
		g++
	}
	return g == len(glob)
}

var unknownFieldRE = regexp.MustCompile(`field (\S+) not found in type \S+`)

// describeYAMLError flattens yaml's multi-line errors and says "unknown key" in the
// user's words instead of naming Go types.
func describeYAMLError(err error) string {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs := make([]string, len(te.Errors))
		for i, m := range te.Errors {
			msgs[i] = unknownFieldRE.ReplaceAllString(m, "unknown key $1")
		}
		return strings.Join(msgs, "; ")
	}
	return strings.TrimPrefix(err.Error(), "yaml: ")
}
