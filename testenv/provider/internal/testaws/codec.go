package testaws

import (
	"encoding/json"
	"fmt"
	"math/big"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// encodeValue turns a wholly known Terraform value into plain JSON data, so an
// object can be kept on disk between Terraform runs.
func encodeValue(v tftypes.Value) (any, error) {
	if !v.IsFullyKnown() {
		return nil, fmt.Errorf("encode value: value of type %s is not fully known", v.Type())
	}
	if v.IsNull() {
		return nil, nil
	}
	typ := v.Type()
	switch {
	case typ.Is(tftypes.String):
		var s string
		err := v.As(&s)
		return s, err
	case typ.Is(tftypes.Bool):
		var b bool
		err := v.As(&b)
		return b, err
	case typ.Is(tftypes.Number):
		var f big.Float
		if err := v.As(&f); err != nil {
			return nil, err
		}
		return json.Number(f.Text('f', -1)), nil
	case typ.Is(tftypes.List{}), typ.Is(tftypes.Set{}), typ.Is(tftypes.Tuple{}):
		var elems []tftypes.Value
		if err := v.As(&elems); err != nil {
			return nil, err
		}
		out := make([]any, 0, len(elems))
		for _, e := range elems {
			d, err := encodeValue(e)
			if err != nil {
				return nil, err
			}
			out = append(out, d)
		}
		return out, nil
	case typ.Is(tftypes.Map{}), typ.Is(tftypes.Object{}):
		var attrs map[string]tftypes.Value
		if err := v.As(&attrs); err != nil {
			return nil, err
		}
		out := make(map[string]any, len(attrs))
		for k, e := range attrs {
			d, err := encodeValue(e)
			if err != nil {
				return nil, err
			}
			out[k] = d
		}
		return out, nil
	}
	return nil, fmt.Errorf("encode value: unsupported type %s", typ)
}

// decodeValue builds a Terraform value of type typ from JSON data made by
// encodeValue (decoded with json.Decoder.UseNumber). Object attributes missing
// from the data become null, so objects written by an older schema still load.
func decodeValue(typ tftypes.Type, data any) (tftypes.Value, error) {
	if data == nil {
		return tftypes.NewValue(typ, nil), nil
	}
	switch t := typ.(type) {
	case tftypes.List, tftypes.Set:
		var elemType tftypes.Type
		if l, ok := t.(tftypes.List); ok {
			elemType = l.ElementType
		} else {
			elemType = t.(tftypes.Set).ElementType
		}
		raw, ok := data.([]any)
		if !ok {
			return tftypes.Value{}, fmt.Errorf("decode value: want a JSON array for %s, got %T", typ, data)
		}
		elems := make([]tftypes.Value, 0, len(raw))
		for _, r := range raw {
			e, err := decodeValue(elemType, r)
			if err != nil {
				return tftypes.Value{}, err
			}
			elems = append(elems, e)
		}
		return tftypes.NewValue(typ, elems), nil
	case tftypes.Map:
		raw, ok := data.(map[string]any)
		if !ok {
			return tftypes.Value{}, fmt.Errorf("decode value: want a JSON object for %s, got %T", typ, data)
		}
		elems := make(map[string]tftypes.Value, len(raw))
		for k, r := range raw {
			e, err := decodeValue(t.ElementType, r)
			if err != nil {
				return tftypes.Value{}, err
			}
			elems[k] = e
		}
		return tftypes.NewValue(typ, elems), nil
	case tftypes.Object:
		raw, ok := data.(map[string]any)
		if !ok {
			return tftypes.Value{}, fmt.Errorf("decode value: want a JSON object for %s, got %T", typ, data)
		}
		attrs := make(map[string]tftypes.Value, len(t.AttributeTypes))
		for k, at := range t.AttributeTypes {
			a, err := decodeValue(at, raw[k])
			if err != nil {
				return tftypes.Value{}, fmt.Errorf("attribute %q: %w", k, err)
			}
			attrs[k] = a
		}
		return tftypes.NewValue(typ, attrs), nil
	}
	switch {
	case typ.Is(tftypes.String):
		s, ok := data.(string)
		if !ok {
			return tftypes.Value{}, fmt.Errorf("decode value: want a string, got %T", data)
		}
		return tftypes.NewValue(typ, s), nil
	case typ.Is(tftypes.Bool):
		b, ok := data.(bool)
		if !ok {
			return tftypes.Value{}, fmt.Errorf("decode value: want a bool, got %T", data)
		}
		return tftypes.NewValue(typ, b), nil
	case typ.Is(tftypes.Number):
		n, ok := data.(json.Number)
		if !ok {
			return tftypes.Value{}, fmt.Errorf("decode value: want a number, got %T", data)
		}
		f, _, err := big.ParseFloat(string(n), 10, 512, big.ToNearestEven)
		if err != nil {
			return tftypes.Value{}, fmt.Errorf("decode value: parse number %q: %w", n, err)
		}
		return tftypes.NewValue(typ, f), nil
	}
	return tftypes.Value{}, fmt.Errorf("decode value: unsupported type %s", typ)
}
