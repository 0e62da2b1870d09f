package lint

import (
	"bytes"
	"errors"
	"io/fs"
	"path/filepath"
)

// DefaultMaxSize is the per-file size cap (SPEC §8).
const DefaultMaxSize = 64 << 20

// Loader reads the files a frontend needs while loading a unit: it resolves
// absolute paths under --root, enforces the size cap, honours --no-follow,
// caches every file it has read, and collects load-time findings.
type Loader struct {
	fs       RootedFS
	noFollow bool
	maxSize  int64
	files    map[string]*File
	findings []Finding
}

// NewLoader returns a loader reading through fsys with paths found in
// configs resolved under root.
func NewLoader(fsys FileSystem, root string, noFollow bool, maxSize int64) *Loader {
	if fsys == nil {
		fsys = OSFileSystem{}
	}
	if maxSize <= 0 {
		maxSize = DefaultMaxSize
	}
	return &Loader{fs: RootedFS{FS: fsys, Root: root}, noFollow: noFollow, maxSize: maxSize, files: map[string]*File{}}
}

// Root returns the --root directory ("" when absolute paths are read as
// they are).
func (l *Loader) Root() string { return l.fs.Root }

// Follow reports whether referenced files should be read (false with --no-follow).
func (l *Loader) Follow() bool { return !l.noFollow }

// Resolve maps a path written inside a config to the path to read.
func (l *Loader) Resolve(p string) string { return l.fs.Resolve(p) }

// FS returns the file system with --root applied to user and group lookups.
func (l *Loader) FS() FileSystem { return rootedView{l.fs} }

// Stat returns the facts of a path written inside a config.
func (l *Loader) Stat(p string) (*FileInfo, error) { return l.fs.FS.Stat(l.Resolve(p)) }

// Open reads a file referenced from a config (an absolute path is resolved
// under --root). The same file is returned for repeated opens.
func (l *Loader) Open(p string, kind Kind) (*File, error) {
	disk := l.Resolve(p)
	return l.open(disk, disk, kind)
}

// OpenDisk reads a file by its path on disk (no --root resolution): the
// siblings of a file already read, such as the master.cf beside a main.cf.
func (l *Loader) OpenDisk(p string, kind Kind) (*File, error) { return l.open(p, p, kind) }

func (l *Loader) open(display, disk string, kind Kind) (*File, error) {
	key := filepath.Clean(disk)
	if f, ok := l.files[key]; ok {
		return f, nil
	}
	src, err := l.fs.FS.ReadFile(disk, l.maxSize)
	if err != nil {
		return nil, err
	}
	f := NewFile(display, kind, src)
	f.DiskPath = disk
	if info, err := l.fs.FS.Stat(disk); err == nil {
		f.Info = info
	}
	l.files[key] = f
	return f, nil
}

// Adopt registers an already read file (a command-line argument or stdin)
// so later references to the same path reuse it.
func (l *Loader) Adopt(f *File) {
	if f.DiskPath != "" {
		l.files[filepath.Clean(f.DiskPath)] = f
	}
}

// Report records a load-time finding (a parse error, a binary file).
func (l *Loader) Report(f Finding) { l.findings = append(l.findings, f) }

// Binary reports whether src looks like a binary file rather than a config:
// a NUL byte in the first 8 KiB, as grep and git decide.
func Binary(src []byte) bool {
	head := src[:min(len(src), 8192)]
	return bytes.IndexByte(head, 0) >= 0
}

// IsNotExist reports whether err means the file does not exist.
func IsNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }

type rootedView struct{ r RootedFS }

func (v rootedView) ReadFile(p string, limit int64) ([]byte, error) { return v.r.FS.ReadFile(p, limit) }
func (v rootedView) Stat(p string) (*FileInfo, error)               { return v.r.FS.Stat(p) }
func (v rootedView) ReadDir(p string) ([]fs.DirEntry, error)        { return v.r.FS.ReadDir(p) }
func (v rootedView) LookupUser(n string) (int, int, bool)           { return v.r.LookupUser(n) }
func (v rootedView) LookupGroup(n string) (int, bool)               { return v.r.LookupGroup(n) }
