package testaws

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// errAlreadyExists is returned when a create would overwrite an object that is
// already there, as AWS refuses to create a second role or bucket of one name.
var errAlreadyExists = errors.New("already exists in this account (EntityAlreadyExists)")

// store keeps the fake account's objects as JSON files, one per object, under
// <dir>/<resource type>/<escaped key>.json. It is the "AWS" that survives between
// Terraform runs: refresh reads it, and an object removed from disk is gone.
type store struct {
	dir string
	mu  sync.Mutex // Terraform applies in parallel within one provider process.
}

func (s *store) path(typ, key string) string {
	return filepath.Join(s.dir, typ, url.PathEscape(key)+".json")
}

// get returns the stored object, or ok=false when there is none.
func (s *store) get(typ, key string) (data any, ok bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := os.ReadFile(s.path(typ, key))
	if errors.Is(err, os.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read object: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&data); err != nil {
		return nil, false, fmt.Errorf("read object %s: %w", s.path(typ, key), err)
	}
	return data, true, nil
}

// put writes an object; with create set it fails with errAlreadyExists when an
// object of that key is already stored.
func (s *store) put(typ, key string, data any, create bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.path(typ, key)
	if create {
		if _, err := os.Stat(p); err == nil {
			return fmt.Errorf("%s %q %w", typ, key, errAlreadyExists)
		}
	}
	b, err := json.MarshalIndent(data, "", "  ")
	if err != nil {
		return fmt.Errorf("encode object: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("write object: %w", err)
	}
	tmp := p + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write object: %w", err)
	}
	if err := os.Rename(tmp, p); err != nil {
		return fmt.Errorf("write object: %w", err)
	}
	return nil
}

// claim reserves a name that AWS keeps unique beyond the object's key, such as a
// security group's name within its VPC; it fails with errAlreadyExists when taken.
func (s *store) claim(typ, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := filepath.Join(s.dir, "_names", typ, url.PathEscape(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("claim name: %w", err)
	}
	f, err := os.OpenFile(p, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("%s %q %w", typ, name, errAlreadyExists)
	}
	if err != nil {
		return fmt.Errorf("claim name: %w", err)
	}
	return f.Close()
}

// release gives a claimed name back; releasing a free name is not an error.
func (s *store) release(typ, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	err := os.Remove(filepath.Join(s.dir, "_names", typ, url.PathEscape(name)))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("release name: %w", err)
	}
	return nil
}

// remove deletes an object; a missing object is not an error.
func (s *store) remove(typ, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	err := os.Remove(s.path(typ, key))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("delete object: %w", err)
	}
	return nil
}

// next returns the next value of a named counter kept in the store, starting at 1.
// Counters never go back, like ECS task definition revisions.
func (s *store) next(counter string) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := filepath.Join(s.dir, "_counters", url.PathEscape(counter))
	var n int64
	b, err := os.ReadFile(p)
	switch {
	case err == nil:
		n, err = strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("read counter %s: %w", p, err)
		}
	case !errors.Is(err, os.ErrNotExist):
		return 0, fmt.Errorf("read counter: %w", err)
	}
	n++
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return 0, fmt.Errorf("write counter: %w", err)
	}
	if err := os.WriteFile(p, []byte(strconv.FormatInt(n, 10)+"\n"), 0o644); err != nil {
		return 0, fmt.Errorf("write counter: %w", err)
	}
	return n, nil
}
