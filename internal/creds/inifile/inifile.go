// Package inifile reads the AWS shared config and credentials files the way the AWS SDK
// for Go v2 does, but keeps what the SDK throws away: the line of every key and every
// line the SDK silently ignores, so hiyari can say where a value came from and why a
// file that "looks right" yields no credentials.
package inifile

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// File is one parsed shared config or credentials file.
type File struct {
	// Path is the file's path as given to Parse.
	Path string
	// Sections are the file's sections in order of first appearance. A section that
	// appears twice is one Section: later keys override earlier ones, as in the SDK.
	Sections []*Section
	// Issues are lines the SDK ignores without a word.
	Issues []Issue

	// index finds sections by name; it covers Sections[:len(index)] when built.
	index map[string]*Section
}

// Section is a bracketed section such as [default], [profile dev] or [sso-session x].
type Section struct {
	// Name is the name between the brackets with inner whitespace collapsed to the
	// SDK's "type name" form, e.g. "profile dev".
	Name string
	// Line is the 1-based line of the section's first header.
	Line int
	// Keys are the section's keys, lower-cased like the SDK does, last value wins.
	Keys map[string]Key
}

// Key is one key = value line.
type Key struct {
	// Name is the lower-cased key.
	Name string
	// Value is the value with surrounding quotes and trailing comments removed.
	Value string
	// Line is the 1-based line the value was set on.
	Line int
}

// Issue is a line the SDK ignores.
type Issue struct {
	// Line is the 1-based line number.
	Line int
	// Message says what is wrong with the line, without echoing its content (it may
	// hold a secret).
	Message string
}

// Section returns the section named name, or nil.
func (f *File) Section(name string) *Section {
	if len(f.index) != len(f.Sections) {
		// Sections may be built by hand; index what is not indexed yet (a file of
		// 200,000 profiles was quadratic with a scan per lookup).
		if f.index == nil {
			f.index = make(map[string]*Section, len(f.Sections))
		}
		for _, s := range f.Sections {
			if _, ok := f.index[s.Name]; !ok {
				f.index[s.Name] = s
			}
		}
		if len(f.index) != len(f.Sections) {
			// Duplicate names in a hand-built list: the first one wins, as before.
			for _, s := range f.Sections {
				if s.Name == name {
					return s
				}
			}
			return nil
		}
	}
	return f.index[name]
}

// Value returns the value of key and whether it is set.
func (s *Section) Value(key string) (Key, bool) {
	k, ok := s.Keys[key]
	return k, ok
}

// Parse reads r as the SDK would, recording line numbers and ignored lines.
func Parse(r io.Reader, path string) (*File, error) {
	f := &File{Path: path, index: map[string]*Section{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	var cur *Section
	var lastKey string
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || isComment(line) {
			continue
		}
		if name, ok := asSectionHeader(line); ok {
			cur = f.Section(name)
			if cur == nil {
				cur = &Section{Name: name, Line: n, Keys: map[string]Key{}}
				f.Sections = append(f.Sections, cur)
				f.index[name] = cur
			}
			lastKey = ""
			continue
		}
		indented := line[0] == ' ' || line[0] == '\t'
		if !indented {
			k, v, ok := splitProperty(strings.TrimRight(trimPropertyComment(line), " \t"))
			if !ok {
				f.Issues = append(f.Issues, Issue{Line: n, Message: issueNotKeyValue(line)})
				continue
			}
			if cur == nil {
				f.Issues = append(f.Issues, Issue{Line: n, Message: fmt.Sprintf("key %q before any [section] is ignored", strings.ToLower(k))})
				continue
			}
			if k == "" {
				f.Issues = append(f.Issues, Issue{Line: n, Message: "line has an empty key"})
			}
			key := strings.ToLower(k)
			cur.Keys[key] = Key{Name: key, Value: unquote(v), Line: n}
			lastKey = key
			continue
		}
		// Indented lines continue the previous key (nested values such as s3 = …); the
		// SDK never takes credentials from them.
		if cur == nil || lastKey == "" {
			if k, v, ok := splitProperty(strings.TrimLeft(line, " \t")); ok && cur != nil {
				// An orphaned indented key = value is promoted to a normal key.
				key := strings.ToLower(k)
				cur.Keys[key] = Key{Name: key, Value: unquote(strings.TrimSpace(trimPropertyComment(v))), Line: n}
				lastKey = key
				continue
			}
			f.Issues = append(f.Issues, Issue{Line: n, Message: "indented line outside a key is ignored"})
			continue
		}
		if prev := cur.Keys[lastKey]; prev.Value != "" {
			if k, v, ok := splitProperty(strings.TrimLeft(line, " \t")); ok {
				key := strings.ToLower(k)
				cur.Keys[key] = Key{Name: key, Value: unquote(strings.TrimSpace(trimPropertyComment(v))), Line: n}
				lastKey = key
			}
			// A continuation of a non-empty value: appended by the SDK, irrelevant here.
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err // an *fs.PathError already names the file
	}
	return f, nil
}

func issueNotKeyValue(line string) string {
	t := strings.TrimSpace(line)
	switch {
	case strings.HasPrefix(t, "[") && !strings.HasSuffix(strings.TrimSpace(trimProfileComment(t)), "]"):
		return "section header without a closing ] is ignored: the keys under it count for the section before it"
	case strings.Contains(t, " ") && !strings.ContainsAny(t, "=:"):
		return "line has no = (want key = value); the SDK ignores it"
	default:
		return "line is neither a [section] nor key = value; the SDK ignores it"
	}
}

func isComment(line string) bool {
	t := strings.TrimLeft(line, " \t")
	return strings.HasPrefix(t, "#") || strings.HasPrefix(t, ";")
}

func asSectionHeader(line string) (string, bool) {
	t := strings.TrimSpace(trimProfileComment(line))
	if !(strings.HasPrefix(t, "[") && strings.HasSuffix(t, "]")) || len(t) < 2 {
		return "", false
	}
	inner := strings.TrimSpace(t[1 : len(t)-1])
	typ, name := splitProfile(inner)
	if typ != "" {
		return typ + " " + name, true
	}
	return name, true
}

// splitProfile mirrors the SDK: "type name" splits at the first run of blanks; a single
// word is a name; anything else yields an empty name.
func splitProfile(s string) (string, string) {
	first := 0
	for i, r := range s {
		if r == ' ' || r == '\t' {
			if first == 0 {
				first = i
			}
		} else if first != 0 {
			return s[:first], s[i:]
		}
	}
	if first == 0 {
		return "", s
	}
	return "", ""
}

func trimProfileComment(s string) string {
	r, _, _ := strings.Cut(s, "#")
	r, _, _ = strings.Cut(r, ";")
	return r
}

func trimPropertyComment(s string) string {
	for _, sep := range []string{" #", " ;", "\t#", "\t;"} {
		s, _, _ = strings.Cut(s, sep)
	}
	return s
}

func splitProperty(s string) (string, string, bool) {
	eq := strings.Index(s, "=")
	colon := strings.Index(s, ":")
	sep := "="
	if eq == -1 || colon != -1 && colon < eq {
		sep = ":"
	}
	k, v, ok := strings.Cut(s, sep)
	if !ok {
		return "", "", false
	}
	return strings.TrimSpace(k), strings.TrimSpace(v), true
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' && s[len(s)-1] == '"' || s[0] == '\'' && s[len(s)-1] == '\'') {
		return s[1 : len(s)-1]
	}
	return s
}
