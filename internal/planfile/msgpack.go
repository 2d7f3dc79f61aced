package planfile

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// A small MessagePack reader for the one value hiyari reads from a planfile: the
// backend configuration, a map of attribute names to values as Terraform encodes
// them (cty's msgpack: strings, numbers, bools, nil, maps for objects, arrays for
// lists and sets; extension types for unknown values). Only what the caller asks for
// is turned into Go values; everything else is skipped without being kept.

// errMsgpack is wrapped by every MessagePack decoding error.
var errMsgpack = errors.New("malformed msgpack")

// maxDepth bounds nesting, so a hostile value cannot exhaust the stack.
const maxDepth = 64

type mpReader struct {
	b []byte
	i int
}

func (r *mpReader) need(n int) error {
	if n < 0 || len(r.b)-r.i < n {
		return fmt.Errorf("%w: value ends early", errMsgpack)
	}
	return nil
}

func (r *mpReader) byte() (byte, error) {
	if err := r.need(1); err != nil {
		return 0, err
	}
	c := r.b[r.i]
	r.i++
	return c, nil
}

// uint reads a big-endian unsigned integer of size bytes.
func (r *mpReader) uint(size int) (uint64, error) {
	if err := r.need(size); err != nil {
		return 0, err
	}
	p := r.b[r.i : r.i+size]
	r.i += size
	switch size {
	case 1:
		return uint64(p[0]), nil
	case 2:
		return uint64(binary.BigEndian.Uint16(p)), nil
	case 4:
		return uint64(binary.BigEndian.Uint32(p)), nil
	default:
		return binary.BigEndian.Uint64(p), nil
	}
}

// length reads an n-byte length and checks that at least min(length, bytes) remain.
func (r *mpReader) length(size int) (int, error) {
	n, err := r.uint(size)
	if err != nil {
		return 0, err
	}
	if n > uint64(len(r.b)) {
		return 0, fmt.Errorf("%w: length %d beyond the value's end", errMsgpack, n)
	}
	return int(n), nil
}

// mapLen reads a map header; ok is false (and nothing is consumed) when the next value
// is not a map.
func (r *mpReader) mapLen() (n int, ok bool, err error) {
	if err := r.need(1); err != nil {
		return 0, false, err
	}
	c := r.b[r.i]
	switch {
	case c >= 0x80 && c <= 0x8f:
		r.i++
		return int(c & 0x0f), true, nil
	case c == 0xde:
		r.i++
		n, err := r.length(2)
		return n, true, err
	case c == 0xdf:
		r.i++
		n, err := r.length(4)
		return n, true, err
	}
	return 0, false, nil
}

// str reads a string; ok is false (and the value is skipped) when it is not a string.
func (r *mpReader) str() (s string, ok bool, err error) {
	if err := r.need(1); err != nil {
		return "", false, err
	}
	c := r.b[r.i]
	var n int
	switch {
	case c >= 0xa0 && c <= 0xbf:
		r.i++
		n = int(c & 0x1f)
	case c == 0xd9, c == 0xda, c == 0xdb:
		r.i++
		size := map[byte]int{0xd9: 1, 0xda: 2, 0xdb: 4}[c]
		if n, err = r.length(size); err != nil {
			return "", false, err
		}
	default:
		return "", false, r.skip(0)
	}
	if err := r.need(n); err != nil {
		return "", false, err
	}
	s = string(r.b[r.i : r.i+n])
	r.i += n
	return s, true, nil
}

// skip steps over one value of any kind.
func (r *mpReader) skip(depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("%w: nested deeper than %d", errMsgpack, maxDepth)
	}
	c, err := r.byte()
	if err != nil {
		return err
	}
	items, bytes := 0, 0
	switch {
	case c <= 0x7f, c >= 0xe0, c == 0xc0, c == 0xc2, c == 0xc3:
		return nil
	case c >= 0x80 && c <= 0x8f:
		items = 2 * int(c&0x0f)
	case c >= 0x90 && c <= 0x9f:
		items = int(c & 0x0f)
	case c >= 0xa0 && c <= 0xbf:
		bytes = int(c & 0x1f)
	case c == 0xc4, c == 0xd9:
		bytes, err = r.length(1)
	case c == 0xc5, c == 0xda:
		bytes, err = r.length(2)
	case c == 0xc6, c == 0xdb:
		bytes, err = r.length(4)
	case c == 0xc7, c == 0xc8, c == 0xc9: // ext 8/16/32: length, type, data
		size := map[byte]int{0xc7: 1, 0xc8: 2, 0xc9: 4}[c]
		if bytes, err = r.length(size); err == nil {
			bytes++
		}
	case c == 0xca:
		bytes = 4
	case c == 0xcb:
		bytes = 8
	case c == 0xcc, c == 0xd0:
		bytes = 1
	case c == 0xcd, c == 0xd1:
		bytes = 2
	case c == 0xce, c == 0xd2:
		bytes = 4
	case c == 0xcf, c == 0xd3:
		bytes = 8
	case c >= 0xd4 && c <= 0xd8: // fixext 1/2/4/8/16: type, data
		bytes = 1 + 1<<(c-0xd4)
	case c == 0xdc:
		items, err = r.length(2)
	case c == 0xdd:
		items, err = r.length(4)
	case c == 0xde:
		items, err = r.length(2)
		items *= 2
	case c == 0xdf:
		items, err = r.length(4)
		items *= 2
	default: // 0xc1 is never used
		return fmt.Errorf("%w: byte 0x%02x at offset %d", errMsgpack, c, r.i-1)
	}
	if err != nil {
		return err
	}
	if err := r.need(bytes); err != nil {
		return err
	}
	r.i += bytes
	for k := 0; k < items; k++ {
		if err := r.skip(depth + 1); err != nil {
			return err
		}
	}
	return nil
}

// stringFields reads a msgpack map and returns the string values of the keys in allow.
// Keys named in nested are read as maps one level down, their allowed members returned
// as "outer.inner". Every other value is skipped: it is never decoded, so nothing outside
// the allow-list (credentials among them) can leave this function.
func stringFields(b []byte, allow map[string]bool, nested map[string]bool) (map[string]string, error) {
	r := &mpReader{b: b}
	out := map[string]string{}
	if err := r.readMap(out, "", allow, nested, 0); err != nil {
		return nil, err
	}
	return out, nil
}

func (r *mpReader) readMap(out map[string]string, prefix string, allow, nested map[string]bool, depth int) error {
	n, ok, err := r.mapLen()
	if err != nil {
		return err
	}
	if !ok {
		if prefix == "" {
			return fmt.Errorf("%w: backend configuration is not a map", errMsgpack)
		}
		return r.skip(depth)
	}
	for k := 0; k < n; k++ {
		key, isStr, err := r.str()
		if err != nil {
			return err
		}
		name := prefix + key
		switch {
		case isStr && allow[name]:
			s, isStr, err := r.str()
			if err != nil {
				return err
			}
			if isStr && s != "" {
				out[name] = s
			}
		case isStr && prefix == "" && nested[key]:
			if err := r.readMap(out, key+".", allow, nil, depth+1); err != nil {
				return err
			}
		default:
			if err := r.skip(depth + 1); err != nil {
				return err
			}
		}
	}
	return nil
}
