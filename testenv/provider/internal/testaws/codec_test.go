package testaws

import (
	"bytes"
	"encoding/json"
	"math/big"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func TestCodecRoundTrip(t *testing.T) {
	rule := tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"status":   tftypes.String,
		"priority": tftypes.Number,
		"destination": tftypes.List{ElementType: tftypes.Object{AttributeTypes: map[string]tftypes.Type{
			"bucket": tftypes.String,
		}}},
	}}
	typ := tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"name":    tftypes.String,
		"enabled": tftypes.Bool,
		"tags":    tftypes.Map{ElementType: tftypes.String},
		"compat":  tftypes.Set{ElementType: tftypes.String},
		"rule":    tftypes.List{ElementType: rule},
	}}
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	tests := []struct {
		name string
		val  tftypes.Value
	}{
		{"all null", tftypes.NewValue(typ, map[string]tftypes.Value{
			"name":    tftypes.NewValue(tftypes.String, nil),
			"enabled": tftypes.NewValue(tftypes.Bool, nil),
			"tags":    tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, nil),
			"compat":  tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, nil),
			"rule":    tftypes.NewValue(tftypes.List{ElementType: rule}, nil),
		})},
		{"nested blocks and collections", tftypes.NewValue(typ, map[string]tftypes.Value{
			"name":    str("dev-api"),
			"enabled": tftypes.NewValue(tftypes.Bool, true),
			"tags":    tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, map[string]tftypes.Value{"Environment": str("dev")}),
			"compat":  tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, []tftypes.Value{str("FARGATE")}),
			"rule": tftypes.NewValue(tftypes.List{ElementType: rule}, []tftypes.Value{
				tftypes.NewValue(rule, map[string]tftypes.Value{
					"status":   str("Enabled"),
					"priority": tftypes.NewValue(tftypes.Number, big.NewFloat(3600)),
					"destination": tftypes.NewValue(rule.AttributeTypes["destination"], []tftypes.Value{
						tftypes.NewValue(rule.AttributeTypes["destination"].(tftypes.List).ElementType, map[string]tftypes.Value{"bucket": str("arn:aws:s3:::replica")}),
					}),
				}),
			}),
		})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := encodeValue(tt.val)
			if err != nil {
				t.Fatalf("encodeValue: %v", err)
			}
			b, err := json.Marshal(data)
			if err != nil {
				t.Fatalf("marshal: %v", err)
			}
			var back any
			dec := json.NewDecoder(bytes.NewReader(b))
			dec.UseNumber()
			if err := dec.Decode(&back); err != nil {
				t.Fatalf("unmarshal: %v", err)
			}
			got, err := decodeValue(typ, back)
			if err != nil {
				t.Fatalf("decodeValue: %v", err)
			}
			if diff := cmp.Diff(tt.val.String(), got.String()); diff != "" || !got.Equal(tt.val) {
				t.Errorf("round trip changed the value (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEncodeRejectsUnknown(t *testing.T) {
	typ := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"arn": tftypes.String}}
	v := tftypes.NewValue(typ, map[string]tftypes.Value{"arn": tftypes.NewValue(tftypes.String, tftypes.UnknownValue)})
	if _, err := encodeValue(v); err == nil {
		t.Fatal("encodeValue accepted a value with an unknown attribute; a computed attribute would be stored unknown")
	}
}

func TestDecodeMissingAttributeIsNull(t *testing.T) {
	typ := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"name": tftypes.String, "added_later": tftypes.String}}
	got, err := decodeValue(typ, map[string]any{"name": "dev-api"})
	if err != nil {
		t.Fatalf("decodeValue: %v", err)
	}
	want := tftypes.NewValue(typ, map[string]tftypes.Value{
		"name":        tftypes.NewValue(tftypes.String, "dev-api"),
		"added_later": tftypes.NewValue(tftypes.String, nil),
	})
	if !got.Equal(want) {
		t.Errorf("decodeValue = %s, want %s", got, want)
	}
}
