package planfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// Protocol buffer wire types (https://protobuf.dev/programming-guides/encoding/).
const (
	wireVarint  = 0
	wireFixed64 = 1
	wireBytes   = 2
	wireGroupSt = 3
	wireGroupEn = 4
	wireFixed32 = 5
)

// errTruncated is returned when a message ends inside a field.
var errTruncated = errors.New("truncated protocol buffer")

// wireReader reads protocol buffer fields one by one from a stream, so a message of
// hundreds of megabytes (a large plan's resource changes) is skipped, never held.
type wireReader struct {
	r *bufio.Reader
}

// next reads the next field's number and wire type; io.EOF at a clean end.
func (w *wireReader) next() (num uint64, typ int, err error) {
	tag, err := readUvarint(w.r)
	if err != nil {
		return 0, 0, err
	}
	return tag >> 3, int(tag & 7), nil
}

// bytes reads a length-delimited field's content, refusing more than max bytes.
func (w *wireReader) bytes(max int) ([]byte, error) {
	n, err := readUvarint(w.r)
	if err != nil {
		return nil, noEOF(err)
	}
	if n > uint64(max) {
		return nil, fmt.Errorf("field of %d bytes is larger than the %d bytes allowed", n, max)
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(w.r, b); err != nil {
		return nil, noEOF(err)
	}
	return b, nil
}

// skip discards the content of a field of wire type typ.
func (w *wireReader) skip(typ int) error {
	var n uint64
	switch typ {
	case wireVarint:
		_, err := readUvarint(w.r)
		return noEOF(err)
	case wireFixed64:
		n = 8
	case wireFixed32:
		n = 4
	case wireBytes:
		var err error
		if n, err = readUvarint(w.r); err != nil {
			return noEOF(err)
		}
	default:
		return fmt.Errorf("unsupported protocol buffer wire type %d", typ)
	}
	got, err := io.CopyN(io.Discard, w.r, int64(n))
	if err != nil || uint64(got) != n {
		return errTruncated
	}
	return nil
}

func noEOF(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errTruncated
	}
	return err
}

// readUvarint reads a base-128 varint of at most 10 bytes.
func readUvarint(r io.ByteReader) (uint64, error) {
	var x uint64
	for i := 0; i < 10; i++ {
		b, err := r.ReadByte()
		if err != nil {
			if i > 0 && errors.Is(err, io.EOF) {
				return 0, errTruncated
			}
			return 0, err
		}
		x |= uint64(b&0x7f) << (7 * i)
		if b < 0x80 {
			return x, nil
		}
	}
	return 0, errors.New("protocol buffer varint longer than 10 bytes")
}

// message is a small, fully read protocol buffer message: its fields by number, for
// messages hiyari keeps (the Backend), never for the plan as a whole.
type message map[uint64][]field

type field struct {
	typ   int
	value uint64
	data  []byte
}

// parseMessage reads every field of a small message held in memory.
func parseMessage(b []byte) (message, error) {
	m := message{}
	for i := 0; i < len(b); {
		tag, n := uvarint(b[i:])
		if n <= 0 {
			return nil, errTruncated
		}
		i += n
		num, typ := tag>>3, int(tag&7)
		f := field{typ: typ}
		switch typ {
		case wireVarint:
			v, n := uvarint(b[i:])
			if n <= 0 {
				return nil, errTruncated
			}
			f.value = v
			i += n
		case wireFixed64, wireFixed32:
			size := 8
			if typ == wireFixed32 {
				size = 4
			}
			if len(b)-i < size {
				return nil, errTruncated
			}
			f.data = b[i : i+size]
			i += size
		case wireBytes:
			l, n := uvarint(b[i:])
			if n <= 0 || l > uint64(len(b)-i-n) {
				return nil, errTruncated
			}
			i += n
			f.data = b[i : i+int(l)]
			i += int(l)
		default:
			return nil, fmt.Errorf("unsupported protocol buffer wire type %d", typ)
		}
		m[num] = append(m[num], f)
	}
	return m, nil
}

// str returns the last value of a string field (proto3: the last one wins).
func (m message) str(num uint64) string {
	fs := m[num]
	if len(fs) == 0 || fs[len(fs)-1].typ != wireBytes {
		return ""
	}
	return string(fs[len(fs)-1].data)
}

// sub returns the content of the last embedded-message field num.
func (m message) sub(num uint64) ([]byte, bool) {
	fs := m[num]
	if len(fs) == 0 || fs[len(fs)-1].typ != wireBytes {
		return nil, false
	}
	return fs[len(fs)-1].data, true
}

// uvarint decodes a varint from b; n ≤ 0 when b ends first or it is too long.
func uvarint(b []byte) (uint64, int) {
	var x uint64
	for i := 0; i < len(b) && i < 10; i++ {
		x |= uint64(b[i]&0x7f) << (7 * i)
		if b[i] < 0x80 {
			return x, i + 1
		}
	}
	return 0, 0
}
