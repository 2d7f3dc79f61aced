package creds

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/user"
	"strconv"
	"strings"
)

// User is an entry of the password database: what the SDK falls back to when HOME is unset.
type User struct {
	// Name is the login name.
	Name string
	// UID is the numeric user id as a string.
	UID string
	// Home is the home directory.
	Home string
}

// Users looks users up in a password database.
type Users interface {
	// Lookup returns the user called name.
	Lookup(name string) (User, error)
	// Current returns the user this process runs as.
	Current() (User, error)
}

// ErrUnknownUser is returned (wrapped) when a user is not in the password database.
var ErrUnknownUser = errors.New("no such user")

// SystemUsers is the host's password database, read through os/user exactly as the SDK
// does when HOME is unset.
type SystemUsers struct{}

// Lookup implements Users.
func (SystemUsers) Lookup(name string) (User, error) {
	u, err := user.Lookup(name)
	if err != nil {
		var unknown user.UnknownUserError
		if errors.As(err, &unknown) {
			return User{}, fmt.Errorf("look up user %q: %w", name, ErrUnknownUser)
		}
		return User{}, fmt.Errorf("look up user %q: %w", name, err)
	}
	return User{Name: u.Username, UID: u.Uid, Home: u.HomeDir}, nil
}

// Current implements Users.
func (SystemUsers) Current() (User, error) {
	u, err := user.Current()
	if err != nil {
		return User{}, fmt.Errorf("look up current user: %w", err)
	}
	return User{Name: u.Username, UID: u.Uid, Home: u.HomeDir}, nil
}

// PasswdFile is a password database in /etc/passwd format, e.g. taken from another
// host's disk. UID is the user the current process is taken to be.
type PasswdFile struct {
	// Path is the file to read.
	Path string
	// UID is the numeric id Current looks up.
	UID int
}

func (p PasswdFile) entries() ([]User, error) {
	f, err := os.Open(p.Path)
	if err != nil {
		return nil, fmt.Errorf("read password database: %w", err)
	}
	defer f.Close()
	var out []User
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Split(line, ":")
		if len(fields) < 7 {
			continue
		}
		out = append(out, User{Name: fields[0], UID: fields[2], Home: fields[5]})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read password database %s: %w", p.Path, err)
	}
	return out, nil
}

// Lookup implements Users.
func (p PasswdFile) Lookup(name string) (User, error) {
	all, err := p.entries()
	if err != nil {
		return User{}, err
	}
	for _, u := range all {
		if u.Name == name {
			return u, nil
		}
	}
	return User{}, fmt.Errorf("look up user %q in %s: %w", name, p.Path, ErrUnknownUser)
}

// Current implements Users.
func (p PasswdFile) Current() (User, error) {
	all, err := p.entries()
	if err != nil {
		return User{}, err
	}
	id := strconv.Itoa(p.UID)
	for _, u := range all {
		if u.UID == id {
			return u, nil
		}
	}
	return User{}, fmt.Errorf("look up uid %s in %s: %w", id, p.Path, ErrUnknownUser)
}
