package lint

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// FileInfo holds the file facts rules look at: permissions, owner and age.
type FileInfo struct {
	Mode    fs.FileMode
	UID     int
	GID     int
	ModTime time.Time
	Size    int64
}

// FileSystem is how the engine reads files and their metadata. Tests fake it
// to exercise permission and staleness rules without chown or sleeping.
type FileSystem interface {
	// ReadFile returns at most limit bytes of path; a larger file is an
	// error wrapping ErrTooLarge.
	ReadFile(path string, limit int64) ([]byte, error)
	// Stat follows symlinks.
	Stat(path string) (*FileInfo, error)
	// ReadDir lists a directory's entry names, sorted.
	ReadDir(path string) ([]fs.DirEntry, error)
	// Owner names: uid and gid of a user and group, for "readable by postfix".
	LookupUser(name string) (uid, gid int, ok bool)
	LookupGroup(name string) (gid int, ok bool)
}

// ErrTooLarge is returned for files above the size cap.
var ErrTooLarge = errors.New("file exceeds the size limit")

// OSFileSystem reads the real file system.
type OSFileSystem struct{}

// ReadFile implements FileSystem.
func (OSFileSystem) ReadFile(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	if limit > 0 && st.Size() > limit {
		return nil, fmt.Errorf("%d bytes: %w (%d)", st.Size(), ErrTooLarge, limit)
	}
	buf := make([]byte, 0, st.Size()+1)
	r := io.Reader(f)
	if limit > 0 {
		r = io.LimitReader(f, limit+1)
	}
	for {
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
	}
	if limit > 0 && int64(len(buf)) > limit {
		return nil, fmt.Errorf("%w (%d)", ErrTooLarge, limit)
	}
	return buf, nil
}

// Stat implements FileSystem.
func (OSFileSystem) Stat(path string) (*FileInfo, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	fi := &FileInfo{Mode: st.Mode(), ModTime: st.ModTime(), Size: st.Size(), UID: -1, GID: -1}
	if sys, ok := st.Sys().(*syscall.Stat_t); ok {
		fi.UID, fi.GID = int(sys.Uid), int(sys.Gid)
	}
	return fi, nil
}

// ReadDir implements FileSystem.
func (OSFileSystem) ReadDir(path string) ([]fs.DirEntry, error) { return os.ReadDir(path) }

// LookupUser reads /etc/passwd directly: os/user may need cgo or NSS, and a
// linter auditing a mounted image wants that image's users anyway.
func (OSFileSystem) LookupUser(name string) (int, int, bool) {
	b, _ := os.ReadFile("/etc/passwd")
	return lookupPasswd(b, name)
}

// LookupGroup reads /etc/group.
func (OSFileSystem) LookupGroup(name string) (int, bool) {
	b, _ := os.ReadFile("/etc/group")
	return lookupGroup(b, name)
}

func lookupPasswd(b []byte, name string) (int, int, bool) {
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Split(line, ":")
		if len(f) >= 4 && f[0] == name {
			var uid, gid int
			if _, err := fmt.Sscan(f[2], &uid); err != nil {
				return 0, 0, false
			}
			if _, err := fmt.Sscan(f[3], &gid); err != nil {
				return 0, 0, false
			}
			return uid, gid, true
		}
	}
	return 0, 0, false
}

func lookupGroup(b []byte, name string) (int, bool) {
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Split(line, ":")
		if len(f) >= 3 && f[0] == name {
			var gid int
			if _, err := fmt.Sscan(f[2], &gid); err != nil {
				return 0, false
			}
			return gid, true
		}
	}
	return 0, false
}

// RootedFS resolves absolute paths found inside configs under Root, for
// auditing a mounted image or a copied /etc (--root). User and group names
// come from Root/etc/passwd and Root/etc/group.
type RootedFS struct {
	FS   FileSystem
	Root string
}

// Resolve maps a path as written in a config to the path to read.
func (r RootedFS) Resolve(p string) string {
	if r.Root == "" || !filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(r.Root, p)
}

// LookupUser implements FileSystem for the rooted tree.
func (r RootedFS) LookupUser(name string) (int, int, bool) {
	if r.Root == "" {
		return r.FS.LookupUser(name)
	}
	b, _ := r.FS.ReadFile(filepath.Join(r.Root, "etc/passwd"), 1<<20)
	return lookupPasswd(b, name)
}

// LookupGroup implements FileSystem for the rooted tree.
func (r RootedFS) LookupGroup(name string) (int, bool) {
	if r.Root == "" {
		return r.FS.LookupGroup(name)
	}
	b, _ := r.FS.ReadFile(filepath.Join(r.Root, "etc/group"), 1<<20)
	return lookupGroup(b, name)
}
