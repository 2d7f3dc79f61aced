package plan

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"unsafe"

	"github.com/hiyari-dev/hiyari/internal/jsonscan"
)

// decodeFast is the plan reader hiyari uses: jsonscan validates every byte as the
// reference decoder does, but walks only the sections a review reads, takes each
// resource change whole and picks its fields in place, and copies what it keeps into
// a few large blocks instead of one allocation per value.
func decodeFast(r io.Reader, name string, keep Retain) (*Plan, error) {
	f := &fastDecoder{
		decoder: decoder{name: name, p: &Plan{Source: name}, keep: keep},
		s:       jsonscan.NewStream(r, 1<<20),
	}
	// planned_values, a fifth of a plan, is only validated, and by the reader alone:
	// the worker has nothing yet. Its second half of each buffer goes to another core.
	f.s.SplitSkip = runtime.GOMAXPROCS(0) > 1
	f.k = newKeeper(f)
	err := f.document()
	if f.w != nil {
		// What was read before an error is decoded before it is reported: an error
		// in an element comes earlier in the document than the reader's.
		if f.cur != nil && len(f.cur.elems) > 0 {
			f.decodeHere(f.cur)
		}
		f.w.wait()
		if cerr := f.commit(); cerr != nil {
			return nil, cerr
		}
	}
	if err != nil {
		return nil, err
	}
	if err := f.finish(); err != nil {
		return nil, err
	}
	return f.p, nil
}

type fastDecoder struct {
	decoder
	s   *jsonscan.Stream
	k   keeper        // what the reading goroutine keeps
	w   *changeWorker // decodes handed elements, started by the first
	cur *batch        // the batch being filled, nil when none
	// results are the handed batches' results in document order, committed to the
	// plan once every batch is decoded.
	results []*batchResult
}

// keeper copies what a goroutine keeps into its own arena and interns repeated
// strings; each goroutine of the decoder has one.
type keeper struct {
	f       *fastDecoder // for the input's name and what to retain; read only
	mem     arena
	intern  map[string]string
	actions map[string]Actions
	masks   map[string]Value
	scratch []byte
	refs    refScratch
	changes []Change // the slab newChange hands out
}

// changeSlab is how many changes newChange allocates at a time: one allocation per 64
// changes instead of one each (100k of them in the 100k-resource plan). The decoder
// keeps every change it makes, so no slab outlives its changes.
const changeSlab = 64

// newChange returns a zeroed Change from the keeper's slab.
func (kp *keeper) newChange() *Change {
	if len(kp.changes) == cap(kp.changes) {
		kp.changes = make([]Change, 0, changeSlab)
	}
	kp.changes = kp.changes[:len(kp.changes)+1]
	return &kp.changes[len(kp.changes)-1]
}

func newKeeper(f *fastDecoder) keeper {
	return keeper{f: f, intern: map[string]string{}, actions: map[string]Actions{}, masks: map[string]Value{}}
}

// arena hands out copies of byte slices from large blocks: kept values and strings
// cost one allocation per megabyte instead of one each, and the blocks hold no
// pointers for the garbage collector to scan.
type arena struct{ block []byte }

const arenaBlock = 1 << 20

func (a *arena) bytes(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	if len(b) > arenaBlock/4 {
		return append([]byte(nil), b...)
	}
	if cap(a.block)-len(a.block) < len(b) {
		a.block = make([]byte, 0, arenaBlock)
	}
	start := len(a.block)
	a.block = append(a.block, b...)
	return a.block[start:len(a.block):len(a.block)]
}

func (a *arena) str(b []byte) string {
	c := a.bytes(b)
	if len(c) == 0 {
		return ""
	}
	return unsafe.String(&c[0], len(c))
}

// fail turns a stream error into the InputError the reference decoder gives.
func (f *fastDecoder) fail(err error) error {
	var se *jsonscan.SyntaxError
	if errors.As(err, &se) {
		switch {
		case se.Truncated:
			return &InputError{Input: f.name, Problem: fmt.Sprintf("the JSON ends early at byte %d (truncated file?)", se.Offset), Fix: "re-create it with `terraform show -json PLANFILE > plan.json` and check the write finished", Err: io.ErrUnexpectedEOF}
		case se.TooLarge:
			return &InputError{Input: f.name, Problem: fmt.Sprintf("%s at byte %d: hiyari does not read values this large (a bound against hostile input)", se.Msg, se.Offset), Fix: "check the input is a plan written by `terraform show -json`; if it is, keep large content out of resource arguments (e.g. aws_s3_object source instead of content)", Err: err}
		}
		return &InputError{Input: f.name, Problem: fmt.Sprintf("not valid JSON at byte %d: %s", se.Offset, se.Msg), Fix: fixShowJSON, Err: err}
	}
	var re *jsonscan.ReadError
	if errors.As(err, &re) {
		return &InputError{Input: f.name, Problem: "cannot read the plan: " + re.Err.Error(), Fix: "check the file is readable", Err: err}
	}
	var ie *InputError
	if errors.As(err, &ie) {
		return err
	}
	return &InputError{Input: f.name, Problem: "cannot read the plan: " + err.Error(), Fix: "check the file is readable", Err: err}
}

// wrongType is the reference decoder's message for a value of the wrong kind.
func (f *fastDecoder) wrongType(ptr string, got byte, want string) error {
	return &InputError{Input: f.name, Problem: fmt.Sprintf("not a Terraform plan as expected: %s is %s, want %s", ptr, jsonscan.KindName(jsonscan.KindOf(got)), want), Fix: fixShowJSON}
}

func (f *fastDecoder) duplicate(ptr, key string) error {
	return &InputError{Input: f.name, Problem: fmt.Sprintf("not valid JSON: duplicate member %q in %s", key, ptr), Fix: fixShowJSON}
}

func (f *fastDecoder) document() error {
	c, err := f.s.Peek()
	if err != nil {
		return f.fail(err)
	}
	if c == 0 {
		return &InputError{Input: f.name, Problem: "the input is empty", Fix: fixShowJSON, Err: io.EOF}
	}
	if c != '{' {
		if err := f.s.Skip(); err != nil {
			return f.fail(err)
		}
		return &InputError{Input: f.name, Problem: fmt.Sprintf("the top-level JSON value is %s, not an object", jsonscan.KindName(jsonscan.KindOf(c))), Fix: fixShowJSON, Err: ErrNotAPlan}
	}
	if err := f.s.Begin('{'); err != nil {
		return f.fail(err)
	}
	seen := map[string]bool{}
	for {
		more, err := f.s.More()
		if err != nil {
			return f.fail(err)
		}
		if !more {
			break
		}
		k, err := f.s.Key()
		if err != nil {
			return f.fail(err)
		}
		key := string(k)
		if seen[key] {
			return f.duplicate("the top-level object", key)
		}
		seen[key] = true
		if err := f.member(key); err != nil {
			return err
		}
	}
	if err := f.s.End(); err != nil {
		var se *jsonscan.SyntaxError
		if !errors.As(err, &se) || se.Truncated || se.TooLarge {
			return f.fail(err)
		}
		// A second value is "more data"; anything else is a syntax error.
		if err := f.s.Skip(); err != nil {
			return f.fail(err)
		}
		return &InputError{Input: f.name, Problem: fmt.Sprintf("unexpected data after the plan object at byte %d", se.Offset), Fix: "give one plan per input"}
	}
	return nil
}

func (f *fastDecoder) member(key string) error {
	f.section(key)
	switch key {
	case "format_version":
		return f.str("/"+key, &f.p.FormatVersion)
	case "terraform_version":
		return f.str("/"+key, &f.p.TerraformVersion)
	case "timestamp":
		return f.str("/"+key, &f.p.Timestamp)
	case "errored":
		return f.boolean("/"+key, func(b bool) { f.p.Errored = b })
	case "complete":
		return f.boolean("/"+key, func(b bool) { f.p.Complete = &b })
	case "applyable":
		return f.boolean("/"+key, func(b bool) { f.p.Applyable = &b })
	case "resource_changes":
		if err := f.changes(key, &f.p.Changes, false); err != nil {
			return err
		}
		return f.changesDone()
	case "resource_drift":
		return f.changes(key, &f.p.Drift, true)
	case "output_changes":
		return f.outputs()
	case "prior_state":
		return f.prior()
	case "configuration":
		return f.configuration()
	}
	return f.skip()
}

func (f *fastDecoder) skip() error {
	if err := f.s.Skip(); err != nil {
		return f.fail(err)
	}
	return nil
}

func (f *fastDecoder) value() ([]byte, error) {
	v, err := f.s.Value()
	if err != nil {
		return nil, f.fail(err)
	}
	return v, nil
}

// str reads a string member; null leaves dst as it is.
func (f *fastDecoder) str(ptr string, dst *string) error {
	v, err := f.value()
	if err != nil {
		return err
	}
	s, err := f.k.text(ptr, v)
	if err != nil {
		return err
	}
	if v[0] != 'n' {
		*dst = s
	}
	return nil
}

// text decodes a string value (null is ""), keeping the result in the arena.
func (kp *keeper) text(ptr string, v []byte) (string, error) {
	switch v[0] {
	case 'n':
		return "", nil
	case '"':
	default:
		return "", kp.f.wrongType(ptr, v[0], "a string")
	}
	body := v[1 : len(v)-1]
	if bytes.IndexByte(body, '\\') >= 0 {
		kp.scratch, _ = jsonscan.AppendUnquoted(kp.scratch[:0], v)
		return kp.mem.str(kp.scratch), nil
	}
	return kp.mem.str(body), nil // copied once, straight into the arena
}

// word is text for values that repeat across changes (types, modes, providers):
// one copy each.
func (kp *keeper) word(ptr string, v []byte) (string, error) {
	if v[0] != '"' || len(v) > 256 {
		return kp.text(ptr, v)
	}
	if s, ok := kp.intern[string(v)]; ok {
		return s, nil
	}
	s, err := kp.text(ptr, v)
	if err != nil {
		return "", err
	}
	kp.intern[string(v)] = s
	return s, nil
}

func (f *fastDecoder) boolean(ptr string, set func(bool)) error {
	v, err := f.value()
	if err != nil {
		return err
	}
	switch v[0] {
	case 't':
		set(true)
	case 'f':
		set(false)
	case 'n':
	default:
		return f.wrongType(ptr, v[0], "a boolean")
	}
	return nil
}

// open enters the container that comes next, as the reference decoder's open does:
// null counts as empty (false, skipped), another kind is an error.
func (f *fastDecoder) open(ptr string, want byte, noun string) (bool, error) {
	c, err := f.s.Peek()
	if err != nil {
		return false, f.fail(err)
	}
	switch c {
	case 'n':
		return false, f.skip()
	case want:
		if err := f.s.Begin(want); err != nil {
			return false, f.fail(err)
		}
		return true, nil
	case 0:
		return false, f.fail(&jsonscan.SyntaxError{Offset: f.s.Offset(), Msg: "the JSON ends early", Truncated: true})
	}
	if _, err := f.value(); err != nil { // a malformed value is a syntax error first
		return false, err
	}
	return false, &InputError{Input: f.name, Problem: fmt.Sprintf("%s is %s, want %s", ptr, jsonscan.KindName(jsonscan.KindOf(c)), noun), Fix: fixShowJSON}
}

// each calls fn for every element (arrays) or member (objects, with its key) of the
// container open entered.
func (f *fastDecoder) each(object bool, fn func(i int, key string) error) error {
	for i := 0; ; i++ {
		more, err := f.s.More()
		if err != nil {
			return f.fail(err)
		}
		if !more {
			return nil
		}
		key := ""
		if object {
			k, err := f.s.Key()
			if err != nil {
				return f.fail(err)
			}
			key = string(k)
		}
		if err := fn(i, key); err != nil {
			return err
		}
	}
}

// changes reads resource_changes or resource_drift. The reading goroutine validates
// each element and hands its bytes on (see hand); the worker picks the fields and
// copies what is kept, so the two halves of the work run on two cores.
func (f *fastDecoder) changes(key string, dst *[]*Change, drift bool) error {
	return f.handArray(elemContext{kind: elemChange, ptr: "/" + key, dst: dst, drift: drift})
}

// handArray enters the array at ctx.ptr (null counts as empty) and hands every element
// on (see hand): resource changes and configuration resources.
func (f *fastDecoder) handArray(ctx elemContext) error {
	return f.elements(ctx.ptr, func(i int, raw []byte) error { return f.hand(ctx, i, raw) })
}

// elements enters the array at ptr (null counts as empty) and calls fn with each
// element's validated bytes, valid until fn returns.
func (f *fastDecoder) elements(ptr string, fn func(i int, raw []byte) error) error {
	ok, err := f.open(ptr, '[', "an array")
	if !ok {
		return err
	}
	return f.each(false, func(i int, _ string) error {
		raw, err := f.value()
		if err != nil {
			return err
		}
		return fn(i, raw)
	})
}

// hand gives the worker one validated element, index i of the array ctx describes.
// Elements go in batches of about batchBytes, in document order, so the reader's
// goroutine only validates and cuts while the worker decodes: resource changes and
// configuration resources alike. When the worker is behind, the reader decodes the
// batch itself (each with its own keeper), so both cores stay busy; results are
// committed in document order either way.
func (f *fastDecoder) hand(ctx elemContext, i int, raw []byte) error {
	w := f.worker()
	b := f.cur
	if b != nil && len(b.buf)+len(raw) > batchBytes && len(b.elems) > 0 {
		f.cur = nil
		select {
		case w.jobs <- b:
		case <-w.stop:
			w.pool <- b
			return errStopped
		default:
			if !f.decodeHere(b) {
				return errStopped
			}
		}
		b = nil
	}
	if b == nil {
		b = w.batch()
		b.res = &batchResult{}
		f.results = append(f.results, b.res)
		f.cur = b
	}
	if n := len(b.ctxs); n == 0 || b.ctxs[n-1] != ctx {
		b.ctxs = append(b.ctxs, ctx)
	}
	b.buf = append(b.buf, raw...)
	b.elems = append(b.elems, elem{end: len(b.buf), index: i, ctx: len(b.ctxs) - 1})
	return nil
}

// changesDone gives Retain.ChangesDone the resource changes once they are decoded,
// without waiting for them: the batch being filled goes to the worker, followed by
// a marker that calls ChangesDone when the worker reaches it. Batches the reader
// decoded itself are done by then, and the worker takes its batches in order.
func (f *fastDecoder) changesDone() error {
	fn := f.keep.ChangesDone
	if fn == nil {
		return nil
	}
	dst := &f.p.Changes
	// The results so far: the reader only appends to f.results after this, so the
	// marker reads these elements while the reader goes on.
	rs := f.results[:len(f.results):len(f.results)]
	collect := func() {
		n := 0
		for _, r := range rs {
			if r.err != nil {
				return
			}
			for _, c := range r.changes {
				if c.dst == dst {
					n++
				}
			}
		}
		cs := make([]*Change, 0, n)
		for _, r := range rs {
			for _, c := range r.changes {
				if c.dst == dst {
					cs = append(cs, c.c)
				}
			}
		}
		fn(cs)
	}
	if f.w == nil {
		collect() // nothing was handed: no changes, or none to decode
		return nil
	}
	if b := f.cur; b != nil && len(b.elems) > 0 {
		f.cur = nil
		if !f.w.send(b) {
			return errStopped
		}
	}
	if !f.w.send(&batch{then: collect}) {
		return errStopped
	}
	return nil
}

// send hands b to the worker, waiting for room, and reports false when the worker
// has failed; a batch from the pool then goes back to it.
func (w *changeWorker) send(b *batch) bool {
	select {
	case w.jobs <- b:
		return true
	case <-w.stop:
		if b.then == nil {
			w.pool <- b
		}
		return false
	}
}

// decodeHere decodes b on the reader's goroutine and returns it to the pool; false
// when it holds an error.
func (f *fastDecoder) decodeHere(b *batch) bool {
	b.res.err = decodeBatch(&f.k, b)
	f.w.pool <- b
	return b.res.err == nil
}

func countDeclared(results []*batchResult) int {
	n := 0
	for _, r := range results {
		n += len(r.declared)
	}
	return n
}

// commit puts the decoded elements into the plan in document order and returns the
// first error, which is the one the reference decoder reports.
func (f *fastDecoder) commit() error {
	if n := countDeclared(f.results); n > 0 && len(f.p.Config.Declared) == 0 {
		f.p.Config.Declared = make(map[string]*ConfigResource, n) // sized once
	}
	// Each destination list (changes, drift) grows once to hold its elements: the
	// 100k plan's change list grown by doubling allocated 5 MB more than it kept.
	type room struct {
		dst *[]*Change
		n   int
	}
	var rooms []room
	for _, r := range f.results {
		if r.err != nil {
			break
		}
	next:
		for _, c := range r.changes {
			for i := range rooms {
				if rooms[i].dst == c.dst {
					rooms[i].n++
					continue next
				}
			}
			rooms = append(rooms, room{c.dst, 1})
		}
	}
	for _, rm := range rooms {
		*rm.dst = slices.Grow(*rm.dst, rm.n)
	}
	for _, r := range f.results {
		if r.err != nil {
			return r.err
		}
		for _, d := range r.declared {
			f.p.Config.Declared[d.Address] = d
		}
		for _, c := range r.changes {
			*c.dst = append(*c.dst, c.c)
		}
	}
	return nil
}

// errStopped ends reading when decoding a batch has failed; that batch's error, which
// comes earlier in the document, is the one reported (see commit).
var errStopped = errors.New("plan: decoding stopped")

// batchBytes is how much the reader hands the worker at a time.
const batchBytes = 256 << 10

// elemKind says what a handed element is.
type elemKind uint8

const (
	elemChange         elemKind = iota // a resource_changes or resource_drift element
	elemConfigResource                 // a configuration resource: declared
)

// elemContext is where handed elements come from: the array's JSON pointer (for
// errors) and what the worker does with them.
type elemContext struct {
	kind  elemKind
	ptr   string
	dst   *[]*Change // elemChange: where changes go
	drift bool       // elemChange: resource_drift
	// prefix is the module path of configuration resources ("" in the root module).
	prefix string
}

type elem struct {
	end   int // where the element ends in buf
	index int // its index in its array
	ctx   int // its context in ctxs
}

// batch is a run of validated elements, back to back, with their contexts.
type batch struct {
	buf   []byte
	elems []elem
	ctxs  []elemContext
	res   *batchResult
	// then, in a marker (a batch with nothing else, not from the pool), is what the
	// worker runs when it reaches it: every batch handed before it is decoded.
	then func()
}

// batchResult is what decoding one batch gave.
type batchResult struct {
	err      error
	changes  []decodedChange
	declared []*ConfigResource
}

type decodedChange struct {
	dst *[]*Change
	c   *Change
}

// changeWorker decodes batches in order on its own goroutine with its own keeper.
type changeWorker struct {
	k    keeper
	jobs chan *batch
	pool chan *batch
	done chan struct{}
	stop chan struct{} // closed when the worker fails
}

func (f *fastDecoder) worker() *changeWorker {
	if f.w != nil {
		return f.w
	}
	w := &changeWorker{k: newKeeper(f), jobs: make(chan *batch, 2), pool: make(chan *batch, 4), done: make(chan struct{}), stop: make(chan struct{})}
	for range cap(w.pool) {
		w.pool <- &batch{buf: make([]byte, 0, batchBytes+64<<10)}
	}
	f.w = w
	go w.run()
	return w
}

func (w *changeWorker) batch() *batch {
	b := <-w.pool
	b.buf, b.elems, b.ctxs = b.buf[:0], b.elems[:0], b.ctxs[:0]
	return b
}

func (w *changeWorker) run() {
	defer close(w.done)
	failed := false
	for b := range w.jobs {
		if b.then != nil {
			if !failed {
				b.then()
			}
			continue
		}
		if !failed {
			b.res.err = decodeBatch(&w.k, b)
			if b.res.err != nil {
				failed = true
				close(w.stop)
			}
		}
		if cap(b.buf) > 4*batchBytes {
			b.buf = make([]byte, 0, batchBytes+64<<10) // do not keep a huge element's buffer
		}
		w.pool <- b
	}
}

// decodeBatch decodes the elements of b with k into b.res.
func decodeBatch(k *keeper, b *batch) error {
	start := 0
	for _, e := range b.elems {
		raw, ctx := b.buf[start:e.end], &b.ctxs[e.ctx]
		start = e.end
		switch ctx.kind {
		case elemChange:
			c, err := k.change(raw, ctx.ptr, e.index)
			if err != nil {
				return err
			}
			if ctx.drift {
				c.Before, c.BeforeSensitive = nil, nil
			}
			b.res.changes = append(b.res.changes, decodedChange{ctx.dst, c})
		case elemConfigResource:
			cr, err := k.configResource(ctx.ptr, e.index, ctx.prefix, raw)
			if err != nil {
				return err
			}
			b.res.declared = append(b.res.declared, cr)
		}
	}
	return nil
}

// wait ends the worker once it has decoded every batch it was given.
func (w *changeWorker) wait() {
	close(w.jobs)
	<-w.done
}

// Members of a resource change the reader knows, as bits, to refuse duplicates; the
// inner ones (under "change") from 1<<16.
const (
	fieldAddress uint32 = 1 << iota
	fieldPreviousAddress
	fieldModuleAddress
	fieldMode
	fieldType
	fieldName
	fieldIndex
	fieldDeposed
	fieldProviderName
	fieldActionReason
	fieldChange
)

const (
	fieldActions uint32 = 1 << (16 + iota)
	fieldBefore
	fieldBeforeSensitive
	fieldAfter
	fieldAfterUnknown
	fieldAfterSensitive
	fieldReplacePaths
	fieldImporting
)

// changeField is the bit of a member name, 0 for a name the decoder does not read. A
// switch, not a map: two million lookups in the 100k-resource plan, and the compiled
// switch compares lengths first and hashes nothing.
func changeField(k []byte) uint32 {
	switch string(k) {
	case "address":
		return fieldAddress
	case "previous_address":
		return fieldPreviousAddress
	case "module_address":
		return fieldModuleAddress
	case "mode":
		return fieldMode
	case "type":
		return fieldType
	case "name":
		return fieldName
	case "index":
		return fieldIndex
	case "deposed":
		return fieldDeposed
	case "provider_name":
		return fieldProviderName
	case "action_reason":
		return fieldActionReason
	case "change":
		return fieldChange
	case "actions":
		return fieldActions
	case "before":
		return fieldBefore
	case "before_sensitive":
		return fieldBeforeSensitive
	case "after":
		return fieldAfter
	case "after_unknown":
		return fieldAfterUnknown
	case "after_sensitive":
		return fieldAfterSensitive
	case "replace_paths":
		return fieldReplacePaths
	case "importing":
		return fieldImporting
	}
	return 0
}

// change picks the fields of one resource change out of its validated bytes. Error
// paths build JSON pointers; the common path allocates only what it keeps.
func (kp *keeper) change(raw []byte, arrayPtr string, i int) (*Change, error) {
	ptr := func(rest string) string { return fmt.Sprintf("%s/%d%s", arrayPtr, i, rest) }
	if raw[0] != '{' {
		if raw[0] == 'n' {
			return nil, &InputError{Input: kp.f.name, Problem: ptr("") + " has no address", Fix: fixShowJSON}
		}
		return nil, kp.f.wrongType(ptr(""), raw[0], "an object")
	}
	c := kp.newChange()
	var (
		before, beforeSens, after, afterUnknown, afterSens, replace, importing []byte
		seen                                                                   uint32
		err                                                                    error
	)
	// One walk: the change member is walked in place rather than first stepped over
	// to find its end, and its values are checked for duplicate names as they are
	// delimited.
	var dupName []byte
	var prev, deposed string // rare: kept in c.Extra when set
	for it := jsonscan.NewIter(raw); it.NextKey(); {
		k := it.Key()
		bit := changeField(k)
		if bit != 0 && seen&bit != 0 {
			return nil, kp.f.duplicate(ptr(""), string(k))
		}
		seen |= bit
		if bit == fieldChange {
			inner := it.Enter()
			for inner.NextKey() {
				k := inner.Key()
				bit := changeField(k)
				if bit != 0 && seen&bit != 0 {
					return nil, kp.f.duplicate(ptr("/change"), string(k))
				}
				seen |= bit
				var dst *[]byte
				switch bit {
				case fieldActions:
					if c.Actions, err = kp.actionList(func() string { return ptr("/change/actions") }, inner.Value()); err != nil {
						return nil, err
					}
				case fieldBefore:
					dst = &before
				case fieldBeforeSensitive:
					dst = &beforeSens
				case fieldAfter:
					dst = &after
				case fieldAfterUnknown:
					dst = &afterUnknown
				case fieldAfterSensitive:
					dst = &afterSens
				case fieldReplacePaths:
					replace = inner.Value()
				case fieldImporting:
					importing = inner.Value()
				}
				if dst != nil {
					v, dup := inner.ValueNames()
					*dst = v
					if dup != nil && dupName == nil {
						dupName = dup
					}
				}
			}
			it.Exit(&inner)
			v := it.Value()
			switch v[0] {
			case '{':
			case 'n':
			default:
				return nil, kp.f.wrongType(ptr("/change"), v[0], "an object")
			}
			continue
		}
		v := it.Value()
		var dst *string
		intern := false
		switch bit {
		case fieldAddress:
			dst = &c.Address
		case fieldPreviousAddress:
			dst = &prev
		case fieldModuleAddress:
			dst, intern = &c.ModuleAddress, true
		case fieldMode:
			dst, intern = &c.Mode, true
		case fieldType:
			dst, intern = &c.Type, true
		case fieldName:
			dst, intern = &c.Name, true
		case fieldDeposed:
			dst = &deposed
		case fieldProviderName:
			dst, intern = &c.ProviderName, true
		case fieldActionReason:
			dst, intern = &c.ActionReason, true
		case fieldIndex:
			if v[0] != 'n' {
				c.Index = kp.mem.str(v)
			}
		}
		if dst != nil {
			if v[0] != '"' && v[0] != 'n' {
				return nil, kp.f.wrongType(ptr("/"+string(k)), v[0], "a string")
			}
			if intern {
				*dst, err = kp.word("", v)
			} else {
				*dst, err = kp.text("", v)
			}
			if err != nil {
				return nil, err
			}
		}
	}
	if c.Address == "" {
		return nil, &InputError{Input: kp.f.name, Problem: ptr("") + " has no address", Fix: fixShowJSON}
	}
	if len(c.Actions) == 0 {
		return nil, &InputError{Input: kp.f.name, Problem: fmt.Sprintf("%s (%s) has no change.actions", ptr(""), c.Address), Fix: fixShowJSON}
	}
	if prev != "" {
		c.extra().PreviousAddress = prev
	}
	if deposed != "" {
		c.extra().Deposed = deposed
	}
	if importing != nil {
		switch importing[0] {
		case 'n':
		case '{':
			x := c.extra()
			x.Importing = true
			for it := jsonscan.NewIter(importing); it.Next(); {
				if string(it.Key()) == "id" {
					if x.ImportingID, err = kp.text(ptr("/change/importing/id"), it.Value()); err != nil {
						return nil, err
					}
				}
			}
		default:
			return nil, kp.f.wrongType(ptr("/change/importing"), importing[0], "an object")
		}
	}
	if c.Mode == "" {
		c.Mode = "managed"
		if strings.HasPrefix(resourcePart(c.Address), "data.") {
			c.Mode = "data"
		}
	}
	if c.Type == "" {
		c.Type = typeFromAddress(c.Address)
	}
	if dupName != nil {
		return nil, kp.f.duplicate(ptr("/change"), string(dupName))
	}
	switch {
	case c.Actions.Changes():
		c.Before = kp.keepValue(before)
		c.BeforeSensitive = kp.keepMask(beforeSens)
		c.ReplacePaths = kp.keepMask(replace)
		if (c.Actions.Create() || c.Actions.Update() || c.Actions.Replace()) && kp.f.keep.After != nil && kp.f.keep.After(c.Type) {
			c.After = kp.keepValue(after)
			c.AfterUnknown = kp.keepMask(afterUnknown)
			c.AfterSensitive = kp.keepMask(afterSens)
		}
	case c.Mode == "managed" && kp.f.keep.Unchanged != nil && kp.f.keep.Unchanged(c.Type):
		c.Before = kp.keepValue(before)
		c.BeforeSensitive = kp.keepMask(beforeSens)
	}
	return c, nil
}

func (kp *keeper) keepValue(v []byte) Value {
	if len(v) == 0 || v[0] == 'n' {
		return nil
	}
	return Value(kp.mem.bytes(v))
}

// keepMask is keepValue for sensitivity and unknown masks and replace paths: small
// values that repeat across the changes of a type ({"tags":{},"tags_all":{}}), kept
// once each. Values are never written to, so changes can share them.
func (kp *keeper) keepMask(v []byte) Value {
	if len(v) > maxSharedMask {
		return kp.keepValue(v)
	}
	if m, ok := kp.masks[string(v)]; ok {
		return m
	}
	m := kp.keepValue(v)
	if m != nil && len(kp.masks) < maxMasks {
		kp.masks[string(v)] = m
	}
	return m
}

// maxSharedMask bounds the length of the masks keepMask shares (longer ones rarely
// repeat), maxMasks how many it remembers (a plan whose masks never repeat must not
// cost their bytes twice).
const (
	maxSharedMask = 256
	maxMasks      = 4096
)

// actionList decodes change.actions; equal lists share one slice (nothing mutates them).
func (kp *keeper) actionList(ptrOf func() string, v []byte) (Actions, error) {
	if a, ok := kp.actions[string(v)]; ok {
		return a, nil
	}
	ptr := ptrOf()
	switch v[0] {
	case 'n':
		return nil, nil
	case '[':
	default:
		return nil, kp.f.wrongType(ptr, v[0], "an array")
	}
	var out Actions
	var err error
	n := 0
	jsonscan.Elements(v, func(e []byte) bool {
		if e[0] != '"' {
			err = kp.f.wrongType(fmt.Sprintf("%s/%d", ptr, n), e[0], "a string")
			return false
		}
		var s string
		s, err = kp.word("", e)
		if err == nil && s == "" {
			err = &InputError{Input: kp.f.name, Problem: fmt.Sprintf("not a Terraform plan as expected: %s/%d is null or empty, want an action name", ptr, n), Fix: fixShowJSON}
		}
		n++
		out = append(out, Action(s))
		return err == nil
	})
	if err != nil {
		return nil, err
	}
	kp.actions[string(v)] = out
	return out, nil
}

func (f *fastDecoder) outputs() error {
	ok, err := f.open("/output_changes", '{', "an object")
	if !ok {
		return err
	}
	seen := map[string]bool{}
	return f.each(true, func(_ int, name string) error {
		if seen[name] {
			return f.duplicate("/output_changes", name)
		}
		seen[name] = true
		ptr := "/output_changes/" + name
		v, err := f.value()
		if err != nil {
			return err
		}
		o := OutputChange{Name: name}
		switch v[0] {
		case '{':
		case 'n':
			f.p.Outputs = append(f.p.Outputs, o)
			return nil
		default:
			return f.wrongType(ptr, v[0], "an object")
		}
		var bs, as Value
		jsonscan.Members(v, func(k []byte, _ bool, m []byte) bool {
			switch string(k) {
			case "actions":
				o.Actions, err = f.k.actionList(func() string { return ptr + "/actions" }, m)
			case "before_sensitive":
				bs = Value(m)
			case "after_sensitive":
				as = Value(m)
			}
			return err == nil
		})
		if err != nil {
			return err
		}
		b1, _ := bs.Bool()
		b2, _ := as.Bool()
		o.Sensitive = b1 || b2
		f.p.Outputs = append(f.p.Outputs, o)
		return nil
	})
}

// prior walks prior_state.values.root_module and its child modules, counting instances.
func (f *fastDecoder) prior() error {
	if c, err := f.s.Peek(); err == nil && c == 'n' {
		return f.skip()
	}
	f.p.Prior.Present = true
	return f.objectMembers("/prior_state", func(key string) error {
		if key != "values" {
			return f.skip()
		}
		return f.objectMembers("/prior_state/values", func(key string) error {
			if key != "root_module" {
				return f.skip()
			}
			return f.stateModule("/prior_state/values/root_module")
		})
	})
}

func (f *fastDecoder) objectMembers(ptr string, fn func(key string) error) error {
	ok, err := f.open(ptr, '{', "an object")
	if !ok {
		return err
	}
	return f.each(true, func(_ int, key string) error { return fn(key) })
}

func (f *fastDecoder) stateModule(ptr string) error {
	return f.objectMembers(ptr, func(key string) error {
		switch key {
		case "resources":
			return f.priorResources(ptr + "/resources")
		case "child_modules":
			ok, err := f.open(ptr+"/child_modules", '[', "an array")
			if !ok {
				return err
			}
			return f.each(false, func(i int, _ string) error {
				return f.stateModule(fmt.Sprintf("%s/child_modules/%d", ptr, i))
			})
		default:
			return f.skip()
		}
	})
}

// priorResources counts a prior_state module's resources by mode. The reading
// goroutine looks at each one in place, two members in, as it validates it, rather
// than copying it to the worker: the worker would have almost nothing to do with it,
// and copying over a quarter of the plan would be most of the cost. In a review with a
// blast radius, the other core is meanwhile busy with it (Retain.ChangesDone).
func (f *fastDecoder) priorResources(ptr string) error {
	return f.elements(ptr, func(i int, raw []byte) error {
		isData, err := f.k.priorResource(raw, ptr, i)
		if err != nil {
			return err // reported after any error in the changes handed before (decodeFast)
		}
		if isData {
			f.p.Prior.Data++
		} else {
			f.p.Prior.Managed++
		}
		return nil
	})
}

// priorResource reads a prior_state resource's mode: true for a data resource.
func (kp *keeper) priorResource(v []byte, arrayPtr string, i int) (bool, error) {
	switch v[0] {
	case '{', 'n':
	default:
		return false, kp.f.wrongType(fmt.Sprintf("%s/%d", arrayPtr, i), v[0], "an object")
	}
	// Terraform writes mode second, after address: the walk stops there rather than
	// stepping over the resource's values.
	for it := jsonscan.NewIter(v); it.Next(); {
		if string(it.Key()) == "mode" {
			mode := it.Value()
			if mode[0] != '"' && mode[0] != 'n' {
				return false, kp.f.wrongType(fmt.Sprintf("%s/%d/mode", arrayPtr, i), mode[0], "a string")
			}
			return string(mode) == `"data"`, nil
		}
	}
	return false, nil
}

// configuration reads configuration.root_module and its module calls into Declared.
func (f *fastDecoder) configuration() error {
	if c, err := f.s.Peek(); err == nil && c == 'n' {
		return f.skip()
	}
	f.p.Config.Present = true
	f.p.Config.Declared = map[string]*ConfigResource{}
	return f.objectMembers("/configuration", func(key string) error {
		if key != "root_module" {
			return f.skip()
		}
		return f.configModule("/configuration/root_module", "")
	})
}

func (f *fastDecoder) configModule(ptr, prefix string) error {
	return f.objectMembers(ptr, func(key string) error {
		switch key {
		case "resources":
			return f.handArray(elemContext{kind: elemConfigResource, ptr: ptr + "/resources", prefix: prefix})
		case "module_calls":
			return f.objectMembers(ptr+"/module_calls", func(name string) error {
				cptr := ptr + "/module_calls/" + name
				p := "module." + name
				if prefix != "" {
					p = prefix + "." + p
				}
				return f.objectMembers(cptr, func(key string) error {
					if key != "module" {
						return f.skip()
					}
					return f.configModule(cptr+"/module", p)
				})
			})
		default:
			return f.skip()
		}
	})
}

// configResource reads one configuration resource, index i of the resources
// array at arrayPtr, in the module at prefix.
func (kp *keeper) configResource(arrayPtr string, i int, prefix string, v []byte) (*ConfigResource, error) {
	ptr := func(rest string) string { return fmt.Sprintf("%s/%d%s", arrayPtr, i, rest) }
	switch v[0] {
	case '{', 'n':
	default:
		return nil, kp.f.wrongType(ptr(""), v[0], "an object")
	}
	var (
		addr, mode, typ, name string
		expr, count, forEach  []byte
		err                   error
	)
	for it := jsonscan.NewIter(v); it.Next() && err == nil; {
		m := it.Value()
		switch string(it.Key()) {
		case "address":
			addr, err = kp.textAt(ptr, "/address", m, false)
		case "mode":
			mode, err = kp.textAt(ptr, "/mode", m, true)
		case "type":
			typ, err = kp.textAt(ptr, "/type", m, true)
		case "name":
			name, err = kp.textAt(ptr, "/name", m, false)
		case "expressions":
			expr = m
		case "count_expression":
			count = m
		case "for_each_expression":
			forEach = m
		}
	}
	if err != nil {
		return nil, err
	}
	if addr == "" {
		addr = typ + "." + name
		if mode == "data" {
			addr = "data." + addr
		}
	}
	full := addr
	if prefix != "" {
		full = prefix + "." + addr
	}
	cr := &ConfigResource{Address: full, Type: typ, Name: name}
	// Each argument's references are gathered in the keeper's scratch lists, then kept
	// in two allocations of their exact size: the arguments, and one array that their
	// reference lists and the block's deduplicated list share. (Grown by appending,
	// the 100k-resource plan's configuration allocated 20 MB, and kept lists with room
	// to spare.)
	sc := &kp.refs
	sc.attrs, sc.all, sc.union = sc.attrs[:0], sc.all[:0], sc.union[:0]
	for it := jsonscan.NewIter(expr); it.Next(); {
		sc.one = kp.references(it.Value(), sc.one[:0])
		if len(sc.one) == 0 {
			continue
		}
		k := it.Key()
		key, ok := kp.intern[string(k)]
		if !ok {
			key = string(k)
			if d, ok := jsonscan.UnescapeKey(nil, k); ok {
				key = string(d)
			}
			kp.intern[string(k)] = key
		}
		sc.attrs = append(sc.attrs, refSpan{key, len(sc.all), len(sc.all) + len(sc.one)})
		sc.all = append(sc.all, sc.one...)
		sc.union = appendNew(sc.union, sc.one)
	}
	for _, e := range [][]byte{count, forEach} {
		sc.union = appendNew(sc.union, kp.references(e, sc.one[:0]))
	}
	if len(sc.union) == 0 {
		return cr, nil
	}
	backing := make([]string, len(sc.all)+len(sc.union))
	copy(backing, sc.all)
	copy(backing[len(sc.all):], sc.union)
	cr.References = backing[len(sc.all):]
	if len(sc.attrs) > 0 {
		cr.AttributeReferences = make([]AttributeReferences, len(sc.attrs))
		for i, a := range sc.attrs {
			cr.AttributeReferences[i] = AttributeReferences{Attribute: a.attr, References: backing[a.start:a.end:a.end]}
		}
	}
	return cr, nil
}

// refScratch is where a keeper gathers one configuration block's references.
type refScratch struct {
	attrs           []refSpan
	all, union, one []string
}

// refSpan is one argument's references: all[start:end] of the scratch.
type refSpan struct {
	attr       string
	start, end int
}

// textAt is text (or word, when intern) for a member whose JSON pointer, needed only
// for the error, is ptr(rest).
func (kp *keeper) textAt(ptr func(string) string, rest string, v []byte, intern bool) (string, error) {
	if v[0] != '"' && v[0] != 'n' {
		return "", kp.f.wrongType(ptr(rest), v[0], "a string")
	}
	if intern {
		return kp.word("", v)
	}
	return kp.text("", v)
}

// appendNew appends the strings of add that dst does not hold yet.
func appendNew(dst, add []string) []string {
next:
	for _, s := range add {
		for _, have := range dst {
			if have == s {
				continue next
			}
		}
		dst = append(dst, s)
	}
	return dst
}

// references appends to out, once each, the addresses of every "references" list
// inside an expressions tree, in document order, as collectReferences does.
func (kp *keeper) references(v []byte, out []string) []string {
	switch jsonscan.Kind(v) {
	case '{':
		for it := jsonscan.NewIter(v); it.Next(); {
			m := it.Value()
			if string(it.Key()) != "references" || jsonscan.Kind(m) != '[' {
				out = kp.references(m, out)
				continue
			}
			strs := true
			for el := jsonscan.NewIter(m); el.Next(); {
				e := el.Value()
				if strs && e[0] == '"' {
					ref, ok := kp.intern[string(e)]
					if !ok {
						s, valid := jsonscan.Unquote(e)
						if !valid {
							continue
						}
						ref = s
						kp.intern[string(e)] = ref
					}
					out = appendNew(out, []string{ref})
					continue
				}
				strs = false
				out = kp.references(e, out)
			}
		}
	case '[':
		for it := jsonscan.NewIter(v); it.Next(); {
			out = kp.references(it.Value(), out)
		}
	}
	return out
}
