package ruletest

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Example is a set of files from a rule doc's "## Bad" or "## Good"
// section. Each fenced block's info string is the file's path under the
// machine root, optionally followed by facts: ```` ```etc/postfix/sasl_passwd mode=0644 ````.
// The word `escaped` among the facts makes `\xNN` in the block stand for
// the byte NN, so a doc can show a control character readably
// (```` ```var/qmail/control/smtproutes escaped ````).
type Example struct {
	Files []ExampleFile
}

// ExampleFile is one fenced block.
type ExampleFile struct {
	Path    string
	Content string
	Facts   string // the rest of the info string, in facts.txt syntax
}

// DocExamples extracts the Bad and Good examples of a rule doc.
func DocExamples(md string) (bad, good Example, err error) {
	var section string
	lines := strings.Split(md, "\n")
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if strings.HasPrefix(line, "## ") {
			section = strings.ToLower(strings.TrimSpace(line[3:]))
			continue
		}
		if !strings.HasPrefix(line, "```") {
			continue
		}
		info := strings.TrimSpace(strings.TrimPrefix(line, "```"))
		var body []string
		j := i + 1
		for ; j < len(lines) && !strings.HasPrefix(lines[j], "```"); j++ {
			body = append(body, lines[j])
		}
		if j == len(lines) {
			return bad, good, fmt.Errorf("line %d: unterminated code block", i+1)
		}
		i = j
		var target *Example
		switch {
		case strings.HasPrefix(section, "bad"):
			target = &bad
		case strings.HasPrefix(section, "good"):
			target = &good
		default:
			continue
		}
		path, facts, _ := strings.Cut(info, " ")
		if path == "" || !strings.Contains(path, "/") {
			return bad, good, fmt.Errorf("line %d: a %s example block needs a path under the machine root as its info string, e.g. ```etc/postfix/main.cf", i+1, section)
		}
		content := strings.Join(body, "\n")
		if len(body) > 0 {
			content += "\n"
		}
		if fs := strings.Fields(facts); slices.Contains(fs, "escaped") {
			facts = strings.Join(slices.DeleteFunc(fs, func(f string) bool { return f == "escaped" }), " ")
			content = unescapeHex(content)
		}
		target.Files = append(target.Files, ExampleFile{Path: path, Content: content, Facts: facts})
	}
	return bad, good, nil
}

// Materialise writes the example under dir and returns dir; facts go to
// facts.txt.
func (e Example) Materialise(dir string) error {
	var facts strings.Builder
	for _, f := range e.Files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(f.Content), 0o644); err != nil {
			return err
		}
		if f.Facts != "" {
			fmt.Fprintf(&facts, "%s %s\n", f.Path, f.Facts)
		}
	}
	if facts.Len() > 0 {
		return os.WriteFile(filepath.Join(dir, "facts.txt"), []byte(facts.String()), 0o644)
	}
	return nil
}

// unescapeHex replaces every \xNN (two hex digits) with the byte NN and
// leaves everything else, including a lone backslash, as it is.
func unescapeHex(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) && s[i+1] == 'x' {
			if n, err := strconv.ParseUint(s[i+2:i+4], 16, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
