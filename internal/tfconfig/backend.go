package tfconfig

import (
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// Redacted is the text that replaces a backend secret.
const Redacted = "(redacted)"

// NotLiteral prefixes the text of a value that is an expression, not a literal.
const NotLiteral = "not a literal: "

// Value is one backend setting as written.
type Value struct {
	// Text is the literal value (strings unquoted, lists as [a, b]); for an expression,
	// NotLiteral followed by its source; for a secret, Redacted.
	Text string `json:"value"`
	// Literal is false when the setting is an expression hiyari does not evaluate.
	Literal bool `json:"literal"`
	// Secret is set when the setting holds a credential; Text is then Redacted.
	Secret bool `json:"secret,omitzero"`
	// From is the file that set it: the configuration file or a -backend-config file.
	From string `json:"from"`
}

// Backend is a root module's backend (or cloud) configuration: the block merged with
// the -backend-config files given for the directory.
type Backend struct {
	// Type is the backend type (s3, gcs, azurerm, http, local, remote, …) or "cloud".
	Type string `json:"type"`
	// Location is the backend or cloud block.
	Location Location `json:"location"`
	// Settings are the arguments by name; nested objects and blocks are flattened to
	// dotted names (endpoints.s3, workspaces.name).
	Settings map[string]Value `json:"settings"`
	// ConfigFiles are the -backend-config files merged in, in order.
	ConfigFiles []string `json:"config_files,omitempty"`
}

// secretSettings are backend arguments that hold credentials. They are parsed (so a
// setting's presence is known) and never kept.
var secretSettings = map[string]bool{
	"secret_key": true, "access_key": true, "token": true, "session_token": true,
	"sse_customer_key": true, "client_secret": true, "password": true,
	"client_certificate_password": true, "sas_token": true, "credentials": true,
	"encryption_key": true, "access_token": true, "conn_str": true,
	"client_certificate": true, "client_private_key": true, "client_private_key_pem": true,
	"oidc_token": true, "oidc_request_token": true, "lock_password": true,
	"unlock_password": true, "secret_id": true,
	"web_identity_token": true,
}

// IsSecretSetting reports whether a (possibly dotted) setting name holds a credential.
func IsSecretSetting(name string) bool {
	for _, part := range strings.Split(name, ".") {
		if secretSettings[part] {
			return true
		}
	}
	return false
}

// Get returns a setting's text, "" when unset.
func (b *Backend) Get(name string) string { return b.Settings[name].Text }

// Names returns the setting names, sorted.
func (b *Backend) Names() []string {
	out := make([]string, 0, len(b.Settings))
	for n := range b.Settings {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func (b *Backend) set(name string, v Value) {
	if IsSecretSetting(name) {
		v = Value{Text: Redacted, Literal: v.Literal, Secret: true, From: v.From}
	}
	b.Settings[name] = v
}

// readBody records the arguments of a backend or cloud block; nested blocks
// (workspaces, assume_role) become dotted names.
func (b *Backend) readBody(body hcl.Body, src []byte, file string) {
	if sb, ok := body.(*hclsyntax.Body); ok {
		b.readSyntaxBody(sb, "", src, file)
		return
	}
	attrs, _ := body.JustAttributes()
	for n, a := range attrs {
		b.readAttr(n, a.Expr, src, file)
	}
}

func (b *Backend) readSyntaxBody(sb *hclsyntax.Body, prefix string, src []byte, file string) {
	for n, a := range sb.Attributes {
		b.readAttr(prefix+n, a.Expr, src, file)
	}
	for _, nb := range sb.Blocks {
		b.readSyntaxBody(nb.Body, prefix+nb.Type+".", src, file)
	}
}

func (b *Backend) readAttr(name string, e hcl.Expression, src []byte, file string) {
	v, diags := e.Value(nil)
	if diags.HasErrors() || !v.IsWhollyKnown() {
		if IsSecretSetting(name) {
			b.set(name, Value{From: file})
			return
		}
		// An object with an expression in it is read member by member, as a literal
		// one is, so that its credential members are redacted by name.
		if pairs, ok := literalKeys(e); ok {
			for _, p := range pairs {
				b.readAttr(name+"."+p.key, p.value, src, file)
			}
			return
		}
		r := e.Range()
		text := strings.TrimSpace(string(r.SliceBytes(src)))
		if w := secretWord(text); w != "" {
			text = "(source not shown: it names " + w + ", a credential setting)"
		}
		b.set(name, Value{Text: NotLiteral + text, From: file})
		return
	}
	b.setValue(name, v, file)
}

type member struct {
	key   string
	value hcl.Expression
}

// literalKeys returns the members of an object constructor (native syntax or JSON)
// whose keys are all literal names; ok is false for anything else.
func literalKeys(e hcl.Expression) (members []member, ok bool) {
	pairs, diags := hcl.ExprMap(e)
	if diags.HasErrors() {
		return nil, false
	}
	for _, p := range pairs {
		k, diags := p.Key.Value(nil)
		if diags.HasErrors() || !k.IsWhollyKnown() || k.IsNull() || k.Type() != cty.String {
			return nil, false
		}
		members = append(members, member{key: k.AsString(), value: p.Value})
	}
	return members, true
}

// secretWord returns the first credential setting name that appears as a word in an
// expression's source ("" when none does): such an expression may hold a credential
// (a list of objects, a function's argument), so its source is not shown.
func secretWord(src string) string {
	words := strings.FieldsFunc(src, func(r rune) bool {
		return !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	})
	for _, w := range words {
		if secretSettings[w] {
			return w
		}
	}
	return ""
}

// setValue flattens objects and maps into dotted names.
func (b *Backend) setValue(name string, v cty.Value, file string) {
	t := v.Type()
	if !v.IsNull() && (t.IsObjectType() || t.IsMapType()) {
		for it := v.ElementIterator(); it.Next(); {
			k, ev := it.Element()
			b.setValue(name+"."+k.AsString(), ev, file)
		}
		return
	}
	b.set(name, Value{Text: ctyText(v), Literal: true, From: file})
}

func ctyText(v cty.Value) string {
	if v.IsNull() {
		return "null"
	}
	t := v.Type()
	switch {
	case t == cty.String:
		return v.AsString()
	case t == cty.Bool:
		return strconv.FormatBool(v.True())
	case t == cty.Number:
		return v.AsBigFloat().Text('f', -1)
	case t.IsListType() || t.IsTupleType() || t.IsSetType():
		var parts []string
		for it := v.ElementIterator(); it.Next(); {
			_, ev := it.Element()
			parts = append(parts, ctyText(ev))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case t.IsObjectType() || t.IsMapType():
		var parts []string
		for it := v.ElementIterator(); it.Next(); {
			k, ev := it.Element()
			text := Redacted
			if !IsSecretSetting(k.AsString()) {
				text = ctyText(ev)
			}
			parts = append(parts, k.AsString()+"="+text)
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return t.FriendlyName()
}

// MergeConfigFile applies a -backend-config file (key = value lines in HCL syntax),
// as terraform init -backend-config=FILE does: its settings override the block's.
func (b *Backend) MergeConfigFile(t Tree, name string) error {
	src, err := t.ReadFile(name)
	if err != nil {
		return fmt.Errorf("read -backend-config file %s (%s): %w", name, t.Name(), err)
	}
	if err := checkSource(src, name); err != nil {
		return fmt.Errorf("parse -backend-config file %s (%s): %w", name, t.Name(), err)
	}
	f, diags := hclparse.NewParser().ParseHCL(src, name)
	if diags.HasErrors() {
		return fmt.Errorf("parse -backend-config file %s (%s): %s", name, t.Name(), firstError(diags))
	}
	b.readBody(f.Body, src, name)
	b.ConfigFiles = append(b.ConfigFiles, name)
	return nil
}

// identityFields are, per backend type, the settings that say which state object this
// is. A change to any of them points the directory at another state.
var identityFields = map[string][]string{
	"s3":         {"bucket", "key"},
	"gcs":        {"bucket", "prefix"},
	"azurerm":    {"storage_account_name", "container_name", "key"},
	"http":       {"address"},
	"local":      {"path"},
	"remote":     {"hostname", "organization", "workspaces.name", "workspaces.prefix"},
	"cloud":      {"hostname", "organization", "workspaces.name", "workspaces.tags", "workspaces.project"},
	"consul":     {"address", "path"},
	"cos":        {"bucket", "prefix", "key"},
	"oss":        {"bucket", "prefix", "key"},
	"pg":         {"schema_name"},
	"kubernetes": {"secret_suffix", "namespace"},
}

// IdentityFields returns the settings that identify the state object for a backend type.
func IdentityFields(typ string) []string { return identityFields[typ] }

// workspaceFields are settings that change where non-default workspaces' states live.
var workspaceFields = map[string]bool{"workspace_key_prefix": true, "region": true, "endpoints.s3": true, "endpoint": true, "workspaces.prefix": true}

// SettingWeight says how much a setting's change matters: 2 for identity (another state
// object), 1 for where workspaces live or which endpoint/region is used, 0 otherwise.
func SettingWeight(typ, name string) int {
	for _, f := range identityFields[typ] {
		if f == name {
			return 2
		}
	}
	if workspaceFields[name] {
		return 1
	}
	return 0
}

// StateID names the state object the default workspace (or ws) of this backend reads:
// type, container and key, e.g. "s3://acme-tfstate/envs/dev/terraform.tfstate". dir is
// the module directory, for local paths. ok is false when an identity field is not a
// literal or is missing.
func (b *Backend) StateID(dir, ws string) (id string, ok bool) {
	for _, f := range identityFields[b.Type] {
		if v, set := b.Settings[f]; set && !v.Literal {
			return "", false
		}
	}
	def := ws == "" || ws == "default"
	switch b.Type {
	case "s3":
		bucket, key := b.Get("bucket"), b.Get("key")
		if bucket == "" || key == "" {
			return "", false
		}
		if !def {
			prefix := "env:"
			if v, set := b.Settings["workspace_key_prefix"]; set {
				prefix = v.Text
			}
			key = prefix + "/" + ws + "/" + key
		}
		return "s3://" + bucket + "/" + key, true
	case "gcs":
		if b.Get("bucket") == "" {
			return "", false
		}
		name := "default"
		if !def {
			name = ws
		}
		return "gcs://" + b.Get("bucket") + "/" + path.Join(b.Get("prefix"), name+".tfstate"), true
	case "azurerm":
		key := b.Get("key")
		if key == "" {
			key = "terraform.tfstate"
		}
		if !def {
			key += "env:" + ws
		}
		return "azurerm://" + b.Get("storage_account_name") + "/" + b.Get("container_name") + "/" + key, b.Get("container_name") != ""
	case "local":
		p := b.Get("path")
		if p == "" {
			p = "terraform.tfstate"
		}
		if !def {
			p = path.Join("terraform.tfstate.d", ws, path.Base(p))
		}
		if !path.IsAbs(p) {
			p = path.Join(dir, p)
		}
		return "local://" + p, true
	case "remote", "cloud":
		name := b.Get("workspaces.name")
		if name == "" {
			if b.Get("workspaces.prefix") == "" || def {
				return "", false
			}
			name = b.Get("workspaces.prefix") + ws
		}
		host := b.Get("hostname")
		if host == "" {
			host = "app.terraform.io"
		}
		return b.Type + "://" + host + "/" + b.Get("organization") + "/" + name, true
	}
	var parts []string
	for _, f := range identityFields[b.Type] {
		parts = append(parts, b.Get(f))
	}
	if len(parts) == 0 || strings.Join(parts, "") == "" {
		return "", false
	}
	id = b.Type + "://" + strings.Join(parts, "/")
	if !def {
		id += "#" + ws
	}
	return id, true
}

// Key is the setting that names the state object within its container: key for s3 and
// azurerm, prefix for gcs, path for local and consul, workspaces.name for remote/cloud.
func (b *Backend) Key() (name, value string) {
	for _, n := range []string{"key", "prefix", "path", "workspaces.name", "address"} {
		if v, ok := b.Settings[n]; ok {
			return n, v.Text
		}
	}
	return "", ""
}
