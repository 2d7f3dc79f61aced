package testaws

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// object is one resource instance's attributes as Terraform sends them: the
// planned values on create and update, the stored values on read.
type object struct {
	typ   tftypes.Object
	attrs map[string]tftypes.Value
}

func newObject(v tftypes.Value) (*object, error) {
	typ, ok := v.Type().(tftypes.Object)
	if !ok {
		return nil, fmt.Errorf("read object: want an object, got %s", v.Type())
	}
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		return nil, fmt.Errorf("read object: %w", err)
	}
	return &object{typ: typ, attrs: attrs}, nil
}

func (o *object) value() tftypes.Value { return tftypes.NewValue(o.typ, o.attrs) }

// str returns a string attribute, "" when it is null or unknown.
func (o *object) str(name string) string {
	v := o.attrs[name]
	var s string
	if !v.IsKnown() || v.IsNull() || v.As(&s) != nil {
		return ""
	}
	return s
}

// unknown reports whether Terraform planned the attribute as "known after apply",
// i.e. whether the provider must compute it now.
func (o *object) unknown(name string) bool {
	v, ok := o.attrs[name]
	return ok && !v.IsKnown()
}

// fill sets a computed attribute the plan left unknown; a known value is kept.
// val is a string, bool, int64 or map[string]string.
func (o *object) fill(name string, val any) {
	if o.unknown(name) {
		o.set(name, val)
	}
}

// set replaces an attribute; val is as for fill.
func (o *object) set(name string, val any) {
	typ := o.typ.AttributeTypes[name]
	switch v := val.(type) {
	case int64:
		o.attrs[name] = tftypes.NewValue(typ, new(big.Float).SetInt64(v))
	case map[string]string:
		m := make(map[string]tftypes.Value, len(v))
		for k, s := range v {
			m[k] = tftypes.NewValue(tftypes.String, s)
		}
		o.attrs[name] = tftypes.NewValue(typ, m)
	default:
		o.attrs[name] = tftypes.NewValue(typ, v)
	}
}

// strMap returns a map-of-strings attribute; null and unknown give nil.
func (o *object) strMap(name string) (map[string]string, bool) {
	v := o.attrs[name]
	if !v.IsFullyKnown() {
		return nil, false
	}
	if v.IsNull() {
		return nil, true
	}
	var m map[string]tftypes.Value
	if err := v.As(&m); err != nil {
		return nil, false
	}
	out := make(map[string]string, len(m))
	for k, e := range m {
		var s string
		if err := e.As(&s); err != nil {
			return nil, false
		}
		out[k] = s
	}
	return out, true
}

// randomString returns n characters drawn from alphabet, for the opaque parts of
// ids AWS assigns (AROA…, sg-…): a recreated object never gets the old id back.
func randomString(alphabet string, n int) string {
	b := make([]byte, n)
	max := big.NewInt(int64(len(alphabet)))
	for i := range b {
		k, err := rand.Int(rand.Reader, max)
		if err != nil { // crypto/rand does not fail since Go 1.24; kept for the contract.
			panic(fmt.Sprintf("crypto/rand failed: %v", err))
		}
		b[i] = alphabet[k.Int64()]
	}
	return string(b)
}

const (
	upperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	lowerHex   = "0123456789abcdef"
	digits     = "0123456789"
)

// timestamp formats a creation time the way the AWS provider stores it.
func timestamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }
