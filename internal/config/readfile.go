package config

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// MaxFileSize is the largest .hiyari.yaml hiyari reads. A real one is a few
// kilobytes; the file comes from the repository, which a pull request controls.
const MaxFileSize = 1 << 20

// readFile reads a configuration file, refusing what is not a regular file (a
// symlink to /dev/zero never ends, a named pipe nobody writes to blocks for ever)
// and what is larger than MaxFileSize. Errors do not repeat the path: the caller
// names it.
func readFile(path string) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if info.IsDir() {
		return nil, errors.New("is a directory, not a configuration file")
	}
	if !info.Mode().IsRegular() {
		return nil, errors.New("is not a regular file (a device, a pipe or a socket); give a YAML file")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("is larger than %d KiB, more than a configuration file holds", MaxFileSize>>10)
	}
	return data, nil
}
