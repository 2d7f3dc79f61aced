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
	// SplitSkip lets Skip validate a value that outlasts the buffer on two goroutines
	// (see feedSplit). Set it when another core would otherwise be idle.
	SplitSkip bool
	helper    Validator
	segs      []segment
	helped    chan struct{}
	helpedN   int // bytes taken from the helper, for tests
}

// segment is a stretch the helper validated, from just after a sync point.
type segment struct {
	start int  // offset of the sync point's brace
	n     int  // bytes validated from there
	done  bool // the array the segment started in closed
	bad   bool // an error (the serial validator reports it, or a nesting past half the limit)
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
	long := false // the value has outlasted one buffer
	for {
		var n int
		var done bool
		if long && !hold && s.SplitSkip && !s.eof && s.end-at >= splitMin {
			n, done, err = s.feedSplit(s.buf[at:s.end])
		} else {
			n, done, err = s.v.Feed(s.buf[at:s.end], s.eof)
		}
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
		long = true
	}
}

// splitMin is the least unvalidated input feedSplit divides.
var splitMin = 64 << 10

// feedSplit is s.v.Feed(b, false), with the second half of b validated on another
// goroutine at the same time. The helper starts at a sync point: the first `,{"` after
// the middle of b whose quote is followed by a letter. In valid JSON that quote opens a
// member name, so the brace opens an object and the comma separates array elements:
// the validator there is waiting for a value inside an array, whatever lies around it.
// The helper validates from the brace in that state, on a stack of just that array,
// until the array closes; then it starts again at the next sync point, and so on to
// the end of b (planned_values holds one array of resources per module). The first
// half is validated as usual, and each segment is taken only if the validator reaches
// its start exactly, in that state; the gaps between segments are validated as usual.
// What comes out is what one Feed over b gives: Feed's steps depend only on the state,
// the stack's top and whether the stack is empty, and a segment ends where its array
// closes. Anywhere else (no sync point, the value ends first, another state there, an
// error, a nesting deeper than half the limit) the rest of b is fed as usual, so errors
// and their offsets are those of the serial validator.
func (s *Stream) feedSplit(b []byte) (int, bool, error) {
	maxDepth := s.v.MaxDepth
	if maxDepth == 0 {
		maxDepth = DefaultMaxDepth
	}
	k := syncPoint(b, len(b)/2)
	if k < 0 || maxDepth < 4 {
		return s.v.Feed(b, false)
	}
	if s.helped == nil {
		s.helped = make(chan struct{}, 1)
	}
	go func() {
		s.segs = s.helpFeed(b, k, maxDepth/2, s.segs[:0])
		s.helped <- struct{}{}
	}()
	v := &s.v
	n, done, err := v.Feed(b[:k+1], false)
	<-s.helped
	if err != nil || done {
		return n, done, err
	}
	for i, sg := range s.segs {
		if n != sg.start || sg.bad || v.state != stValue || len(v.stack) == 0 || v.stack[len(v.stack)-1] != '[' || len(v.stack) > maxDepth/2 {
			break
		}
		s.helpedN += sg.n
		if !sg.done { // the last segment: b ended inside it
			v.stack = append(v.stack, s.helper.stack[1:]...)
			v.state = s.helper.state
			return sg.start + sg.n, false, nil
		}
		v.stack = v.stack[:len(v.stack)-1]
		n = sg.start + sg.n
		if v.after() {
			return n, true, nil
		}
		if i+1 < len(s.segs) { // the gap to the next segment
			if n, done, err = v.feedFrom(b[:s.segs[i+1].start], n); err != nil || done {
				return n, done, err
			}
		}
	}
	return v.feedFrom(b, n)
}

// feedFrom is Feed(b[from:], false) with the offsets, consumed and in errors, from
// the start of b.
func (v *Validator) feedFrom(b []byte, from int) (int, bool, error) {
	m, done, err := v.Feed(b[from:], false)
	if se, ok := err.(*SyntaxError); ok {
		se.Offset += int64(from)
	}
	return from + m, done, err
}

// helpFeed validates b in segments from the sync point at k (see feedSplit), each on
// a fresh stack of one array and at most maxDepth deep. The helper's state after the
// last segment stays in s.helper.
func (s *Stream) helpFeed(b []byte, k, maxDepth int, segs []segment) []segment {
	h := &s.helper
	h.MaxDepth, h.MaxString = maxDepth, s.v.MaxString
	for k >= 0 {
		h.stack = append(h.stack[:0], '[')
		h.state = stValue
		n, done, err := h.Feed(b[k+1:], false)
		segs = append(segs, segment{start: k + 1, n: n, done: done, bad: err != nil})
		if err != nil || !done {
			break
		}
		k = syncPoint(b, k+1+n)
	}
	return segs
}

// syncPoint returns the offset of the first `,{"` at or after from whose quote is
// followed by an ASCII letter or underscore, or -1.
func syncPoint(b []byte, from int) int {
	for from < len(b) {
		i := bytes.Index(b[from:], []byte(`,{"`))
		if i < 0 || from+i+3 >= len(b) {
			return -1
		}
		k := from + i
		if c := b[k+3] | 0x20; c >= 'a' && c <= 'z' || b[k+3] == '_' {
			return k
		}
		from = k + 1
	}
	return -1
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
