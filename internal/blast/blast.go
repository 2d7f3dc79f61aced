// Package blast computes a plan's blast radius: for every resource the plan deletes
// or replaces, the resources that depend on it — in the plan itself and in extra
// Terraform states — with what breaks, what data is lost and for how long, and the
// recovery runbook.
//
// Dependents are found two ways: through configuration references (an expression
// of the dependent names the deleted resource) and through identifiers (a value of
// the dependent equals or contains the deleted resource's ARN, name, id or unique
// id, JSON policy documents included). What a reference means comes from the AWS
// knowledge base (internal/knowledge); a dependent of a type it does not know is
// still found by ARN or unique id and reported with a generic impact.
package blast

import (
	"cmp"
	"hash/maphash"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/hiyari-dev/hiyari/internal/knowledge"
	"github.com/hiyari-dev/hiyari/internal/plan"
	"github.com/hiyari-dev/hiyari/internal/report"
	"github.com/hiyari-dev/hiyari/internal/state"
)

// DefaultDepth is how many levels of dependents are searched by default: the direct
// dependents and their dependents.
const DefaultDepth = 2

// MaxDepth bounds Options.Depth.
const MaxDepth = 5

// Options tune the search.
type Options struct {
	// Depth is the number of levels searched: 1 finds direct dependents only. Zero
	// means DefaultDepth.
	Depth int
}

// Result is the blast radius of one plan.
type Result struct {
	// Impacts are the dependents found, ordered by root cause, depth, data-loss class
	// (worst first) and address.
	Impacts []report.Impact
	// Runbook is the recovery, ordered by step priority, deduplicated.
	Runbook []report.Step
	// Summary counts the impacts.
	Summary report.BlastSummary
}

// RetainUnchanged is the set of types whose unchanged resources the plan decoder must
// keep (plan.Retain.Unchanged) for the blast radius: every type the knowledge base
// knows to depend on others. Unchanged resources of other types are scanned only in
// extra states, which keeps the memory of a large plan bounded.
func RetainUnchanged(kb *knowledge.Base) func(resourceType string) bool {
	dependent := map[string]bool{}
	for _, name := range kb.Types() {
		if t, _ := kb.Type(name); len(t.References) > 0 {
			dependent[name] = true
		}
	}
	return func(resourceType string) bool { return dependent[resourceType] }
}

// RetainPlanned is the narrower set of types whose planned values the blast radius
// reads: those holding policies that may name a principal by unique id, where a
// replaced role's old id must be found even in what the plan is about to write. For
// other dependents the prior values say what they depend on now.
func RetainPlanned(kb *knowledge.Base) func(resourceType string) bool {
	policies := map[string]bool{}
	for _, name := range kb.Types() {
		t, _ := kb.Type(name)
		for _, r := range t.References {
			if r.JSON && containsKind(r.Via, knowledge.KindUniqueID) {
				policies[name] = true
			}
		}
	}
	return func(resourceType string) bool { return policies[resourceType] }
}

// object is a resource the search looks at: a plan change or a state instance. The
// search holds one per change and per state instance, so it keeps only pointers to
// what the plan and the states already hold: its address and type are read from
// them, its source is a small index, and its identifiers are kept in it. That is 72
// bytes; copies of the three strings, and a cache pointer to a side struct took 104
// and 64 more for most objects (12 MB on the 100k-resource plan).
type object struct {
	// change is the plan change, nil for a state instance; res is the state
	// instance, nil for a plan change.
	change *plan.Change
	res    *state.Resource
	// twin is the candidate object of the same plan change: itself for a candidate,
	// the candidate made from the same change for a cause (nil when there is none).
	twin *object
	// ids are the object's own identifier values (see engine.identifiers): nil until
	// worked out, noIDs when it has none.
	ids []identity
	// block is the configuration block of a plan change, noBlock when the
	// configuration does not declare it, nil until first asked.
	block *plan.ConfigResource
	// selfCause is the index of the cause that is this object itself at level
	// selfDepth (a replaced resource, a broken dependent), so that its own identifiers
	// in its own values are not taken for a dependency.
	selfCause, selfDepth int32
	// source indexes engine.sources: 0 is "plan", then the extra states.
	source uint32
	// dependent is true for a plan change searched as a dependent: its planned values
	// are searched as well as its prior ones.
	dependent bool
}

// address is the object's resource instance address.
func (o *object) address() string {
	if o.change != nil {
		return o.change.Address
	}
	return o.res.Address
}

// typ is the object's resource type.
func (o *object) typ() string {
	if o.change != nil {
		return o.change.Type
	}
	return o.res.Type
}

// sourceOf is where o comes from: "plan" or the state file.
func (e *engine) sourceOf(o *object) string { return e.sources[o.source] }

// noBlock marks an object whose configuration block is not declared.
var noBlock = &plan.ConfigResource{}

// planBlock is the configuration block that declares a plan change, or nil (always
// for a state instance). Looked up once per object, through the scanning goroutine's
// cache of the last block.
func (e *engine) planBlock(o *object, bc *plan.BlockCache) *plan.ConfigResource {
	if o.change == nil {
		return nil
	}
	if o.block == nil {
		o.block = noBlock
		if cr := e.plan.Config.BlockCached(o.address(), bc); cr != nil {
			o.block = cr
		}
	}
	if o.block == noBlock {
		return nil
	}
	return o.block
}

// self is the cause index of the object itself at depth, or -1.
func (o *object) self(depth int) int {
	if int(o.selfDepth) == depth {
		return int(o.selfCause)
	}
	return -1
}

// values are the object's values, in buf: prior and planned values of a change, the
// attributes of a state resource.
func (o *object) values(buf *[2]plan.Value) []plan.Value {
	vs := buf[:0]
	if o.change == nil {
		if o.res.Attributes != nil {
			vs = append(vs, o.res.Attributes)
		}
		return vs
	}
	if o.change.Before != nil {
		vs = append(vs, o.change.Before)
	}
	if o.dependent && o.change.After != nil {
		vs = append(vs, o.change.After)
	}
	return vs
}

// identifying is the value an object's identifiers are read from: the prior values
// of a change, the attributes of a state instance.
func (o *object) identifying() plan.Value {
	if o.change == nil {
		return o.res.Attributes
	}
	return o.change.Before
}

// sensitive reports whether the top-level attribute attr holds a sensitive value.
func (o *object) sensitive(attr string) bool {
	if o.change == nil {
		return slices.Contains(o.res.Sensitive, attr)
	}
	return maskTrue(o.change.BeforeSensitive, attr) || maskTrue(o.change.AfterSensitive, attr)
}

// maskTrue reports whether a sensitivity mask marks the top-level attribute attr as
// sensitive as a whole.
func maskTrue(mask plan.Value, attr string) bool {
	found := false
	rawMembers(mask, func(key, val []byte) bool {
		if string(key) == attr {
			found = string(val) == "true"
			return false
		}
		return true
	})
	return found
}

// identity is one identifying value of an object. spec says where it came from: an
// index into the knowledge type's Identifiers, or specARN or specID for the arn or id
// of a type the knowledge base does not know. (Kind and attribute names in each would
// cost the 100k-resource plan 3.5 MB.)
type identity struct {
	value string
	spec  uint8
}

const (
	specARN uint8 = 254
	specID  uint8 = 255
)

// noIDs marks an object whose identifiers were looked for and not found.
var noIDs = []identity{}

// cause is a resource whose loss breaks its dependents. (24 bytes: the first level
// of the 100k-resource wrong-state plan has 46k.)
type cause struct {
	obj   *object
	root  int32 // index of the root cause in engine.causes
	depth int32
	// action is what happens to it.
	action causeAction
	// replaced is true when the root cause is replaced rather than deleted.
	replaced bool
}

// causeAction is what happens to a cause: the plan deletes or replaces it, or it is
// a dependent that breaks.
type causeAction uint8

const (
	causeDeleted causeAction = iota
	causeReplaced
	causeBroken
)

// String is the action as the report's cause_action says it.
func (a causeAction) String() string {
	switch a {
	case causeReplaced:
		return "replaced"
	case causeBroken:
		return "broken"
	}
	return "deleted"
}

type engine struct {
	kb      *knowledge.Base
	plan    *plan.Plan
	depth   int
	objects []*object // candidates: every surviving plan change and every state instance
	sources []string  // "plan", then each extra state's source once (object.source)
	causes  []*cause
	// causeBlock is where newCause puts causes: one allocation for the first
	// level's (46k on the 100k plan), then blocks for deeper ones.
	causeBlock []cause

	impacts []report.Impact
	// seen holds the keys of the impacts already reported.
	seen impactSet
	// broken marks dependents already made causes of a deeper level, per root.
	broken map[string]bool
	steps  map[string]bool // step ids the impacts call for

	// referable marks the types something can depend on: a knowledge reference
	// targets them, or they have an ARN the generic scan can find. Only a broken
	// dependent of such a type is searched for dependents of its own.
	referable map[string]bool

	refKeyCache map[string]map[string]bool
	ownCache    map[string]map[string]bool
	types       []string // the candidates' types, each once (prepare)
}

// newCause keeps c in the current block of causes and returns a pointer to it; a full
// block is left to the causes in it, which keeps the pointers valid.
func (e *engine) newCause(c cause) *cause {
	if len(e.causeBlock) == cap(e.causeBlock) {
		e.causeBlock = make([]cause, 0, 1024)
	}
	e.causeBlock = append(e.causeBlock, c)
	return &e.causeBlock[len(e.causeBlock)-1]
}

// impactSet is the set of impact keys recorded: root, cause, dependent (source and
// address), via. It keeps each key's 64-bit hash and the position of the impact that
// holds it (16 bytes an entry, where the five strings took 88, 5 MB on the 100k
// plan); a key whose hash is already another key's, which is all but impossible,
// goes in full into more.
type impactSet struct {
	seed maphash.Seed
	at   map[uint64]int32
	more map[impactKey]bool
}

// impactKey is an impact's key in full.
type impactKey struct {
	root, cause, source, dependent, via string
}

func newImpactSet() impactSet {
	return impactSet{seed: maphash.MakeSeed(), at: map[uint64]int32{}}
}

func keyOf(im *report.Impact) impactKey {
	return impactKey{im.Root, im.Cause, im.Source, im.Dependent, im.Via}
}

// hash is the hash of im's key. It only reads the set, so it runs in parallel.
func (s *impactSet) hash(im *report.Impact) uint64 {
	var h maphash.Hash
	h.SetSeed(s.seed)
	for _, part := range [...]string{im.Root, im.Cause, im.Source, im.Dependent, im.Via} {
		h.WriteString(part)
		h.WriteByte(0)
	}
	return h.Sum64()
}

// add records the key of impacts[at], which hashes to h and will be at position to,
// and reports false when it was recorded already.
func (s *impactSet) add(h uint64, impacts []report.Impact, at, to int) bool {
	i, ok := s.at[h]
	if !ok {
		s.at[h] = int32(to)
		return true
	}
	k := keyOf(&impacts[at])
	if keyOf(&impacts[i]) == k {
		return false
	}
	if s.more == nil {
		s.more = map[impactKey]bool{}
	}
	if s.more[k] {
		return false
	}
	s.more[k] = true
	return true
}

// configTarget is one reference of a configuration block to a resource.
type configTarget struct {
	attr string
	// target is the referenced resource's configuration address, as its module path
	// and its module-relative address (both substrings, to save allocations).
	target configKey
}

// configKey is a configuration address split into module path and the rest.
type configKey struct {
	module, local string
}

func splitConfig(addr string) configKey {
	m := modulePath(addr)
	if m == "" {
		return configKey{local: addr}
	}
	return configKey{module: m, local: addr[len(m)+1:]}
}

// Analyze computes the blast radius of p, searching p and the extra states.
func Analyze(p *plan.Plan, states []*state.State, kb *knowledge.Base, opts Options) *Result {
	e, res := newEngine(p.Changes, states, kb, opts)
	e.plan = p
	if len(e.causes) == 0 {
		return noImpacts(res)
	}
	e.prepare()
	first := firstLevel(len(e.causes))
	return e.deeper(e.search(first, 1), res)
}

// deeper searches the levels after the first, whose causes (broken dependents) are
// next, and completes res.
func (e *engine) deeper(next []int, res *Result) *Result {
	for d := 2; d <= e.depth && len(next) > 0; d++ {
		next = e.search(next, d)
	}
	e.finish(res)
	return res
}

// noImpacts completes res for a plan that deletes and replaces nothing.
func noImpacts(res *Result) *Result {
	res.Impacts, res.Runbook = []report.Impact{}, []report.Step{}
	return res
}

// firstLevel is the first level of the search: every one of the n first causes.
func firstLevel(n int) []int {
	level := make([]int, n)
	for i := range level {
		level[i] = i
	}
	return level
}

// Search is a blast radius begun on a plan's resource changes while the rest of the
// plan is still loading (Begin), and completed on the loaded plan (Finish). Terraform
// writes prior_state and configuration after resource_changes: over a third of the
// document, validated by the reader on one core while the decoder's other goroutine
// has less to do (the reader counts prior-state resources in place; the worker only
// decodes configuration blocks).
// What the first level needs of the changes alone — the candidates, the causes'
// identifiers and their index, and the scan of every candidate for them — is done
// meanwhile; the configuration side of the search waits for Finish.
type Search struct {
	changes []*plan.Change
	states  []*state.State
	kb      *knowledge.Base
	opts    Options

	ready chan struct{} // closed once e, res, lvl and lv are set
	begun sync.WaitGroup
	stop  atomic.Bool

	e   *engine
	res *Result
	lvl []int
	lv  level   // the first level, without its configuration side until Finish
	ids *idScan // nil when the first level has no identifiers to look for
}

// Begin starts the blast radius of a plan whose resource changes are changes (the
// plan's Changes, in order) on another goroutine, and returns at once. Finish
// completes it; Abandon drops it.
func Begin(changes []*plan.Change, states []*state.State, kb *knowledge.Base, opts Options) *Search {
	s := newSearch(changes, states, kb, opts)
	s.begun.Go(s.run)
	return s
}

func newSearch(changes []*plan.Change, states []*state.State, kb *knowledge.Base, opts Options) *Search {
	return &Search{changes: changes, states: states, kb: kb, opts: opts, ready: make(chan struct{})}
}

// run is Begin's goroutine. It works on one core, yielding between chunks of work:
// the plan's reader, still running, has the other, and the decoder's worker is
// waiting for its next batch.
func (s *Search) run() {
	e, res := newEngine(s.changes, s.states, s.kb, s.opts)
	s.e, s.res = e, res
	if len(e.causes) == 0 {
		close(s.ready)
		return
	}
	e.prepare()
	s.lvl = firstLevel(len(e.causes))
	s.lv = e.levelIDs(s.lvl, 1, 1)
	if !s.lv.index.empty() {
		s.ids = newIDScan(len(e.objects))
	}
	close(s.ready)
	if s.ids == nil {
		return
	}
	// This goroutine's memo is the last one; Finish's goroutines take the others.
	w := len(s.ids.memos) - 1
	for !s.stop.Load() {
		lo, hi, ok := nextChunk(&s.ids.next, s.ids.n)
		if !ok {
			return
		}
		e.scanIDs(s.ids, &s.lv, 1, w, lo, hi)
		runtime.Gosched()
	}
}

// Abandon stops a search that will not be finished (the plan's load failed after
// its changes were read); it returns without waiting. Finish still completes an
// abandoned search.
func (s *Search) Abandon() { s.stop.Store(true) }

// Finish completes the search on p, the loaded plan whose changes Begin was given,
// and returns its result. Given another plan's, it starts afresh on p.
func (s *Search) Finish(p *plan.Plan) *Result {
	<-s.ready
	if !slices.Equal(p.Changes, s.changes) {
		s.Abandon()
		return Analyze(p, s.states, s.kb, s.opts)
	}
	e, res := s.e, s.res
	e.plan = p
	if len(e.causes) == 0 {
		return noImpacts(res)
	}
	if s.ids != nil {
		// What is left of the scan is taken on every core, Begin's goroutine included.
		e.chunksFrom(&s.ids.next, s.ids.n, len(s.ids.memos)-1, func(w, lo, hi int) {
			e.scanIDs(s.ids, &s.lv, 1, w, lo, hi)
		})
	}
	s.begun.Wait()
	e.levelConfig(s.lvl, &s.lv)
	return e.deeper(e.searchLevel(s.lvl, 1, s.lv, s.ids), res)
}

// idScan is the first level's identifier matches, made a chunk of candidates at a
// time by whichever goroutine takes the chunk.
type idScan struct {
	n     int
	next  atomic.Int64
	ends  []int32   // ends[i] is where candidate i's matches end in its chunk's slice
	kept  [][]match // per chunk, its candidates' matches in order
	memos []scanMemo
}

// newIDScan makes the scan of n candidates, with a memo for each core and one more
// for Begin's goroutine.
func newIDScan(n int) *idScan {
	return &idScan{n: n, ends: make([]int32, n), kept: make([][]match, (n+scanChunk-1)/scanChunk), memos: make([]scanMemo, runtime.GOMAXPROCS(0)+1)}
}

// of is candidate i's identifier matches.
func (s *idScan) of(i int) []match {
	start := int32(0)
	if i%scanChunk != 0 {
		start = s.ends[i-1]
	}
	return s.kept[i/scanChunk][start:s.ends[i]]
}

// scanIDs finds the identifier matches of candidates lo to hi at depth, as goroutine w.
func (e *engine) scanIDs(s *idScan, lv *level, depth, w, lo, hi int) {
	memo := &s.memos[w]
	all := memo.kept[:0]
	for i := lo; i < hi; i++ {
		o := e.objects[i]
		all = e.matchIdentifiers(o, lv.index, lv.byType[o.typ()], depth, all)
		s.ends[i] = int32(len(all))
	}
	if len(all) > 0 {
		s.kept[lo/scanChunk] = slices.Clone(all)
	}
	memo.kept = all
}

// newEngine makes the search's objects (the candidates) and its first causes from a
// plan's resource changes and the extra states, and the result it fills. The plan
// itself (its configuration) is e.plan, set by the caller before the search.
func newEngine(changes []*plan.Change, states []*state.State, kb *knowledge.Base, opts Options) (*engine, *Result) {
	depth := opts.Depth
	if depth <= 0 {
		depth = DefaultDepth
	}
	if depth > MaxDepth {
		depth = MaxDepth
	}
	e := &engine{kb: kb, depth: depth, seen: newImpactSet(), broken: map[string]bool{}, steps: map[string]bool{},
		referable: map[string]bool{}, refKeyCache: map[string]map[string]bool{}, ownCache: map[string]map[string]bool{}}
	// Objects live in two slabs sized up front: one allocation each, and pointers
	// into them stay valid. They are counted first: sized by the plan's changes, the
	// candidates' slab of the 100k-resource wrong-state plan took 1.5 MB more, for
	// the changes it deletes outright.
	n, destroys := 0, 0
	for _, c := range changes {
		if c.Mode != "managed" || c.DeposedKey() != "" {
			continue
		}
		if c.Actions.Destroys() {
			destroys++
		}
		if searchedAsDependent(c) {
			n++
		}
	}
	for _, st := range states {
		n += len(st.Resources)
	}
	slab := make([]object, 0, n)
	causeSlab := make([]object, 0, destroys)
	e.causeBlock = make([]cause, 0, destroys)
	e.objects = make([]*object, 0, n)
	e.causes = make([]*cause, 0, destroys+destroys/8) // room for some broken dependents
	for _, c := range changes {
		if c.Mode != "managed" || c.DeposedKey() != "" {
			continue
		}
		a := c.Actions
		if a.Destroys() {
			action := causeDeleted
			if a.Replace() {
				action = causeReplaced
			}
			obj := planObject(&causeSlab, c, false)
			e.causes = append(e.causes, e.newCause(cause{obj: obj, action: action, root: int32(len(e.causes)), depth: 1, replaced: a.Replace()}))
		}
		if searchedAsDependent(c) {
			obj := planObject(&slab, c, true)
			e.objects = append(e.objects, obj)
			obj.twin = obj
			if a.Destroys() {
				causeSlab[len(causeSlab)-1].twin = obj
			}
		}
	}
	e.sources = []string{"plan"}
	for _, st := range states {
		src := slices.Index(e.sources, st.Source) // the same file given twice is one source
		if src < 0 {
			src = len(e.sources)
			e.sources = append(e.sources, st.Source)
		}
		for i := range st.Resources {
			r := &st.Resources[i]
			slab = append(slab, object{source: uint32(src), res: r, selfCause: -1})
			e.objects = append(e.objects, &slab[len(slab)-1])
		}
	}
	res := &Result{Summary: report.BlastSummary{Depth: depth, ByClass: map[string]int{}}}
	for _, st := range states {
		res.Summary.States = append(res.Summary.States, st.Source)
	}
	return e, res
}

// searchedAsDependent reports whether a managed change is a candidate. A resource
// the plan deletes outright is a cause, never a dependent.
func searchedAsDependent(c *plan.Change) bool {
	if c.Actions.Delete() || c.Actions.Forget() {
		return false
	}
	return c.Before != nil || c.After != nil || c.Actions.Changes()
}

// planObject wraps a change, in slab (allocated with room for every object, so
// pointers into it stay valid). As a dependent its prior and planned values are
// searched; as a cause only its prior values identify it.
func planObject(slab *[]object, c *plan.Change, dependent bool) *object {
	*slab = append(*slab, object{change: c, selfCause: -1, dependent: dependent})
	return &(*slab)[len(*slab)-1]
}

// identifiers calls fn with every identifying value of an object: its knowledge
// identifiers, or for a type the knowledge base does not know, its arn and id. They
// are read from its first value (the prior values of a plan change) without decoding
// the rest.
func (e *engine) identifiers(o *object, fn func(value string, kind knowledge.IdentifierKind, attr string)) {
	if o.ids != nil && len(o.ids) == 0 {
		return
	}
	t, known := e.kb.Type(o.typ())
	if o.ids == nil {
		// Gathered on the stack and kept in a slice of their exact size: there is one
		// per object of a large plan.
		var buf [8]identity
		ids := buf[:0]
		if v := o.identifying(); v != nil && (!known || len(t.Identifiers) > 0) {
			// A value has each member once (the plan and state readers refuse
			// duplicates), so the walk stops once every identifying attribute has been
			// seen: the rest of a large value is not read.
			var want, seen uint64
			if known && len(t.Identifiers) <= 64 {
				want = 1<<len(t.Identifiers) - 1
			} else if !known {
				want = 3 // arn and id
			}
			rawMembers(v, func(key, val []byte) bool {
				if known {
					for i := range t.Identifiers {
						if string(key) == t.Identifiers[i].Attribute && i < int(specARN) {
							seen |= 1 << (i & 63)
							if s, ok := rawString(val); ok && s != "" {
								ids = append(ids, identity{s, uint8(i)})
							}
						}
					}
				} else if k := string(key); k == "arn" || k == "id" {
					spec, bit := specID, uint64(2)
					if k == "arn" {
						spec, bit = specARN, 1
					}
					seen |= bit
					if s, ok := rawString(val); ok && s != "" {
						ids = append(ids, identity{s, spec})
					}
				}
				return want == 0 || seen != want
			})
		}
		o.ids = noIDs
		if len(ids) > 0 {
			o.ids = append(make([]identity, 0, len(ids)), ids...)
		}
	}
	for _, id := range o.ids {
		switch id.spec {
		case specARN, specID:
			// A type the knowledge base does not know: its arn or id, an ARN by its
			// form whichever attribute holds it.
			kind := knowledge.KindID
			if looksLikeARN(id.value) {
				kind = knowledge.KindARN
			}
			attr := "id"
			if id.spec == specARN {
				attr = "arn"
			}
			fn(id.value, kind, attr)
		default:
			fn(id.value, t.Identifiers[id.spec].Kind, t.Identifiers[id.spec].Attribute)
		}
	}
}

// search finds the dependents of the causes in level (indexes into e.causes) and
// returns the causes of the next level: dependents that stop working themselves.
func (e *engine) search(level []int, depth int) []int {
	return e.searchLevel(level, depth, e.levelOf(level, depth), nil)
}

// searchLevel is search with the level made; ids, when not nil, holds every
// candidate's identifier matches already.
func (e *engine) searchLevel(level []int, depth int, lv level, ids *idScan) []int {
	x, byConfig, locals, byType := lv.index, lv.byConfig, lv.locals, lv.byType
	// Scanning is read-only and parallel; recording is sequential and in object order,
	// so the result does not depend on scheduling. Each goroutine gathers an object's
	// matches in a scratch slice it reuses, and a chunk's kept matches are stored
	// together in one slice of their size (a slice per object, grown by appending,
	// cost the 100k plan 15 MB).
	n := len(e.objects)
	first := make([]int32, n+1) // first[i+1] is object i's count of kept matches, summed below
	kept := make([][]match, (n+scanChunk-1)/scanChunk)
	memos := make([]scanMemo, runtime.GOMAXPROCS(0)) // one per scanning goroutine
	e.parallelChunks(n, func(w, lo, hi int) {
		memo := &memos[w]
		all := memo.kept[:0]
		for i := lo; i < hi; i++ {
			o := e.objects[i]
			ms := e.matchConfig(o, byConfig, locals, &memo.config, memo.scratch[:0])
			if ids != nil {
				ms = append(ms, ids.of(i)...)
			} else if !x.empty() {
				ms = e.matchIdentifiers(o, x, byType[o.typ()], depth, ms)
			}
			memo.scratch = ms
			ms = e.keep(o, ms)
			first[i+1] = int32(len(ms))
			all = append(all, ms...)
		}
		if len(all) > 0 {
			kept[lo/scanChunk] = slices.Clone(all)
		}
		memo.kept = all
	})
	// Each kept match gets a slot in e.impacts, in object order; the impacts are
	// built in their slots in parallel, and recording then closes the gaps left by
	// duplicates. (Built elsewhere and copied in, the 26k impacts of the 100k plan
	// cost 17 MB more.)
	for i := range n {
		first[i+1] += first[i] // now first[i] is object i's first slot
	}
	total := int(first[n])
	// found is object i's kept matches.
	found := func(i int) []match {
		c := i / scanChunk
		at := first[c*scanChunk]
		return kept[c][first[i]-at : first[i+1]-at]
	}
	base := len(e.impacts)
	if cap(e.impacts)-base < total {
		room := total
		if depth < e.depth {
			// Room for a deeper level, which is usually a fraction of this one:
			// growing the slice later copies every impact.
			room += total / 8
		}
		e.impacts = slices.Grow(e.impacts, room)
	}
	e.impacts = e.impacts[:base+total]
	keys := make([]uint64, total) // each impact's key, hashed
	e.parallel(func(i int) {
		for j, m := range found(i) {
			k := first[i] + int32(j)
			im := &e.impacts[base+int(k)]
			e.impactFor(im, e.objects[i], m, depth)
			keys[k] = e.seen.hash(im)
		}
	})
	var next []int
	w := base
	for i, o := range e.objects {
		for j, m := range found(i) {
			k := first[i] + int32(j)
			if !e.record(keys[k], base+int(k), w) {
				continue
			}
			if w != base+int(k) {
				e.impacts[w] = e.impacts[base+int(k)]
			}
			im := &e.impacts[w]
			w++
			if depth < e.depth && im.DataLoss != string(knowledge.LossNone) && e.referable[o.typ()] {
				rootIdx := e.causes[int(m.cause)].root
				root := e.causes[rootIdx]
				key := root.obj.address() + "\x00" + e.sourceOf(o) + "\x00" + o.address()
				if !e.broken[key] && !e.isCause(o) {
					e.broken[key] = true
					e.causes = append(e.causes, e.newCause(cause{obj: o, action: causeBroken, root: rootIdx, depth: int32(depth) + 1, replaced: root.replaced}))
					next = append(next, len(e.causes)-1)
				}
			}
		}
	}
	clear(e.impacts[w:])
	e.impacts = e.impacts[:w]
	return next
}

// level is what one level of the search looks for: its causes' identifiers, their
// configuration addresses (in full and module-relative), and what the scan needs of
// each candidate type given the causes' types.
type level struct {
	index    *index
	byConfig *configCauses
	locals   map[string]bool // module-relative addresses of the causes
	// byType is what the scan needs of each candidate type at this level.
	byType map[string]*scanType
	// firsts are the positions of the causes whose object comes first in the
	// level, nil when every one does (see levelIDs).
	firsts []int
}

// scanType is what the scan of one level needs of one candidate type: looked up once
// per candidate, where it was five lookups per candidate and three per attribute.
type scanType struct {
	t     *knowledge.Type
	known bool
	// relevant is true when some reference of the type may point at the level's
	// causes.
	relevant bool
	// names are the attributes the type's references start at that may hold one of
	// the causes by name or id (any kind of identifier), nil when none; the rest of
	// its values can only hold them as ARNs or unique ids.
	names *nameAttrs
	attrs map[string]attrFlags
}

// attrFlags say what a top-level attribute is to a candidate type at one level.
type attrFlags uint8

const (
	attrRef   attrFlags = 1 << iota // a knowledge reference starts at it
	attrNamed                       // in nameAttrs: may hold a cause by name or id
	attrOwn                         // one of the type's own identifying attributes
)

// scanTypes makes level.byType for causes of the target types.
func (e *engine) scanTypes(targets map[string]bool) map[string]*scanType {
	byName := e.byName(targets)
	out := make(map[string]*scanType, len(e.types))
	for _, typ := range e.types {
		st := &scanType{names: byName[typ], attrs: map[string]attrFlags{}}
		st.t, st.known = e.kb.Type(typ)
		st.relevant = st.known && e.refsTarget(st.t, targets)
		for k := range e.refKeys(typ) {
			st.attrs[k] |= attrRef
		}
		for k := range e.ownAttrs(typ) {
			st.attrs[k] |= attrOwn
		}
		if st.names != nil {
			for k := range st.names.keys {
				st.attrs[k] |= attrNamed
			}
		}
		out[typ] = st
	}
	return out
}

// nameAttrs are the attributes of a type that may hold a level's causes by name or
// id, and their marks (markOf) for mayHitNamed.
type nameAttrs struct {
	keys  map[string]bool
	marks []needle
}

// levelOf gathers what the search of the causes in lvl (indexes into e.causes) at
// depth looks for.
func (e *engine) levelOf(lvl []int, depth int) level {
	lv := e.levelIDs(lvl, depth, runtime.GOMAXPROCS(0))
	e.levelConfig(lvl, &lv)
	return lv
}

// levelIDs is the part of levelOf the changes alone give, on up to workers
// goroutines: the causes' identifiers and their index, and what the scan needs of
// each candidate type.
func (e *engine) levelIDs(lvl []int, depth, workers int) level {
	// A level can have tens of thousands of causes (the 100k-resource wrong-state plan
	// deletes 46k resources): each cause's identifiers are read in parallel; then the
	// index is built on one goroutine while another works out the candidate types,
	// each in level order. With one worker (Begin's goroutine, while the plan is
	// still loading), all of it runs here, yielding now and then.
	//
	// A broken dependent reached from two roots is two causes of one object, whose
	// own fields must be worked out by one goroutine: firsts holds the positions of
	// the causes whose object comes first in the level, nil when every one does (as
	// on the first level, where each cause is an object of its own).
	var firsts []int
	if depth > 1 {
		seen := make(map[*object]bool, len(lvl))
		firsts = make([]int, 0, len(lvl))
		for pos, ci := range lvl {
			if o := e.causes[ci].obj; !seen[o] {
				seen[o] = true
				firsts = append(firsts, pos)
			}
		}
		if len(firsts) == len(lvl) {
			firsts = nil
		}
	}
	count := len(lvl)
	if firsts != nil {
		count = len(firsts)
	}
	e.chunks(count, workers, func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			pos := i
			if firsts != nil {
				pos = firsts[i]
			}
			e.identifiers(e.causes[lvl[pos]].obj, func(string, knowledge.IdentifierKind, string) {})
		}
	})
	n := 0
	for _, ci := range lvl {
		n += len(e.causes[ci].obj.ids)
	}
	// Sized for every identifier: a growing index copies itself.
	lv := level{index: newIndex(n), firsts: firsts}
	targets := map[string]bool{} // the causes' types
	build := func() {
		for i, ci := range lvl {
			if workers <= 1 && i > 0 && i%4096 == 0 {
				runtime.Gosched()
			}
			e.identifiers(e.causes[ci].obj, func(v string, k knowledge.IdentifierKind, _ string) {
				lv.index.add(v, hit{cause: ci, kind: k})
			})
		}
	}
	var wg sync.WaitGroup
	if workers > 1 {
		wg.Go(build)
	} else {
		build()
	}
	for _, ci := range lvl {
		c := e.causes[ci]
		targets[c.obj.typ()] = true
		if cand := e.candidate(c.obj); cand != nil {
			cand.selfCause, cand.selfDepth = int32(ci), int32(depth)
		}
	}
	lv.byType = e.scanTypes(targets)
	wg.Wait()
	return lv
}

// levelConfig completes lv, made by levelIDs for the same causes, with the
// configuration side: the causes' configuration addresses, in full and
// module-relative. It reads the plan's configuration.
func (e *engine) levelConfig(lvl []int, lv *level) {
	firsts := lv.firsts
	keys := make([]configKey, len(lvl))
	hasKey := make([]bool, len(lvl))
	configKeyOf := func(pos int, bc *plan.BlockCache) {
		c := e.causes[lvl[pos]]
		if c.obj.change == nil {
			return
		}
		var addr string
		if cr := e.planBlock(c.obj, bc); cr != nil {
			addr = cr.Address
		} else {
			addr = c.obj.change.ConfigAddress() // allocates
		}
		// The candidate made from the same change (a replaced resource) has the
		// same block; no other goroutine reads it now.
		if t := c.obj.twin; t != nil && t != c.obj && t.block == nil {
			t.block = c.obj.block
		}
		keys[pos], hasKey[pos] = splitConfig(addr), true
	}
	count := len(lvl)
	if firsts != nil {
		count = len(firsts)
	}
	caches := make([]plan.BlockCache, runtime.GOMAXPROCS(0)) // one per goroutine
	e.parallelChunks(count, func(w, lo, hi int) {
		for i := lo; i < hi; i++ {
			pos := i
			if firsts != nil {
				pos = firsts[i]
			}
			configKeyOf(pos, &caches[w])
		}
	})
	if firsts != nil {
		for pos := range lvl {
			if !hasKey[pos] {
				configKeyOf(pos, &caches[0]) // the object's block is known by now
			}
		}
	}
	lv.byConfig, lv.locals = newConfigCauses(lvl), map[string]bool{}
	for pos := range lvl {
		if hasKey[pos] {
			lv.byConfig.add(keys[pos], pos)
			lv.locals[keys[pos].local] = true
		}
	}
}

// byName is scanType.names, per candidate type, for causes of the target types.
func (e *engine) byName(targets map[string]bool) map[string]*nameAttrs {
	out := map[string]*nameAttrs{}
	for _, typ := range e.types {
		t, ok := e.kb.Type(typ)
		if !ok {
			continue
		}
		for i := range t.References {
			r := &t.References[i]
			if len(r.Segments) == 0 || r.Segments[0].Kind != knowledge.SegKey || !byNameOrID(r.Via) {
				continue
			}
			key := r.Segments[0].Key
			for _, tt := range r.Targets {
				if targets[tt] {
					if out[typ] == nil {
						out[typ] = &nameAttrs{keys: map[string]bool{}}
					}
					if a := out[typ]; !a.keys[key] {
						a.keys[key] = true
						a.marks = append(a.marks, markOf(key))
					}
					break
				}
			}
		}
	}
	return out
}

// byNameOrID reports whether a reference may hold its target by an identifier other
// than an ARN or unique id.
func byNameOrID(via []knowledge.IdentifierKind) bool {
	for _, k := range via {
		if k != knowledge.KindARN && k != knowledge.KindUniqueID {
			return true
		}
	}
	return false
}

// parallel calls fn for every object index on all CPUs. fn may read the engine and
// write only to its own object and its own result slot.
func (e *engine) parallel(fn func(i int)) { e.parallelN(len(e.objects), fn) }

// parallelN calls fn for 0 ≤ i < n on all CPUs.
func (e *engine) parallelN(n int, fn func(i int)) {
	e.parallelChunks(n, func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			fn(i)
		}
	})
}

// scanChunk is the length of the ranges parallelChunks hands out (the last may be
// shorter); range k starts at k*scanChunk.
const scanChunk = 256

// parallelChunks calls fn on all CPUs for consecutive ranges [lo, hi) that together
// cover 0 ≤ i < n, each once. w numbers the goroutine that runs the range, from 0 to
// GOMAXPROCS-1: what fn keeps per w (a cache of the last configuration block) is
// seen by one goroutine at a time.
func (e *engine) parallelChunks(n int, fn func(w, lo, hi int)) {
	e.chunks(n, runtime.GOMAXPROCS(0), fn)
}

// chunks is parallelChunks on at most workers goroutines.
func (e *engine) chunks(n, workers int, fn func(w, lo, hi int)) {
	var next atomic.Int64
	e.chunksFrom(&next, n, workers, fn)
}

// chunksFrom is chunks for the ranges next still has: other goroutines may take
// from it too. On one goroutine it yields between ranges.
func (e *engine) chunksFrom(next *atomic.Int64, n, workers int, fn func(w, lo, hi int)) {
	workers = min(workers, (n+scanChunk-1)/scanChunk)
	if workers <= 1 {
		for first := true; ; first = false {
			lo, hi, ok := nextChunk(next, n)
			if !ok {
				return
			}
			if !first {
				runtime.Gosched()
			}
			fn(0, lo, hi)
		}
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for {
				lo, hi, ok := nextChunk(next, n)
				if !ok {
					return
				}
				fn(w, lo, hi)
			}
		})
	}
	wg.Wait()
}

// nextChunk takes the next range of 0 ≤ i < n from next; false when none is left.
func nextChunk(next *atomic.Int64, n int) (lo, hi int, ok bool) {
	lo = int(next.Add(scanChunk)) - scanChunk
	if lo >= n {
		return 0, 0, false
	}
	return lo, min(lo+scanChunk, n), true
}

// prepare fills the caches the parallel scan reads: per type, the attributes its
// references start at and its own identifying attributes.
func (e *engine) prepare() {
	for _, o := range e.objects {
		if _, ok := e.ownCache[o.typ()]; !ok {
			e.types = append(e.types, o.typ())
			e.refKeys(o.typ())
			e.ownAttrs(o.typ())
			t, known := e.kb.Type(o.typ())
			e.referable[o.typ()] = !known || len(e.kb.ReferencesTo(o.typ())) > 0 || len(t.IdentifiersOf(knowledge.KindARN)) > 0
		}
	}
}

// candidate returns the candidate object that is the same resource as a cause's.
func (e *engine) candidate(o *object) *object {
	if o.change == nil {
		return o
	}
	return o.twin
}

// isCause reports whether o is itself deleted or replaced by the plan: its own
// dependents are found from it directly.
func (e *engine) isCause(o *object) bool {
	return o.change != nil && o.change.Actions.Destroys()
}

// match is one way a candidate depends on a cause. (72 bytes: a level of the 100k
// plan gathers tens of thousands.)
type match struct {
	cause      int32 // index into engine.causes
	byConfig   bool  // found through a configuration reference, not an identifier
	via        string
	ref        *knowledge.Reference // nil for a generic match
	identifier string
	kind       knowledge.IdentifierKind
	hazard     *knowledge.Hazard
}

// foundBy is how the match was found, as the report says it.
func (m *match) foundBy() string {
	if m.byConfig {
		return "configuration"
	}
	return "identifier"
}

// scanMemo is what one scanning goroutine keeps from object to object: its
// configuration memo and the slices it gathers matches in.
type scanMemo struct {
	config  configMemo
	scratch []match // one object's matches, before keep
	kept    []match // one chunk's kept matches, before they are stored
}

// configMemo is what one scanning goroutine remembers of the last object it matched
// by configuration: the instances of a block are neighbours and resolve alike.
type configMemo struct {
	blocks   plan.BlockCache
	resolved *plan.ConfigResource // the block targets were resolved for
	targets  []configTarget
	buf      [8]configTarget
}

// matchConfig appends to out the causes that o's configuration refers to.
func (e *engine) matchConfig(o *object, byConfig *configCauses, locals map[string]bool, memo *configMemo, out []match) []match {
	if o.change == nil || byConfig.empty() || e.plan.Config.Declared == nil {
		return out
	}
	cr := e.planBlock(o, &memo.blocks)
	if cr == nil {
		return out
	}
	// Only references to a resource named like one of this level's causes can match.
	// They are few, so they are resolved again at each level (once for neighbouring
	// instances of a block) rather than kept per object: keeping every block's
	// resolved references cost the 100k plan 12 MB, for the tens of thousands of
	// blocks whose module has a resource of a cause's name.
	if memo.resolved != cr {
		memo.resolved, memo.targets = cr, resolveConfig(cr, locals, memo.buf[:0])
	}
	for _, ct := range memo.targets {
		for ci := range byConfig.causes(ct.target) {
			c := e.causes[ci]
			if c.obj.address() == o.address() && e.sourceOf(c.obj) == e.sourceOf(o) {
				continue
			}
			m := match{cause: int32(ci), byConfig: true, via: ct.attr}
			if r := e.refFor(o.typ(), ct.attr, c.obj.typ()); r != nil {
				m.ref, m.via = r, r.Path
			}
			out = append(out, m)
		}
	}
	return out
}

// resolveConfig appends to ts the resource references of a configuration block whose
// module-relative address is in locals, each resolved to a configuration address in
// the block's module, deduplicated and ordered by attribute, then address.
func resolveConfig(cr *plan.ConfigResource, locals map[string]bool, ts []configTarget) []configTarget {
	if len(cr.AttributeReferences) == 0 {
		return ts
	}
	var prefix string
	for _, ar := range cr.AttributeReferences {
		attr := ar.Attribute
		for _, ref := range ar.References {
			local := resourceOf(ref)
			if local == "" || !locals[local] {
				continue
			}
			if prefix == "" {
				prefix = modulePath(cr.Address)
			}
			t := configTarget{attr: attr, target: configKey{module: prefix, local: local}}
			if !slices.Contains(ts, t) {
				ts = append(ts, t)
			}
		}
	}
	if len(ts) > 1 {
		slices.SortFunc(ts, func(a, b configTarget) int {
			if c := strings.Compare(a.attr, b.attr); c != 0 {
				return c
			}
			return strings.Compare(a.target.local, b.target.local)
		})
	}
	return ts
}

// configCauses are one level's causes by configuration address, each address's in
// level order. The lists are chained through next, which costs 4 bytes per cause
// instead of a slice per address (45k of them on the 100k plan).
type configCauses struct {
	ends  map[configKey]chainEnds
	next  []int32 // per position in level: the next with the same address, -1 ends
	level []int
}

// chainEnds are the first and last positions in level of one address's causes.
type chainEnds struct{ first, last int32 }

func newConfigCauses(level []int) *configCauses {
	return &configCauses{ends: make(map[configKey]chainEnds, len(level)), next: make([]int32, len(level)), level: level}
}

// add files the cause at position i of the level under k; positions are added in
// level order.
func (cc *configCauses) add(k configKey, i int) {
	cc.next[i] = -1
	if ce, ok := cc.ends[k]; ok {
		cc.next[ce.last] = int32(i)
		cc.ends[k] = chainEnds{ce.first, int32(i)}
		return
	}
	cc.ends[k] = chainEnds{int32(i), int32(i)}
}

func (cc *configCauses) empty() bool { return len(cc.ends) == 0 }

// causes yields the cause indexes filed under k, in level order.
func (cc *configCauses) causes(k configKey) func(yield func(int) bool) {
	return func(yield func(int) bool) {
		ce, ok := cc.ends[k]
		if !ok {
			return
		}
		for i := ce.first; i >= 0; i = cc.next[i] {
			if !yield(cc.level[i]) {
				return
			}
		}
	}
}

// refFor is the knowledge reference of a dependent type that starts at a top-level
// attribute and may point at the target type.
func (e *engine) refFor(depType, attr, targetType string) *knowledge.Reference {
	t, ok := e.kb.Type(depType)
	if !ok {
		return nil
	}
	for i := range t.References {
		r := &t.References[i]
		if len(r.Segments) == 0 || r.Segments[0].Key != attr {
			continue
		}
		for _, tt := range r.Targets {
			if tt == targetType {
				return r
			}
		}
	}
	return nil
}

// matchIdentifiers appends to out the causes whose identifiers o's values hold: through the
// knowledge base's references for o's type, and through a generic scan of every
// string for ARNs and unique ids. Only the top-level attributes whose bytes hold an
// indexed value are decoded. st is what the level knows of o's type: the attributes
// that may hold a cause by name or id (scanType.names) among them; everywhere else only
// ARNs and unique ids are looked for.
func (e *engine) matchIdentifiers(o *object, x *index, st *scanType, depth int, out []match) []match {
	t, known, relevant, byName := st.t, st.known, st.relevant, st.names
	var buf [2]plan.Value
	var pathBuf *[]byte // the walk's paths grow in it; taken from pathPool on first use
	for _, v := range o.values(&buf) {
		// A type none of whose references may point at this level's causes by name
		// or id can only hold them as ARNs or unique ids.
		if byName == nil && !x.mayHitKinds(v, o.self(depth), true) ||
			byName != nil && !x.mayHitNamed(v, o.self(depth), byName.marks) {
			continue
		}
		// The members a reference starts at, kept raw for ValuesIn; a later member of
		// the same name wins, as it would in a decoded map.
		var refBuf [8]rawAttr
		refs := refBuf[:0]
		rawMembers(v, func(rawKey, mv []byte) bool {
			// A reference's attribute may hold the identifier kinds of its references
			// (any kind for those in byName); elsewhere only ARNs and unique ids count
			// (the generic scan).
			flags := st.attrs[string(rawKey)]
			if !x.mayHitKinds(mv, o.self(depth), flags&attrNamed == 0) {
				return true
			}
			if relevant && flags&attrRef != 0 {
				refs = append(refs, rawAttr{rawKey, mv})
			}
			if flags&attrOwn != 0 {
				return true
			}
			// Generic scan: ARNs and unique ids anywhere, for what the references do
			// not describe. The strings are read in place; what a match keeps is copied.
			if pathBuf == nil {
				pathBuf = pathPool.Get().(*[]byte)
			}
			walkRawStrings(mv, append((*pathBuf)[:0], rawKey...), true, func(path []byte, s string) {
				tokens(s, func(tok string) {
					x.lookup(tok, func(value string, h hit) {
						if h.kind != knowledge.KindARN && h.kind != knowledge.KindUniqueID {
							return
						}
						if e.self(o, e.causes[h.cause], value) {
							return
						}
						out = append(out, e.withHazard(match{cause: int32(h.cause), via: string(path), identifier: strings.Clone(value), kind: h.kind}))
					})
				})
			})
			return true
		})
		if !known || len(refs) == 0 {
			continue
		}
		for i := range t.References {
			r := &t.References[i]
			if st.attrs[r.Segments[0].Key]&attrRef == 0 {
				continue
			}
			attr := lastAttr(refs, r.Segments[0].Key)
			if attr == nil {
				continue
			}
			for _, val := range r.ValuesIn(attr) {
				x.lookup(val, func(value string, h hit) {
					c := e.causes[h.cause]
					if !containsKind(r.Via, h.kind) || !containsType(r.Targets, c.obj.typ()) || e.self(o, c, value) {
						return
					}
					// A plain attribute must hold the identifier itself (or, for an
					// ARN, a longer ARN under it); a JSON document may hold it inside
					// a longer value ("AROA…:*").
					if !r.JSON && value != val && h.kind != knowledge.KindARN {
						return
					}
					out = append(out, e.withHazard(match{cause: int32(h.cause), via: r.Path, ref: r, identifier: value, kind: h.kind}))
				})
			}
		}
	}
	if pathBuf != nil {
		pathPool.Put(pathBuf)
	}
	return out
}

// pathPool holds the buffers the generic scan builds attribute paths in: one per
// scanning goroutine at a time, instead of one per candidate (3.5 MB on the 100k
// plan). A path is copied when a match keeps it.
var pathPool = sync.Pool{New: func() any {
	b := make([]byte, 0, 128)
	return &b
}}

// refsTarget reports whether some reference of t may point at one of the types.
func (e *engine) refsTarget(t *knowledge.Type, types map[string]bool) bool {
	for i := range t.References {
		for _, tt := range t.References[i].Targets {
			if types[tt] {
				return true
			}
		}
	}
	return false
}

// refKeys is the set of top-level attributes the knowledge references of a type
// start at.
func (e *engine) refKeys(typ string) map[string]bool {
	if k, ok := e.refKeyCache[typ]; ok {
		return k
	}
	var keys map[string]bool
	if t, ok := e.kb.Type(typ); ok {
		for _, r := range t.References {
			if len(r.Segments) > 0 && r.Segments[0].Kind == knowledge.SegKey {
				if keys == nil {
					keys = map[string]bool{}
				}
				keys[r.Segments[0].Key] = true
			}
		}
	}
	e.refKeyCache[typ] = keys
	return keys
}

// ownAttrs is the set of a type's own identifying attributes, which the generic scan
// skips: a resource's own ARN is not a reference.
func (e *engine) ownAttrs(typ string) map[string]bool {
	if k, ok := e.ownCache[typ]; ok {
		return k
	}
	own := map[string]bool{"arn": true, "id": true}
	if t, ok := e.kb.Type(typ); ok {
		for _, id := range t.Identifiers {
			own[id.Attribute] = true
		}
	}
	e.ownCache[typ] = own
	return own
}

// self reports whether o is the cause itself, seen again (the create half of its own
// replace, or the same object in an extra state).
func (e *engine) self(o *object, c *cause, value string) bool {
	if o.address() == c.obj.address() && e.sourceOf(o) == e.sourceOf(c.obj) {
		return true
	}
	if o.typ() != c.obj.typ() {
		return false
	}
	same := false
	e.identifiers(o, func(v string, _ knowledge.IdentifierKind, _ string) {
		if v == value {
			same = true
		}
	})
	return same
}

// withHazard attaches the cause's replace hazard to a match through its unique id:
// whatever holds the old unique id stops matching the recreated resource.
func (e *engine) withHazard(m match) match {
	if m.kind != knowledge.KindUniqueID {
		return m
	}
	t, ok := e.kb.Type(e.causes[int(m.cause)].obj.typ())
	if !ok {
		return m
	}
	for i := range t.ReplaceHazards {
		if t.ReplaceHazards[i].ID == "new-unique-id" {
			m.hazard = &t.ReplaceHazards[i]
		}
	}
	return m
}

// keep chooses which matches of one candidate to report: one per (cause, reference
// path); a match the knowledge base explains wins over a generic one for the same
// cause, an identifier match over a configuration match of the same path.
func (e *engine) keep(o *object, found []match) []match {
	if len(found) == 0 {
		return nil
	}
	explained := map[int32]bool{}
	for _, m := range found {
		if m.ref != nil {
			explained[m.cause] = true
		}
	}
	// A generic match is kept per cause, another per cause and path. The kept ones
	// are moved to the front of found: out never passes the match being read.
	type keepKey struct {
		cause, via string
		generic    bool
	}
	best := map[keepKey]int{}
	out := found[:0]
	for _, m := range found {
		if m.ref == nil && explained[m.cause] {
			continue
		}
		key := keepKey{cause: e.causes[int(m.cause)].obj.address(), via: m.via}
		if m.ref == nil {
			// One generic impact per cause is enough.
			key = keepKey{cause: key.cause, generic: true}
		}
		if i, ok := best[key]; ok {
			if out[i].byConfig && !m.byConfig {
				out[i] = m
			} else if out[i].hazard == nil && m.hazard != nil {
				out[i].hazard, out[i].identifier, out[i].kind = m.hazard, m.identifier, m.kind
			}
			continue
		}
		best[key] = len(out)
		out = append(out, m)
	}
	return out
}

// impactFor turns a match into the impact im. It only reads the engine, so it runs
// in parallel.
func (e *engine) impactFor(im *report.Impact, o *object, m match, depth int) {
	c := e.causes[int(m.cause)]
	root := e.causes[c.root]
	*im = report.Impact{
		Cause: c.obj.address(), CauseType: c.obj.typ(), CauseAction: c.action.String(), Root: root.obj.address(), Depth: depth,
		Dependent: o.address(), Type: o.typ(), Source: e.sourceOf(o), Via: m.via, FoundBy: m.foundBy(),
	}
	if t, ok := e.kb.Type(o.typ()); ok {
		im.Service = t.Service
	}
	if m.identifier != "" && !c.obj.sensitive(m.kindAttr(e, c)) {
		im.Identifier, im.IdentifierKind = m.identifier, string(m.kind)
	}
	// The steps are the reference's (or the generic ones) then the hazard's: two
	// lists read in turn, not joined into a new one for each of the 26k impacts.
	var steps, hazardSteps []string
	if m.ref != nil {
		im.Impact = m.ref.Impact
		im.DataLoss = string(m.ref.DataLoss.Class)
		im.Window = m.ref.DataLoss.Window
		im.Detail = m.ref.DataLoss.Detail
		steps = m.ref.Recovery
	} else {
		im.Impact, steps = e.generic(c, m)
		im.DataLoss = string(knowledge.LossAvailability)
	}
	if m.hazard != nil {
		im.Hazard = m.hazard.ID
		if m.ref == nil {
			im.Impact = m.hazard.Text
		}
		hazardSteps = m.hazard.Recovery
	}
	for _, list := range [2][]string{steps, hazardSteps} {
		for _, id := range list {
			s, ok := e.kb.Step(id)
			if !ok || !s.AppliesTo(root.replaced) || contains(im.Recovery, id) {
				continue
			}
			if depth > 1 && len(s.When) > 0 {
				// Beyond depth 1 the cause is broken, not deleted: recreating it is not
				// a step; the root's own recovery is.
				continue
			}
			im.Recovery = append(im.Recovery, id)
		}
	}
}

// record notes the impact at e.impacts[at], whose key hashes to h, as the one that
// will be moved to e.impacts[to], and reports false when the same one was recorded
// already.
func (e *engine) record(h uint64, at, to int) bool {
	if !e.seen.add(h, e.impacts, at, to) {
		return false
	}
	for _, id := range e.impacts[at].Recovery {
		e.steps[id] = true
	}
	return true
}

// kindAttr is the cause attribute the matched identifier came from, to check it is
// not sensitive.
func (m match) kindAttr(e *engine, c *cause) string {
	attr := ""
	e.identifiers(c.obj, func(v string, k knowledge.IdentifierKind, a string) {
		if attr == "" && v == m.identifier && k == m.kind {
			attr = a
		}
	})
	return attr
}

// generic is the impact of a dependency the knowledge base does not describe.
func (e *engine) generic(c *cause, m match) (string, []string) {
	var how string
	switch {
	case m.byConfig:
		how = "its configuration refers to " + c.obj.address()
	case m.kind == knowledge.KindUniqueID:
		how = "it holds the unique id of " + c.obj.address()
	default:
		how = "it refers to " + c.obj.address() + " by " + strings.ToUpper(string(m.kind))
	}
	what := "will fail when it is gone"
	if c.action == causeReplaced {
		what = "will fail while it is being replaced, and wherever the new one differs (a new id or ARN)"
	} else if c.action == causeBroken {
		what = "is affected while it does not work"
	}
	text := "Refers to " + c.obj.address() + " (" + how + " in " + m.via + "); " + what + ". hiyari has no knowledge of " + displayType(e, c.obj.typ()) + " dependencies of this type; check what it does with the reference."
	if c.obj.typ() == "aws_iam_role" {
		return text, genericRoleSteps
	}
	return text, genericSteps
}

// The recovery steps of a dependency the knowledge base does not describe, on a role
// and on anything else; shared, never written to.
var (
	genericRoleSteps = []string{"iam-recreate-role", "terraform-recreate-deleted"}
	genericSteps     = []string{"terraform-recreate-deleted"}
)

func displayType(e *engine, typ string) string {
	if t, ok := e.kb.Type(typ); ok {
		return t.Service
	}
	return typ
}

// classRank orders data-loss classes worst first.
func classRank(c string) int {
	switch knowledge.DataLossClass(c) {
	case knowledge.LossLost:
		return 0
	case knowledge.LossRetried:
		return 1
	case knowledge.LossAvailability:
		return 2
	case knowledge.LossNone:
		return 3
	}
	return 4
}

func (e *engine) finish(res *Result) {
	// The counts do not depend on the order: they are taken on another goroutine
	// while the impacts are sorted (on the 100k plan each takes milliseconds, and
	// nothing else runs beside them by now).
	var wg sync.WaitGroup
	wg.Go(func() {
		type dep struct{ source, address string }
		deps := make(map[dep]struct{}, len(e.impacts))
		for k := range e.impacts {
			im := &e.impacts[k]
			deps[dep{im.Source, im.Dependent}] = struct{}{}
			res.Summary.ByClass[im.DataLoss]++
		}
		res.Summary.Dependents = len(deps)
	})
	// order is the position of each root among the causes (the last of the same
	// address, should two share one), for the roots the impacts name only.
	order := map[string]int{}
	for k := range e.impacts {
		order[e.impacts[k].Root] = 0
	}
	res.Summary.Causes = len(order)
	for i, c := range e.causes {
		if c.depth != 1 {
			continue
		}
		if _, ok := order[c.obj.address()]; ok {
			order[c.obj.address()] = i
		}
	}
	// Impacts are large: the sort orders their indexes, comparing in place, and the
	// impacts are then moved once each into their places. It is stable: equal
	// impacts keep the order they were found in, which the last comparison gives
	// (an unstable sort with it costs less than a stable one).
	rank := make([]int32, len(e.impacts)) // the position of each impact's root
	perm := make([]int32, len(e.impacts))
	for k := range e.impacts {
		rank[k], perm[k] = int32(order[e.impacts[k].Root]), int32(k)
	}
	slices.SortFunc(perm, func(i, j int32) int {
		if rank[i] != rank[j] {
			return cmp.Compare(rank[i], rank[j])
		}
		// Two roots of one position (which cannot be: a root is a cause, and each
		// cause has a position of its own) would keep their order.
		if a, b := &e.impacts[i], &e.impacts[j]; a.Root == b.Root {
			if a.Depth != b.Depth {
				return cmp.Compare(a.Depth, b.Depth)
			}
			if a.Cause != b.Cause {
				return strings.Compare(a.Cause, b.Cause)
			}
			if ra, rb := classRank(a.DataLoss), classRank(b.DataLoss); ra != rb {
				return cmp.Compare(ra, rb)
			}
			if a.Dependent != b.Dependent {
				return strings.Compare(a.Dependent, b.Dependent)
			}
			if a.Via != b.Via {
				return strings.Compare(a.Via, b.Via)
			}
		}
		return cmp.Compare(i, j)
	})
	wg.Wait() // the counts read the impacts that permute moves
	permute(e.impacts, perm)
	res.Impacts = e.impacts
	if res.Impacts == nil {
		res.Impacts = []report.Impact{}
	}
	res.Runbook = e.runbook(res.Impacts)
}

// permute puts s[perm[k]] at position k for every k, moving each element once (it
// follows the permutation's cycles); perm is used up.
func permute[T any](s []T, perm []int32) {
	for start := range perm {
		if perm[start] < 0 || int(perm[start]) == start {
			continue
		}
		hold := s[start]
		k := start
		for {
			from := int(perm[k])
			perm[k] = -1
			if from == start {
				s[k] = hold
				break
			}
			s[k] = s[from]
			k = from
		}
	}
}

// runbook orders every step the impacts call for by priority, then service, then
// id, each once, with the dependents it is for in report order.
func (e *engine) runbook(impacts []report.Impact) []report.Step {
	out := []report.Step{}
	for id := range e.steps {
		s, ok := e.kb.Step(id)
		if !ok {
			continue
		}
		out = append(out, report.Step{ID: s.ID, Service: s.Service, Priority: s.Priority, Text: s.Text})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Priority != out[j].Priority {
			return out[i].Priority < out[j].Priority
		}
		if out[i].Service != out[j].Service {
			return out[i].Service < out[j].Service
		}
		return out[i].ID < out[j].ID
	})
	pos := map[string]int{}
	for i, s := range out {
		pos[s.ID] = i
	}
	type stepFor struct {
		step      int
		dependent string
	}
	n := 0
	for k := range impacts {
		n += len(impacts[k].Recovery)
	}
	added := make(map[stepFor]struct{}, n)
	for k := range impacts {
		im := &impacts[k]
		for _, id := range im.Recovery {
			i, ok := pos[id]
			if !ok {
				continue
			}
			if _, dup := added[stepFor{i, im.Dependent}]; dup {
				continue
			}
			added[stepFor{i, im.Dependent}] = struct{}{}
			out[i].For = append(out[i].For, im.Dependent)
		}
	}
	return out
}

// modulePath is the module part of a configuration address ("module.a.module.b"),
// empty in the root module.
func modulePath(configAddr string) string {
	end := 0
	for strings.HasPrefix(configAddr[end:], "module.") {
		dot := strings.IndexByte(configAddr[end+len("module."):], '.')
		if dot < 0 {
			break
		}
		end += len("module.") + dot + 1
	}
	if end == 0 {
		return ""
	}
	return configAddr[:end-1]
}

// resourceOf is the resource a configuration reference names ("aws_iam_role.x.arn" →
// "aws_iam_role.x", "data.aws_x.y.id" → "data.aws_x.y"), or "" for references to
// variables, locals, modules and the like.
func resourceOf(ref string) string {
	first, rest, ok := strings.Cut(ref, ".")
	if !ok {
		return ""
	}
	switch first {
	case "var", "local", "module", "each", "count", "path", "terraform", "self":
		return ""
	case "data":
		typ, rest2, ok := strings.Cut(rest, ".")
		if !ok {
			return ""
		}
		return ref[:len("data.")+len(typ)+1+len(nameOf(rest2))]
	}
	return ref[:len(first)+1+len(nameOf(rest))]
}

// nameOf is the resource name at the start of s, without attribute or instance key.
func nameOf(s string) string {
	if i := strings.IndexAny(s, ".["); i >= 0 {
		return s[:i]
	}
	return s
}

func containsKind(list []knowledge.IdentifierKind, k knowledge.IdentifierKind) bool {
	for _, x := range list {
		if x == k {
			return true
		}
	}
	return false
}

func containsType(list []string, t string) bool {
	for _, x := range list {
		if x == t {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
