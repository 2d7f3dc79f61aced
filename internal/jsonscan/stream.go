package jsonscan

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
)

// DefaultMaxValue bounds one value held in memory by Stream.Value.
const DefaultMaxValue = 128 << 20

// Stream reads one JSON document from an io.Reader. The caller walks the containers it
// cares about with Begin, More and Key, takes the values it keeps with Value (validated,
// whole, in memory) and passes over the rest with Skip (validated, streamed). Memory is
// the buffer plus the largest value taken, never the document.
type Stream struct {
	r      io.Reader
	buf    []byte
	pos    int   // next unread byte
	end    int   // end of the data read
	base   int64 // input offset of buf[0]
	eof    bool
	frames []frame
	v      Validator
	key    []byte

	// MaxValue bounds what Value holds at once (DefaultMaxValue when 0).
	MaxValue int
}

type frame struct {
	kind byte
	n    int
}

// NewStream reads r through a buffer of bufSize bytes (grown for larger values).
func NewStream(r io.Reader, bufSize int) *Stream {
	if bufSize < 4096 {
		bufSize = 4096
	}
	return &Stream{r: r, buf: make([]byte, bufSize)}
}

// Offset is the input offset of the next unread byte.
func (s *Stream) Offset() int64 { return s.base + int64(s.pos) }

// ReadError is a failure of the underlying reader.
type ReadError struct{ Err error }

func (e *ReadError) Error() string { return "read: " + e.Err.Error() }
func (e *ReadError) Unwrap() error { return e.Err }

// fill reads more input, first dropping the bytes before keep. It returns how far the
// buffer's contents moved down.
func (s *Stream) fill(keep int) (int, error) {
	if s.eof {
		return 0, nil
	}
	shift := 0
	if keep > 0 {
		copy(s.buf, s.buf[keep:s.end])
		s.end -= keep
		s.pos -= keep
		s.base += int64(keep)
		shift = keep
	}
	if s.end == len(s.buf) {
		max := s.MaxValue
		if max == 0 {
			max = DefaultMaxValue
		}
		if len(s.buf) >= max {
			return shift, &SyntaxError{Offset: s.base, Msg: fmt.Sprintf("a value larger than %d MiB", max>>20), TooLarge: true}
		}
		// Double small buffers; past 8 MiB grow by half, so a value near a limit does not
		// cost twice the limit while the old buffer is copied.
		size := 2 * len(s.buf)
		if len(s.buf) >= 8<<20 {
			size = len(s.buf) + len(s.buf)/2
		}
		grown := make([]byte, min(size, max))
		copy(grown, s.buf[:s.end])
		s.buf = grown
		if len(grown) >= 32<<20 {
			// Only hostile or freak input gets here. Hand the old buffers back to the
			// system now, or peak memory is the sum of every size the buffer had.
			debug.FreeOSMemory()
		}
	}
	// Fill the buffer, not just one read's worth: a caller waiting for a long token
	// rescans it after each fill, and pipes hand out 64 KiB at a time.
	for s.end < len(s.buf) {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if errors.Is(err, io.EOF) {
			s.eof = true
			return shift, nil
		}
		if err != nil {
			return shift, &ReadError{Err: err}
		}
	}
	return shift, nil
}

// Peek returns the next byte that is not whitespace without consuming it, or 0 at the
// end of the input.
func (s *Stream) Peek() (byte, error) {
	for {
		for s.pos < s.end {
			switch c := s.buf[s.pos]; c {
			case ' ', '\n', '\r', '\t':
				s.pos++
			default:
				return c, nil
			}
		}
		if s.eof {
			return 0, nil
		}
		if _, err := s.fill(s.pos); err != nil {
			return 0, err
		}
	}
}

func (s *Stream) truncated() error {
	return &SyntaxError{Offset: s.Offset(), Msg: "the JSON ends early", Truncated: true}
}

func (s *Stream) unexpected(c byte, want string) error {
	return &SyntaxError{Offset: s.Offset(), Msg: fmt.Sprintf("invalid character %s, want %s", quoteChar(c), want)}
}

// Begin enters the object or array (kind '{' or '[') that comes next.
func (s *Stream) Begin(kind byte) error {
	c, err := s.Peek()
	if err != nil {
		return err
	}
	if c == 0 {
		return s.truncated()
	}
	if c != kind {
		return s.unexpected(c, fmt.Sprintf("'%c'", kind))
	}
	s.pos++
	s.frames = append(s.frames, frame{kind: kind})
	return nil
}

// More reports whether the container Begin entered has another element or member,
// consuming the separator; at the end it consumes the closing bracket and returns
// false.
func (s *Stream) More() (bool, error) {
	if len(s.frames) == 0 {
		return false, errors.New("jsonscan: More outside a container")
	}
	f := &s.frames[len(s.frames)-1]
	closer := byte(']')
	if f.kind == '{' {
		closer = '}'
	}
	c, err := s.Peek()
	if err != nil {
		return false, err
	}
	switch {
	case c == 0:
		return false, s.truncated()
	case c == closer:
		s.pos++
		s.frames = s.frames[:len(s.frames)-1]
		return false, nil
	case f.n > 0:
		if c != ',' {
			return false, s.unexpected(c, fmt.Sprintf("',' or '%c'", closer))
		}
		s.pos++
	}
	f.n++
	return true, nil
}

// Key reads a member name and its colon. The result is valid until the next call.
func (s *Stream) Key() ([]byte, error) {
	c, err := s.Peek()
	if err != nil {
		return nil, err
	}
	if c == 0 {
		return nil, s.truncated()
	}
	if c != '"' {
		return nil, s.unexpected(c, "a member name")
	}
	var end int
	for {
		end, err = scanString(s.buf[:s.end], s.pos, s.eof, DefaultMaxString)
		if err != nil {
			if se, ok := err.(*SyntaxError); ok {
				se.Offset += s.base
			}
			return nil, err
		}
		if end >= 0 {
			break
		}
		if _, err := s.fill(s.pos); err != nil {
			return nil, err
		}
	}
	raw := s.buf[s.pos+1 : end-1]
	s.key = s.key[:0]
	if bytes.IndexByte(raw, '\\') >= 0 {
		s.key, _ = unescape(s.key, raw)
	} else {
		s.key = append(s.key, raw...)
	}
	s.pos = end
	c, err = s.Peek()
	if err != nil {
		return nil, err
	}
	if c == 0 {
		return nil, s.truncated()
	}
	if c != ':' {
		return nil, s.unexpected(c, "':' after a member name")
	}
	s.pos++
	return s.key, nil
}

// Value reads the next value whole and validated. The result is valid until the next
// call; copy what you keep.
func (s *Stream) Value() ([]byte, error) {
	return s.scan(true)
}

// Skip reads past the next value, validating it, in constant memory.
func (s *Stream) Skip() error {
	_, err := s.scan(false)
	return err
}

func (s *Stream) scan(hold bool) ([]byte, error) {
	c, err := s.Peek()
	if err != nil {
		return nil, err
	}
	if c == 0 {
		return nil, s.truncated()
	}
	start, at := s.pos, s.pos
	s.v.Reset()
	for {
		n, done, err := s.v.Feed(s.buf[at:s.end], s.eof)
		if err != nil {
			if se, ok := err.(*SyntaxError); ok {
				se.Offset += s.base + int64(at)
			}
			return nil, err
		}
		at += n
		if done {
			s.pos = at
			if hold {
				return s.buf[start:at:at], nil
			}
			return nil, nil
		}
		keep := at
		if hold {
			keep = start
		}
		shift, err := s.fill(keep)
		if err != nil {
			return nil, err
		}
		start -= shift
		at -= shift
	}
}

// End checks that nothing but whitespace follows the document.
func (s *Stream) End() error {
	c, err := s.Peek()
	if err != nil {
		return err
	}
	if c != 0 {
		return &SyntaxError{Offset: s.Offset(), Msg: "unexpected data after the top-level value"}
	}
	return nil
}
