package render

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"reflect"
	"runtime"
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/hiyari-dev/hiyari/internal/report"
)

// jsonOptions are the report's encoding: indented, no HTML escaping, maps sorted.
var jsonOptions = json.JoinOptions(
	jsontext.WithIndent("  "),
	jsontext.EscapeForHTML(false),
	json.Deterministic(true),
	json.FormatNilSliceAsNull(false),
)

// JSON writes the versioned report, indented, with a trailing newline. It streams to w
// rather than building the document in memory: a 100,000-change report is tens of MB.
// A streamed report's blast radius is awaited only when its turn comes (Report.Await).
// The long lists (findings, blast radius, changes) are encoded in chunks on every core
// and written in order; the bytes are those of one json.MarshalWrite of the report.
func JSON(w io.Writer, rep *report.Report, _ Options) error {
	bw := bufio.NewWriterSize(w, 256<<10)
	if err := writeObject(bw, reflect.ValueOf(rep).Elem(), newBufferRing()); err != nil {
		return err
	}
	if _, err := bw.WriteString("\n"); err != nil {
		return err
	}
	return bw.Flush()
}

// serialJSON is JSON through one json.MarshalWrite call: the reference JSON must match.
func serialJSON(w io.Writer, rep *report.Report) error {
	rep.Await()
	if rep.ChangesOnDemand() {
		whole := *rep
		whole.Changes = rep.ChangeRange(0, rep.NumChanges())
		rep = &whole
	}
	if err := json.MarshalWrite(w, rep, jsonOptions); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// parallelMin is the list length from which a list is encoded in parallel chunks.
const parallelMin = 2048

// writeObject writes the top-level struct v member by member, as MarshalWrite would
// at depth 0: the report's members are plain fields with json tags.
func writeObject(w *bufio.Writer, v reflect.Value, ring *bufferRing) error {
	t := v.Type()
	rep, _ := v.Addr().Interface().(*report.Report) // for a change list made on demand
	w.WriteString("{")
	first := true
	for i := range t.NumField() {
		sf := t.Field(i)
		name, opts, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if !sf.IsExported() || name == "-" {
			continue
		}
		if rep != nil && report.Deferred(sf.Name) {
			// The findings before it were written while the blast radius finished.
			rep.Await()
		}
		fv := v.Field(i)
		if strings.Contains(opts, "omitzero") && fv.IsZero() || strings.Contains(opts, "omitempty") && emptyJSON(fv) {
			continue
		}
		if !first {
			w.WriteString(",")
		}
		first = false
		fmt.Fprintf(w, "\n  %q: ", name)
		if rep != nil && sf.Name == "Changes" && rep.ChangesOnDemand() {
			// A change list made on demand is made a chunk at a time as it is encoded.
			n := rep.NumChanges()
			if n < parallelMin {
				fv = reflect.ValueOf(rep.ChangeRange(0, n))
			} else {
				if err := writeList(w, n, fv.Type().Elem(), changeChunks(rep, ring.workers), ring); err != nil {
					return err
				}
				continue
			}
		}
		if fv.Kind() == reflect.Slice && fv.Len() >= parallelMin {
			part := func(_, lo, hi int) reflect.Value { return fv.Slice(lo, hi) }
			if err := writeList(w, fv.Len(), fv.Type().Elem(), part, ring); err != nil {
				return err
			}
			continue
		}
		if err := json.MarshalWrite(w, fv.Interface(), jsonOptions, jsontext.WithIndentPrefix("  ")); err != nil {
			return err
		}
	}
	if !first {
		w.WriteString("\n")
	}
	w.WriteString("}")
	return nil
}

// emptyJSON reports what omitempty omits: a value that encodes as null, "", {} or [].
// Numbers and booleans never do. The fast encoder uses it too.
func emptyJSON(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		return v.IsNil()
	case reflect.Slice, reflect.Map, reflect.String, reflect.Array:
		return v.Len() == 0
	}
	return false
}

// changeChunks gives the parts of a change list made on demand: each worker makes
// its chunk in its own buffer, used again for its next chunk, so the list costs a
// chunk per worker, not its length.
func changeChunks(rep *report.Report, workers int) func(worker, lo, hi int) reflect.Value {
	bufs := make([][]report.Change, workers)
	return func(worker, lo, hi int) reflect.Value {
		if cap(bufs[worker]) < hi-lo {
			bufs[worker] = make([]report.Change, listChunk)
		}
		b := bufs[worker][:hi-lo]
		rep.FillChanges(lo, b)
		return reflect.ValueOf(b)
	}
}

// writeList writes a long list of n elements of type elem at depth 1; part(worker,
// lo, hi) gives the elements lo to hi as a slice, which the worker encodes before it
// asks for its next part. Chunks of it are encoded on every core while the chunks
// before them are written, in order; at most a few chunks are in memory at once, so
// memory stays flat however long the list.
func writeList(w *bufio.Writer, n int, elem reflect.Type, part func(worker, lo, hi int) reflect.Value, ring *bufferRing) error {
	workers := ring.workers
	type chunk struct {
		lo, hi int
		out    [][]byte
		err    error
		done   chan struct{}
	}
	jobs := make(chan *chunk)
	order := make(chan *chunk, 2*workers)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(jobs)
		defer close(order)
		for lo := 0; lo < n; lo += listChunk {
			c := &chunk{lo: lo, hi: min(n, lo+listChunk), done: make(chan struct{})}
			select {
			case order <- c:
			case <-stop:
				return
			}
			select {
			case jobs <- c:
			case <-stop:
				return
			}
		}
	}()
	fast := fastEncoderFor(elem)
	for worker := range workers {
		go func() {
			for c := range jobs {
				chunk := part(worker, c.lo, c.hi)
				if fast != nil {
					c.out, c.err = fastChunk(ring, fast, chunk, 0, chunk.Len())
				} else {
					// A slice of the list encodes as "[\n    e,\n    e\n  ]" at depth 1.
					buf := bytes.NewBuffer(ring.get())
					c.err = json.MarshalWrite(buf, chunk.Interface(), jsonOptions, jsontext.WithIndentPrefix("  "))
					c.out = [][]byte{bytes.TrimSuffix(bytes.TrimPrefix(buf.Bytes(), []byte("[")), []byte("\n  ]"))}
				}
				close(c.done)
			}
		}()
	}
	w.WriteString("[")
	for c := range order {
		<-c.done
		if c.err != nil {
			return c.err
		}
		if c.lo > 0 {
			w.WriteString(",")
		}
		for _, b := range c.out {
			if _, err := w.Write(b); err != nil {
				return err
			}
			ring.put(b)
		}
	}
	w.WriteString("\n  ]")
	return nil
}

// bufferRing hands the buffers of encoded chunks round: at most 3×workers chunks of
// a list are encoded and not yet written, so a few dozen buffers serve every list of
// the report. (A sync.Pool loses its buffers at every collection and between cores.)
type bufferRing struct {
	workers int
	free    chan []byte
}

func newBufferRing() *bufferRing {
	workers := max(1, runtime.GOMAXPROCS(0))
	return &bufferRing{workers: workers, free: make(chan []byte, 8*(3*workers+1))}
}

// get returns an empty buffer of segmentSize bytes or more.
func (r *bufferRing) get() []byte {
	select {
	case b := <-r.free:
		return b[:0]
	default:
		return make([]byte, 0, segmentSize)
	}
}

func (r *bufferRing) put(b []byte) {
	select {
	case r.free <- b:
	default:
	}
}

// fastChunk encodes the elements lo to hi of list at depth 2, each on its own line
// and separated by commas: the inside of the list's brackets.
func fastChunk(ring *bufferRing, enc fastEncoder, list reflect.Value, lo, hi int) ([][]byte, error) {
	o := &segments{ring: ring}
	for i := lo; i < hi; i++ {
		if i > lo {
			o.b = append(o.b, ',')
		}
		o.newline(2)
		if err := enc(o, list.Index(i), 2); err != nil {
			return nil, err
		}
	}
	return o.bytes(), nil
}

// listChunk is how many elements one encoding job takes.
const listChunk = 128
