package config

import (
	"fmt"
	"path"
	"regexp"
	"strings"
)

// Backend configures `hiyari backend check`: partial backend configuration and the
// repository's state key convention.
type Backend struct {
	// ConfigFiles maps root module directories (slash paths relative to the directory
	// holding .hiyari.yaml; path.Match globs such as envs/*) to the -backend-config files
	// terraform init gets there, relative to the module directory.
	ConfigFiles map[string][]string `yaml:"config_files"`
	// KeyTemplate is the state key every root module must use, with {dir} (the module
	// directory relative to the repository root), {env} (the environment word in the
	// directory path) and {name} (the directory's last element), e.g.
	// "{dir}/terraform.tfstate".
	KeyTemplate string `yaml:"key_template"`
	// KeyPattern is a regular expression every state key must match; a named group env
	// must equal the environment found in the directory path.
	KeyPattern string `yaml:"key_pattern"`
}

// KeyRegexp compiles KeyPattern; nil when unset.
func (b Backend) KeyRegexp() (*regexp.Regexp, error) {
	if b.KeyPattern == "" {
		return nil, nil
	}
	re, err := regexp.Compile(b.KeyPattern)
	if err != nil {
		return nil, fmt.Errorf("backend.key_pattern %q: %w", b.KeyPattern, err)
	}
	return re, nil
}

func (b Backend) validate(name string) error {
	if _, err := b.KeyRegexp(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if b.KeyTemplate != "" && b.KeyPattern != "" {
		return fmt.Errorf("%s: backend: set key_template or key_pattern, not both", name)
	}
	for dir, files := range b.ConfigFiles {
		if _, err := path.Match(dir, ""); err != nil {
			return fmt.Errorf("%s: backend.config_files: %q is not a valid glob: %w", name, dir, err)
		}
		if len(files) == 0 {
			return fmt.Errorf("%s: backend.config_files.%s: list at least one file", name, dir)
		}
	}
	if t := b.KeyTemplate; t != "" {
		rest := t
		for _, p := range []string{"{dir}", "{env}", "{name}"} {
			rest = strings.ReplaceAll(rest, p, "")
		}
		if strings.ContainsAny(rest, "{}") {
			return fmt.Errorf("%s: backend.key_template %q: only {dir}, {env} and {name} are known", name, t)
		}
	}
	return nil
}
