package rules

import (
	"slices"
	"sort"
	"strings"

	"github.com/hiyari-dev/hiyari/internal/plan"
)

// envMarker is one place a resource says which environment it belongs to.
type envMarker struct {
	env   string
	path  string
	value string
	tag   bool
}

// envTagKeys are tag keys (lower-cased) that name an environment.
var envTagKeys = map[string]bool{
	"environment": true, "env": true, "stage": true, "environment_name": true,
	"env_name": true, "envname": true, "environmentname": true,
}

// isEnvTagKey reports whether a tag key names an environment, in any case, without
// allocating for the keys that do not.
func isEnvTagKey(k string) bool {
	var buf [32]byte
	if len(k) > len(buf) {
		return false // longer than every key of envTagKeys
	}
	b := buf[:len(k)]
	for i := 0; i < len(k); i++ {
		c := k[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b[i] = c
	}
	return envTagKeys[string(b)]
}

// nameAttributes are attributes whose text commonly carries the environment in a name.
var nameAttributes = []string{
	"name", "name_prefix", "bucket", "function_name", "family", "identifier", "cluster_identifier",
	"cluster_name", "role_name", "log_group_name", "table_name", "queue_name", "topic_name",
	"arn", "id", "role", "role_arn", "execution_role_arn", "task_role_arn",
}

// envIndex maps every alias (lower-case) to its environment. The aliases with a dash
// are also kept longest first, as fromText matches them: it runs for several
// attributes of every change of a plan.
type envIndex struct {
	aliases map[string]string
	dashed  []string
}

func newEnvIndex(envs map[string][]string) envIndex {
	idx := envIndex{aliases: map[string]string{}}
	for env, aliases := range envs {
		idx.aliases[strings.ToLower(env)] = env
		for _, a := range aliases {
			idx.aliases[strings.ToLower(a)] = env
		}
	}
	for alias := range idx.aliases {
		if strings.Contains(alias, "-") {
			idx.dashed = append(idx.dashed, alias)
		}
	}
	sort.Slice(idx.dashed, func(i, j int) bool {
		if len(idx.dashed[i]) != len(idx.dashed[j]) {
			return len(idx.dashed[i]) > len(idx.dashed[j])
		}
		return idx.dashed[i] < idx.dashed[j]
	})
	return idx
}

// normalize maps an alias to its environment; unknown names map to themselves.
func (idx envIndex) normalize(name string) string {
	if e, ok := idx.aliases[strings.ToLower(name)]; ok {
		return e
	}
	return strings.ToLower(name)
}

// fromText finds environments named by whole tokens of a name or ARN.
func (idx envIndex) fromText(text string) []string {
	var out []string
	add := func(e string) {
		if !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	// Aliases with a dash ("pre-prod") are matched on the text as a whole word run first,
	// longest first, and cut out, so that their parts ("prod") are not markers too.
	lower := strings.ToLower(text)
	for _, alias := range idx.dashed {
		if strings.Contains(lower, alias) {
			add(idx.aliases[alias])
			lower = strings.ReplaceAll(lower, alias, " ")
		}
	}
	// Tokens are the runs of lower-case letters and digits.
	start := -1
	for i := 0; i <= len(lower); i++ {
		if i < len(lower) && (lower[i] >= 'a' && lower[i] <= 'z' || lower[i] >= '0' && lower[i] <= '9') {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			if e, ok := idx.aliases[lower[start:i]]; ok {
				add(e)
			}
			start = -1
		}
	}
	sort.Strings(out)
	return out
}

// markers returns the environment markers of a change's prior object: its environment
// tags when it has any (they are deliberate), otherwise environments in its names.
func (idx envIndex) markers(c *plan.Change) []envMarker {
	var tags []envMarker
	for _, attr := range []string{"tags_all", "tags"} {
		c.BeforeAttr(attr).Members(func(k string, v plan.Value) bool {
			if !isEnvTagKey(k) {
				return true
			}
			s, ok := v.Str()
			if !ok || s == "" || plan.SensitiveAt(c.BeforeSensitive, []string{attr, k}) {
				return true
			}
			tags = append(tags, envMarker{env: idx.normalize(s), path: attr + "." + k, value: s, tag: true})
			return true
		})
		if len(tags) > 0 {
			return tags
		}
	}
	var names []envMarker
	for _, attr := range nameAttributes {
		s, ok := before(c, attr)
		if !ok || s == sensitiveText {
			continue
		}
		for _, e := range idx.fromText(s) {
			names = append(names, envMarker{env: e, path: attr, value: s})
		}
	}
	return names
}
