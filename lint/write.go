package lint

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"syscall"
)

// Reasons WriteFixes refuses to write a file.
var (
	// ErrParseErrors: the file has a syntax error (a *000 finding); edits
	// computed from a partial parse could do damage.
	ErrParseErrors = errors.New("has syntax errors; fix those first")
	// ErrChanged: the file on disk is no longer what was linted.
	ErrChanged = errors.New("changed since it was read; lint it again")
	// ErrNotOnDisk: the file was read from standard input or memory.
	ErrNotOnDisk = errors.New("was not read from a file")
)

// TempFile is the temporary file an AtomicWriter writes; *os.File
// implements it. Tests inject failures through AtomicWriter.CreateTemp.
type TempFile interface {
	io.Writer
	Name() string
	Sync() error
	Chmod(mode fs.FileMode) error
	Chown(uid, gid int) error
	Close() error
}

// AtomicWriter replaces files so that a reader (or the MTA) sees either the
// old or the new contents, never a mix, and so that a crash or a full disk
// leaves the original in place: the new contents go to a temporary file in
// the same directory (same file system, so rename is atomic; created 0600,
// so secrets in it are never readable by others), which is synced, given
// the original's owner and mode, and renamed over the original; then the
// directory is synced so the rename is durable.
//
// The zero value writes to the target file system.
type AtomicWriter struct {
	// CreateTemp creates the temporary file; default os.CreateTemp.
	CreateTemp func(dir, pattern string) (TempFile, error)
}

// Replace writes data to path atomically, keeping the mode and owner of
// the file there. A symbolic link is followed and its target replaced, so
// the link stays a link. Before writing, the file must still hold want
// and, when info is not nil, still have its modification time: otherwise
// Replace returns ErrChanged and writes nothing.
func (w AtomicWriter) Replace(path string, want []byte, info *FileInfo, data []byte) (err error) {
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return err
	}
	st, err := os.Stat(target)
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("%s: not a regular file", path)
	}
	cur, err := os.ReadFile(target)
	if err != nil {
		return err
	}
	if !bytes.Equal(cur, want) || (info != nil && !info.ModTime.IsZero() && !st.ModTime().Equal(info.ModTime)) {
		return ErrChanged
	}
	create := w.CreateTemp
	if create == nil {
		create = func(dir, pattern string) (TempFile, error) { return os.CreateTemp(dir, pattern) }
	}
	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	tmp, err := create(dir, "."+base+".smarthost-lint-*")
	if err != nil {
		return err
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if sys, ok := st.Sys().(*syscall.Stat_t); ok {
		if err := tmp.Chown(int(sys.Uid), int(sys.Gid)); err != nil {
			// Not root: only a file we own can be replaced with the same
			// owner; for any other the owner would change, so refuse.
			if int(sys.Uid) != os.Geteuid() {
				return fmt.Errorf("cannot keep the owner %d:%d: %w", sys.Uid, sys.Gid, err)
			}
		}
	}
	if err := tmp.Chmod(st.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), target); err != nil {
		return err
	}
	done = true
	if d, err := os.Open(dir); err == nil {
		// Durability of the rename; a failure here does not undo it.
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// FixOptions configure WriteFixes.
type FixOptions struct {
	// Unsafe applies fixes that are not marked Safe too.
	Unsafe bool
	// Writer replaces the files; the zero value writes the target files.
	Writer AtomicWriter
}

// FileFix is the outcome of fixing one file.
type FileFix struct {
	Plan *FixPlan
	// Err is why the file was not written (ErrParseErrors, ErrChanged,
	// ErrNotOnDisk, or an I/O error); nil when it was, or when no fix was
	// applicable.
	Err error
	// Written is true when the file was replaced.
	Written bool
}

// WriteFixes applies the fixes of res to the files on disk: only safe
// ones unless opts.Unsafe, never in a file with a syntax error, never in
// a file that changed since it was linted. Each file is replaced
// atomically (see AtomicWriter). It returns one FileFix per file that had
// fixes, sorted by path. Run the linter again afterwards to see what
// remains; a second run of WriteFixes on that result changes nothing.
func WriteFixes(res *Result, opts FixOptions) []FileFix {
	var out []FileFix
	for _, p := range PlanFixes(res, opts.Unsafe) {
		ff := FileFix{Plan: p}
		switch {
		case slices.ContainsFunc(p.Skipped, func(s SkippedFix) bool { return s.Reason == SkipSyntax }):
			ff.Err = ErrParseErrors
		case len(p.Applied) == 0 || bytes.Equal(p.New, p.File.Src):
		case p.File.DiskPath == "":
			ff.Err = ErrNotOnDisk
		default:
			ff.Err = opts.Writer.Replace(p.File.DiskPath, p.File.Src, p.File.Info, p.New)
			ff.Written = ff.Err == nil
		}
		out = append(out, ff)
	}
	return out
}
