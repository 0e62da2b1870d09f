package postfix

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/smarthost-lint/smarthost-lint/lint"
)

// staleMapRule is PF018: an indexed table (hash, btree, lmdb, cdb, dbm,
// sdbm) that postmap has not built, or built before its source last
// changed. Postfix reads only the compiled file.
var staleMapRule = &lint.Rule{
	ID:       "PF018",
	MTA:      Name,
	Severity: lint.SeverityError,
	Title:    "indexed lookup table not built with postmap, or older than its source",
	Check:    checkStaleMaps,
}

// mapTypeRule is PF019: a table written without its type, with a type
// Postfix does not have, a type this installation lacks the plugin for,
// or a type that does not match the file postmap built.
var mapTypeRule = &lint.Rule{
	ID:       "PF019",
	MTA:      Name,
	Severity: lint.SeverityError,
	Title:    "lookup table type missing, unavailable, or different from the built file",
	Check:    checkMapTypes,
}

// criticalMaps are the tables the smarthost setup cannot work without: a
// missing source and compiled file is an error for them only (other
// tables of a copied configuration may simply live elsewhere).
var criticalMaps = map[string]bool{
	"smtp_sasl_password_maps": true, "transport_maps": true,
	"sender_dependent_relayhost_maps": true, "smtp_tls_policy_maps": true,
}

// staleGrace is the "except when the source file changed only seconds
// ago" of Postfix: dict_db_open() and its lmdb/cdb/dbm siblings warn
// "database X.db is older than source file X" only when the source is
// newer than the database and was modified more than 100 s ago
// (src/util/dict_db.c).
const staleGrace = 100 * time.Second

// listedMaps returns the table references in the order rules report them,
// each type:path once: references written in a table parameter come
// before those reached through proxy_read_maps/proxy_write_maps, which
// only repeat other parameters' tables.
func listedMaps(s *Setup) []*MapRef {
	var direct, proxied []*MapRef
	for _, m := range s.Maps {
		if m.Param == "proxy_read_maps" || m.Param == "proxy_write_maps" {
			proxied = append(proxied, m)
		} else {
			direct = append(direct, m)
		}
	}
	seen := map[string]bool{}
	var out []*MapRef
	for _, m := range append(direct, proxied...) {
		key := m.Type + ":" + m.Path
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, m)
	}
	return out
}

func checkStaleMaps(p *lint.Pass) {
	s := p.Unit.(*Setup)
	for _, m := range listedMaps(s) {
		if !m.Indexed() || !filepath.IsAbs(m.Path) || m.In == nil {
			continue
		}
		spec := m.Type + ":" + m.Path
		var missing []string
		var stale []Compiled
		for _, c := range m.Compiled {
			switch {
			case c.Info == nil && lint.IsNotExist(c.Err):
				missing = append(missing, c.Path)
			case c.Info != nil && m.SourceInfo != nil && staleCompiled(m.SourceInfo.ModTime, c.Info.ModTime, p.Now):
				stale = append(stale, c)
			}
		}
		switch {
		case m.SourceInfo == nil && lint.IsNotExist(m.SourceErr) && len(missing) == len(m.Compiled):
			if !criticalMaps[m.Param] || !onItsMachine(p.FS, s, m.Path) {
				continue
			}
			fd := m.In.At(m.Start, m.End)
			fd.Message = fmt.Sprintf("neither %s nor %s exists: Postfix cannot open the %s table, and mail that needs it is deferred", m.Path, strings.Join(missing, " nor "), m.Param)
			fd.Hint = "create " + m.Path + " and run: postmap " + spec
			p.Report(fd)
		case m.SourceInfo != nil && len(missing) > 0:
			if otherBuild(p.FS, s, m) != "" {
				continue // PF019 names the type postmap actually used
			}
			fd := m.In.At(m.Start, m.End)
			fd.Message = fmt.Sprintf("%s is not built: %s does not exist, so Postfix cannot open the table (open database %s: No such file or directory) and mail that needs it is deferred", spec, strings.Join(missing, " and "), missing[0])
			fd.Hint = "run: postmap " + spec
			p.Report(fd)
		case len(stale) > 0:
			c := stale[0]
			fd := m.In.At(m.Start, m.End)
			fd.Message = fmt.Sprintf("%s is older than its source %s (the source changed %s after the last postmap): Postfix still uses the old entries and logs \"database %s is older than source file %s\"",
				c.Path, m.Path, roundAge(m.SourceInfo.ModTime.Sub(c.Info.ModTime)), c.Path, m.Path)
			fd.Hint = "run: postmap " + spec
			p.Report(fd)
		}
	}
}

// staleCompiled reports whether a compiled table is out of date: older
// than its source, and either the source changed more than staleGrace
// ago (Postfix's own warning condition) or more than staleGrace after the
// table was built (no postmap is about to follow an edit made that long
// after the last build). Times compare in whole seconds, as st_mtime does.
func staleCompiled(src, compiled, now time.Time) bool {
	s, c := src.Unix(), compiled.Unix()
	if s <= c {
		return false
	}
	grace := int64(staleGrace / time.Second)
	return s < now.Unix()-grace || s-c > grace
}

func roundAge(d time.Duration) string {
	switch {
	case d >= time.Hour:
		return d.Round(time.Minute).String()
	case d >= time.Minute:
		return d.Round(time.Second).String()
	}
	return d.String()
}

// builtinMapTypes are the table types of Debian bookworm's postfix package
// (`postconf -m` without plugins); dynamicMapTypes need the postfix-<type>
// package (dynamicmaps.cf); otherMapTypes exist in other Postfix builds or
// releases. Anything else is no table type at all.
var (
	builtinMapTypes = []string{"btree", "cidr", "environ", "fail", "hash", "inline", "internal", "memcache", "nis",
		"pipemap", "proxy", "randmap", "regexp", "socketmap", "static", "tcp", "texthash", "unionmap", "unix"}
	dynamicMapTypes = []string{"cdb", "ldap", "lmdb", "mysql", "pcre", "pgsql", "sqlite"}
	otherMapTypes   = []string{"dbm", "sdbm", "nisplus", "netinfo", "mongodb", "debug"}
)

func knownMapType(t string) bool {
	return slices.Contains(builtinMapTypes, t) || slices.Contains(dynamicMapTypes, t) || slices.Contains(otherMapTypes, t)
}

// nonTableParams take table references only through $names of other
// parameters, next to plain words: their items need no type.
var nonTableParams = map[string]bool{"proxy_read_maps": true, "proxy_write_maps": true}

func checkMapTypes(p *lint.Pass) {
	s := p.Unit.(*Setup)
	root, rootKnown := setupRoot(s)
	for _, m := range s.Maps {
		if m.In == nil || nonTableParams[m.Param] {
			continue
		}
		switch {
		case m.Type == "" && m.Path != "":
			if !mayShow(m) {
				fd := m.In.At(m.Start, m.End)
				fd.Message = "the value of " + m.Param + " is not a type:table reference: Postfix wants type:name here, and the program that opens the table stops with fatal: open dictionary: expecting \"type:name\" form"
				fd.Hint = "write " + m.Param + " = hash:/etc/postfix/sasl_passwd and keep the credentials in that table"
				p.Report(fd)
				continue
			}
			reportUntyped(p, s, m, root)
		case !knownMapType(m.Type) && m.Type != "" && !mayShow(m):
			// "user:password" written where a table belongs: say so
			// without repeating it.
			fd := m.In.At(m.Start, m.End)
			fd.Message = "the value of " + m.Param + " is not a type:table reference; it looks like credentials written into main.cf, which Postfix cannot use here (lookups fail with \"unsupported dictionary type\")"
			fd.Hint = "put the credentials into /etc/postfix/sasl_passwd (mode 0600), run postmap, and write " + m.Param + " = hash:/etc/postfix/sasl_passwd"
			p.Report(fd)
		case !knownMapType(m.Type) && m.Type != "":
			fd := m.In.At(m.Start, m.End)
			fd.Message = fmt.Sprintf("%q is not a Postfix table type: lookups fail with \"unsupported dictionary type: %s\" and mail that needs %s is deferred", m.Type, m.Type, m.Param)
			if sugg := nearestMapType(m.Type); sugg != "" {
				fd.Hint = "write " + sugg + ":" + m.Path
				if exact(m) {
					fd.Fix = &lint.Fix{Description: "use table type " + sugg, Edits: []lint.TextEdit{typeEdit(m, sugg)}}
				}
			} else {
				fd.Hint = "use a table type from `postconf -m`, e.g. hash:" + m.Path
			}
			p.Report(fd)
		case slices.Contains(dynamicMapTypes, m.Type) && rootKnown:
			reportMissingPlugin(p, m, root)
		}
		if m.Indexed() && filepath.IsAbs(m.Path) && m.SourceInfo != nil && len(m.Compiled) > 0 && m.Compiled[0].Info == nil {
			if other := otherBuild(p.FS, s, m); other != "" {
				fd := m.In.At(m.Start, m.End)
				fd.Message = fmt.Sprintf("%s:%s expects %s, which does not exist, but %s does: the table was built as %s (postmap without a type uses default_database_type), so Postfix cannot open it as %s",
					m.Type, m.Path, m.Compiled[0].Path, m.Path+indexedSuffixes[other][0], other, m.Type)
				fd.Hint = fmt.Sprintf("write %s:%s, or rebuild with: postmap %s:%s", other, m.Path, m.Type, m.Path)
				if exact(m) {
					fd.Fix = &lint.Fix{Description: "use table type " + other, Edits: []lint.TextEdit{typeEdit(m, other)}}
				}
				p.Report(fd)
			}
		}
	}
}

func reportUntyped(p *lint.Pass, s *Setup, m *MapRef, root string) {
	typ := s.Get("default_database_type").Expanded
	if typ == "" {
		typ = "hash"
	}
	built := false
	if filepath.IsAbs(m.Path) {
		for _, t := range []string{typ, "hash", "lmdb", "cdb"} {
			if sfx := indexedSuffixes[t]; sfx != nil {
				if _, err := statUnder(p.FS, root, m.Path+sfx[0]); err == nil {
					typ, built = t, true
					break
				}
			}
		}
	}
	fd := m.In.At(m.Start, m.End)
	fd.Message = fmt.Sprintf("the table %s in %s has no type: Postfix wants type:name here, and the program that opens the table stops with fatal: open dictionary: expecting \"type:name\" form instead of %q (postconf accepts it silently)",
		m.Spec, m.Param, m.Spec)
	fd.Hint = "write " + typ + ":" + m.Spec + " (postmap without a type uses default_database_type, " + typ + ")"
	if exact(m) {
		fd.Fix = &lint.Fix{Description: "add the table type " + typ, Safe: built, Edits: []lint.TextEdit{{Start: m.Start, End: m.Start, NewText: typ + ":"}}}
	}
	p.Report(fd)
}

// reportMissingPlugin flags a plugin table type on a Debian-style
// installation (root holds /usr/lib/postfix/libpostfix-global.so) that
// lacks /usr/lib/postfix/postfix-<type>.so. Without evidence of the
// installation (a configuration copied elsewhere, a repository) nothing
// is said: the package cannot be known from the configuration.
func reportMissingPlugin(p *lint.Pass, m *MapRef, root string) {
	const shlib = "/usr/lib/postfix"
	if _, err := statUnder(p.FS, root, shlib+"/libpostfix-global.so"); err != nil {
		return
	}
	if _, err := statUnder(p.FS, root, shlib+"/postfix-"+m.Type+".so"); err == nil || !lint.IsNotExist(err) {
		return
	}
	fd := m.In.At(m.Start, m.End)
	fd.Severity = lint.SeverityWarning
	fd.Message = fmt.Sprintf("table type %s needs package postfix-%s, and %s/postfix-%s.so is not installed: lookups fail with \"unsupported dictionary type: %s\" and mail that needs %s is deferred",
		m.Type, m.Type, shlib, m.Type, m.Type, m.Param)
	fd.Hint = "apt install postfix-" + m.Type + ", or use a built-in type such as hash:"
	p.Report(fd)
}

// otherBuild returns the indexed type whose compiled file exists for m's
// source when m's own compiled file is missing ("hash:" in main.cf, only
// sasl_passwd.lmdb on disk), or "".
func otherBuild(fsys lint.FileSystem, s *Setup, m *MapRef) string {
	if len(m.Compiled) == 0 || m.Compiled[0].Info != nil {
		return ""
	}
	root, ok := setupRoot(s)
	if !ok {
		return ""
	}
	own := indexedSuffixes[m.Type][0]
	for _, t := range []string{"hash", "lmdb", "cdb", "dbm"} {
		sfx := indexedSuffixes[t][0]
		if sfx == own {
			continue
		}
		if _, err := statUnder(fsys, root, m.Path+sfx); err == nil {
			return t
		}
	}
	return ""
}

// onItsMachine reports whether the table's directory exists where the
// configuration says: a main.cf linted away from its machine (a copy in a
// repository, on a workstation without /etc/postfix) names tables that
// live elsewhere, and their absence says nothing.
func onItsMachine(fsys lint.FileSystem, s *Setup, path string) bool {
	root, ok := setupRoot(s)
	if !ok {
		return false
	}
	info, err := statUnder(fsys, root, filepath.Dir(path))
	return err == nil && info.Mode.IsDir()
}

// mayShow reports whether a reference can be repeated in a message: in a
// password parameter anything but a table path may be a secret written
// in the wrong place.
func mayShow(m *MapRef) bool {
	return !passwordParams[m.Param] || filepath.IsAbs(m.Path)
}

// exact reports whether the reference's bytes in its file are the spec
// itself (not the result of a $name expansion), so a fix can edit it.
func exact(m *MapRef) bool {
	return m.End-m.Start == len(m.Spec) && m.End <= len(m.In.Src) && string(m.In.Src[m.Start:m.End]) == m.Spec
}

// typeEdit replaces the table type of an exact reference.
func typeEdit(m *MapRef, typ string) lint.TextEdit {
	start := m.Start
	if m.Proxy {
		start += len("proxy:")
	}
	return lint.TextEdit{Start: start, End: start + len(m.Type), NewText: typ}
}

func nearestMapType(t string) string {
	best, bestD := "", 3
	for _, list := range [][]string{builtinMapTypes, dynamicMapTypes, otherMapTypes} {
		for _, c := range list {
			if d := editDistance(strings.ToLower(t), c, bestD); d < bestD {
				best, bestD = c, d
			}
		}
	}
	if bestD > 2 || (bestD == 2 && len(t) < 5) {
		return ""
	}
	return best
}

// setupRoot returns the directory under which the unit's absolute paths
// resolve, so that files the model did not stat can be checked: --root
// when given; otherwise the machine's own root when the configuration
// evidently lives there (a table source was read at its path, or main.cf
// is <root>/etc/postfix/main.cf). ok is false for a main.cf linted away
// from its machine (a copy in a repository): its absolute paths name
// files elsewhere, and their absence says nothing.
func setupRoot(s *Setup) (root string, ok bool) {
	if s.Root != "" {
		return s.Root, true
	}
	for _, m := range s.Maps {
		if m.Source == nil || m.Source.DiskPath == "" {
			continue
		}
		suffix := filepath.FromSlash(m.Path)
		if strings.HasSuffix(m.Source.DiskPath, suffix) {
			return strings.TrimSuffix(m.Source.DiskPath, suffix), true
		}
	}
	if s.MainFile != nil && s.MainFile.DiskPath != "" {
		d := filepath.Clean(s.MainFile.DiskPath)
		if suffix := filepath.FromSlash("/etc/postfix/main.cf"); strings.HasSuffix(d, suffix) {
			return strings.TrimSuffix(d, suffix), true
		}
	}
	return "", false
}

// statUnder stats an absolute path of the configured machine under root.
func statUnder(fsys lint.FileSystem, root, path string) (*lint.FileInfo, error) {
	return fsys.Stat(filepath.Join(root, path))
}
