package plangen

import (
	"strconv"
	"time"
)

// Identifiers are derived from a hash of (seed, stack, what) rather than
// drawn from a sequential random source, so every section of the document
// — planned values, changes, prior state, configuration — can rebuild the
// same instance independently, in any order, without remembering anything.

// mix is the splitmix64 finaliser.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// hashStr folds a string into h.
func hashStr(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 0x100000001b3
	}
	return mix(h)
}

// idgen derives stable identifiers for one stack.
type idgen struct {
	base uint64
}

func newIDGen(seed int64, stack int) idgen {
	return idgen{base: mix(mix(uint64(seed)) ^ uint64(stack)*0x9e3779b97f4a7c15)}
}

// h returns the hash for a named identifier of this stack.
func (g idgen) h(what string) uint64 { return hashStr(g.base, what) }

const (
	upperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	lowerHex   = "0123456789abcdef"
	lowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789"
)

// chars returns n characters of alphabet chosen by the hash of what.
func (g idgen) chars(what, alphabet string, n int) string {
	h := g.h(what)
	b := make([]byte, n)
	for i := range b {
		if i > 0 && i%10 == 0 {
			h = mix(h + uint64(i))
		}
		b[i] = alphabet[h%uint64(len(alphabet))]
		h /= uint64(len(alphabet))
	}
	return string(b)
}

// hex returns n lowercase hex digits.
func (g idgen) hex(what string, n int) string { return g.chars(what, lowerHex, n) }

// uuid returns a UUID-shaped identifier (KMS key ids, ECS/SNS ids).
func (g idgen) uuid(what string) string {
	s := g.hex(what, 32)
	return s[0:8] + "-" + s[8:12] + "-4" + s[13:16] + "-a" + s[17:20] + "-" + s[20:32]
}

// roleID returns an IAM role unique id: AROA and 17 uppercase alphanumerics.
func (g idgen) roleID(what string) string { return "AROA" + g.chars(what, upperAlnum, 17) }

// policyID returns an IAM managed policy id: ANPA and 17 characters.
func (g idgen) policyID(what string) string { return "ANPA" + g.chars(what, upperAlnum, 17) }

// n returns a number in [lo, hi).
func (g idgen) n(what string, lo, hi int) int {
	return lo + int(g.h(what)%uint64(hi-lo))
}

// epoch is the fixed point every generated time is measured from, so output
// never depends on the clock.
func epoch() time.Time { return time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC) }

// when returns an RFC 3339 time some days before the plan's timestamp.
func (g idgen) when(what string) time.Time {
	return epoch().Add(time.Duration(g.h(what)%(400*24*3600)) * time.Second)
}

// createDate is an IAM/RDS style creation time.
func (g idgen) createDate(what string) string {
	return g.when(what).Format(time.RFC3339)
}

// attachmentID is the id the provider gives role policy attachments: the
// role name, a dash, and a unique-id suffix (a timestamp, four fraction
// digits and an eight-digit counter).
func (g idgen) attachmentID(role, what string) string {
	t := g.when(what)
	return role + "-" + t.Format("20060102150405") + strconv.Itoa(100000 + g.n(what+"/ms", 0, 899999))[1:] + "00000001"
}
