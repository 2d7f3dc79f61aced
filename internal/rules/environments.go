package rules

import (
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

// nameAttributes are attributes whose text commonly carries the environment in a name.
var nameAttributes = []string{
	"name", "name_prefix", "bucket", "function_name", "family", "identifier", "cluster_identifier",
	"cluster_name", "role_name", "log_group_name", "table_name", "queue_name", "topic_name",
	"arn", "id", "role", "role_arn", "execution_role_arn", "task_role_arn",
}

// envIndex maps every alias (lower-case) to its environment.
type envIndex map[string]string

func newEnvIndex(envs map[string][]string) envIndex {
	idx := envIndex{}
	for env, aliases := range envs {
		idx[strings.ToLower(env)] = env
		for _, a := range aliases {
			idx[strings.ToLower(a)] = env
		}
	}
	return idx
}

// normalize maps an alias to its environment; unknown names map to themselves.
func (idx envIndex) normalize(name string) string {
	if e, ok := idx[strings.ToLower(name)]; ok {
		return e
	}
	return strings.ToLower(name)
}

// fromText finds environments named by whole tokens of a name or ARN.
func (idx envIndex) fromText(text string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(e string) {
		if !seen[e] {
			seen[e] = true
			out = append(out, e)
		}
	}
	// Aliases with a dash ("pre-prod") are matched on the text as a whole word run first,
	// longest first, and cut out, so that their parts ("prod") are not markers too.
	lower := strings.ToLower(text)
	var dashed []string
	for alias := range idx {
		if strings.Contains(alias, "-") {
			dashed = append(dashed, alias)
		}
	}
	sort.Slice(dashed, func(i, j int) bool {
		if len(dashed[i]) != len(dashed[j]) {
			return len(dashed[i]) > len(dashed[j])
		}
		return dashed[i] < dashed[j]
	})
	for _, alias := range dashed {
		if strings.Contains(lower, alias) {
			add(idx[alias])
			lower = strings.ReplaceAll(lower, alias, " ")
		}
	}
	tokens := strings.FieldsFunc(lower, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	})
	for _, t := range tokens {
		if e, ok := idx[t]; ok {
			add(e)
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
			if !envTagKeys[strings.ToLower(k)] {
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
