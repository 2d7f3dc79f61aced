package render

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"reflect"
	"runtime"
	"strings"
	"sync"

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
// The long lists (findings, blast radius, changes) are encoded in chunks on every core
// and written in order; the bytes are those of one json.MarshalWrite of the report.
func JSON(w io.Writer, rep *report.Report, _ Options) error {
	bw := bufio.NewWriterSize(w, 256<<10)
	if err := writeObject(bw, reflect.ValueOf(rep).Elem()); err != nil {
		return err
	}
	if _, err := bw.WriteString("\n"); err != nil {
		return err
	}
	return bw.Flush()
}

// serialJSON is JSON through one json.MarshalWrite call: the reference JSON must match.
func serialJSON(w io.Writer, rep *report.Report) error {
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
func writeObject(w *bufio.Writer, v reflect.Value) error {
	t := v.Type()
	w.WriteString("{")
	first := true
	for i := range t.NumField() {
		sf := t.Field(i)
		name, opts, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if !sf.IsExported() || name == "-" {
			continue
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
		if fv.Kind() == reflect.Slice && fv.Len() >= parallelMin {
			if err := writeList(w, fv); err != nil {
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
func emptyJSON(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		return v.IsNil()
	case reflect.Slice, reflect.Map, reflect.String, reflect.Array:
		return v.Len() == 0
	}
	return false
}

// writeList writes a long list at depth 1. Chunks of it are encoded on every core
// while the chunks before them are written, in order; at most a few chunks are in
// memory at once, so memory stays flat however long the list.
func writeList(w *bufio.Writer, list reflect.Value) error {
	n := list.Len()
	workers := max(1, runtime.GOMAXPROCS(0))
	type chunk struct {
		lo, hi int
		buf    *bytes.Buffer
		err    error
		done   chan struct{}
	}
	pool := sync.Pool{New: func() any { return new(bytes.Buffer) }}
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
	for range workers {
		go func() {
			for c := range jobs {
				c.buf = pool.Get().(*bytes.Buffer)
				c.buf.Reset()
				// A slice of the list encodes as "[\n    e,\n    e\n  ]" at depth 1.
				c.err = json.MarshalWrite(c.buf, list.Slice(c.lo, c.hi).Interface(), jsonOptions, jsontext.WithIndentPrefix("  "))
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
		b := c.buf.Bytes()
		b = bytes.TrimSuffix(bytes.TrimPrefix(b, []byte("[")), []byte("\n  ]"))
		if c.lo > 0 {
			w.WriteString(",")
		}
		if _, err := w.Write(b); err != nil {
			return err
		}
		pool.Put(c.buf)
	}
	w.WriteString("\n  ]")
	return nil
}

// listChunk is how many elements one encoding job takes.
const listChunk = 128
