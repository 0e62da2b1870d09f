package lint

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ConfigFileName is searched from the working directory upward to the
// repository root (SPEC §5).
const ConfigFileName = ".smarthost-lint.yaml"

// Config is the content of .smarthost-lint.yaml. Flags override it.
type Config struct {
	Smarthost string            `yaml:"smarthost"`
	Port      int               `yaml:"port"`
	FailLevel string            `yaml:"fail-level"`
	Rules     map[string]string `yaml:"rules"` // ID: off|error|warning|info
	Ignore    []PathIgnore      `yaml:"ignore"`
	// Dir is the directory the file was read from; ignore globs are
	// relative to it.
	Dir string `yaml:"-"`
}

// PathIgnore silences rules (all when Rules is empty) for paths matching Path.
type PathIgnore struct {
	Path  string   `yaml:"path"`
	Rules []string `yaml:"rules"`
}

// ParseConfig decodes a configuration file; unknown keys are an error.
func ParseConfig(name string, src []byte) (*Config, error) {
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: %s", name, unknownKey.ReplaceAllString(err.Error(), `unknown key "$1"`))
	}

	if c.FailLevel != "" {
		if _, err := ParseSeverity(c.FailLevel); err != nil {
			return nil, fmt.Errorf("%s: fail-level: %w", name, err)
		}
	}
	for id, v := range c.Rules {
		if strings.ToLower(v) == "off" {
			continue
		}
		if _, err := ParseSeverity(v); err != nil || strings.ToLower(v) == "none" {
			return nil, fmt.Errorf("%s: rules: %s: %q is not off, error, warning or info", name, id, v)
		}
	}
	for i, ig := range c.Ignore {
		if ig.Path == "" {
			return nil, fmt.Errorf("%s: ignore[%d]: path is required", name, i)
		}
		if _, err := filepath.Match(ig.Path, ""); err != nil {
			return nil, fmt.Errorf("%s: ignore[%d]: bad glob %q: %w", name, i, ig.Path, err)
		}
	}
	if c.Port < 0 || c.Port > 65535 {
		return nil, fmt.Errorf("%s: port %d out of range", name, c.Port)
	}
	c.Dir = filepath.Dir(name)
	return &c, nil
}

var unknownKey = regexp.MustCompile(`field (\S+) not found in type \S+`)

// FindConfig looks for ConfigFileName in dir and its parents, stopping at the
// directory that holds .git (the repository root) or at the file-system
// root. It returns "" when there is none.
func FindConfig(dir string) string {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for {
		p := filepath.Join(dir, ConfigFileName)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p
		}
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
			return ""
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// LoadConfig reads and parses a configuration file.
func LoadConfig(path string) (*Config, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return ParseConfig(path, src)
}
