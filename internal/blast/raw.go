package blast

import (
	"encoding/json"

	"github.com/hiyari-dev/hiyari/internal/jsonscan"
)

// rawMembers calls fn for each member of the JSON object v, in order, until fn
// returns false, with the raw bytes of the member's name (without quotes) and value.
// v is JSON as Terraform writes it (plan values, state attributes); scanning it
// allocates nothing, which matters on the blast radius's hot path, where every
// resource of a large plan is looked at once per level. Malformed input ends the
// scan early.
func rawMembers(v []byte, fn func(key, val []byte) bool) {
	jsonscan.Members(v, func(key []byte, _ bool, val []byte) bool { return fn(key, val) })
}

// rawString returns the text of a JSON string value.
func rawString(val []byte) (string, bool) {
	if len(val) < 2 || val[0] != '"' {
		return "", false
	}
	inner := val[1 : len(val)-1]
	for _, c := range inner {
		if c == '\\' {
			var s string
			if err := json.Unmarshal(val, &s); err != nil {
				return "", false
			}
			return s, true
		}
	}
	return string(inner), true
}
