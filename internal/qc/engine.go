package qc

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/yardstick-health/yardstick/internal/codes"
	"github.com/yardstick-health/yardstick/internal/frontpage"
)

// Options configure an Engine.
type Options struct {
	// Dicts are the imported code dictionaries. Without the dictionary of a
	// stay's code system the existence and grey-code rules are skipped (and
	// the skip is reported once in the run summary).
	Dicts codes.Set
	// Config is the hospital's configuration (nil: the built-in catalogue).
	Config *Config
}

// Engine is a compiled rule set. It is safe for concurrent use; each
// goroutine checks through its own Checker.
type Engine struct {
	rules    []*Rule // effective rules, catalogue order, including disabled ones
	compiled []*compiled
	dicts    codes.Set
	byID     map[string]*Rule
	scorer   *Scorer
	steps    []step // the enabled rules, for the check loop
	texts    int    // value slots of text fields
	nums     int    // … of numeric fields
	times    int    // … of time fields
	lazy     bool   // some slots are computed on first use

	// How Checker.load fills the value slots: text slot j < len(strOffs)
	// is the string at strOffs[j], numeric slot j the Opt[int] at
	// intOffs[j], then the Opt[float64]s at floatOffs, time slot j the time
	// at timeOffs[j]; loads fill the other slots.
	strOffs, intOffs, floatOffs, timeOffs []uintptr
	loads                                 []loadOp
	keyedTexts                            []int // text slots whose code key is loaded
	dayedTimes                            []int // time slots (timeOffs) whose calendar day is loaded
}

// compiled is a rule with its accessors, sets and ranges resolved.
type compiled struct {
	r      *Rule
	scope  string
	fam    family // items the rule runs on
	start  int    // first item index (1 for other-dx/other-px scopes)
	fields []*acc
	when   []cond
	run    func(k *Checker, c *compiled, s *frontpage.Stay, i int)

	set        codeSet
	ranges     rangeSet
	ranges2    rangeSet // sex_code with the embedded table: male-only codes
	min, max   float64
	hasMin     bool
	hasMax     bool
	px         bool // codes are procedures
	fn         RuleFunc
	shape      func(string) bool
	wantSex    string
	minuteGran bool
	slack      time.Duration
	expect     string  // the constant expect text of range, age_code and code_range findings
	slots      []int   // the fields' value slots, when all are stay fields read eagerly
	kinds      []vkind // … and their kinds
	numSlots   bool    // … and all are numeric

	// Params the checks read on every stay, here so the loop does not
	// load the rule.
	step    float64 // range
	years   bool    // age_code: the unit is years
	require bool    // code_range: mode require
	sumOp   byte    // sum: 'e'q, 'g'e or 'l'e
	sumTol  float64 // sum
}

// family is what a scoped rule iterates over.
type family uint8

const (
	famStay family = iota
	famDx
	famPx
	famICU
)

// New compiles the built-in catalogue with the configuration applied.
func New(opts Options) (*Engine, error) {
	rules := Catalogue()
	if opts.Config != nil {
		var err error
		rules, err = opts.Config.Apply(rules)
		if err != nil {
			return nil, err
		}
	}
	e, err := Compile(rules, opts.Dicts)
	if err != nil {
		return nil, err
	}
	if opts.Config != nil && opts.Config.Score != nil {
		if e.scorer, err = NewScorer(opts.Config.Score); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// Compile compiles an explicit rule list.
func Compile(rules []*Rule, dicts codes.Set) (*Engine, error) {
	sc, err := NewScorer(nil)
	if err != nil {
		return nil, err
	}
	e := &Engine{dicts: dicts, byID: map[string]*Rule{}, scorer: sc}
	for _, r := range rules {
		if _, dup := e.byID[r.ID]; dup {
			return nil, fmt.Errorf("规则编号重复 duplicate rule id %q", r.ID)
		}
		e.byID[r.ID] = r
		e.rules = append(e.rules, r)
		c, err := compileRule(r)
		if err != nil {
			return nil, fmt.Errorf("rule %s: %w", r.ID, err)
		}
		if !r.Disabled {
			e.compiled = append(e.compiled, c)
		}
	}
	e.assignSlots()
	for _, c := range e.compiled {
		e.steps = append(e.steps, step{run: c.run, c: c, fam: c.fam, start: uint8(c.start), cond: len(c.when) > 0})
	}
	return e, nil
}

// assignSlots gives every stay field the enabled rules read a value slot:
// rules reading the same field share it (resolve gives the same accessor
// for the same code), and it carries the code key or calendar day when any
// of them needs it.
func (e *Engine) assignSlots() {
	type slotOf struct {
		kind vkind
		n    int
	}
	slots := map[string]slotOf{}
	var reps, all []*acc
	var count [kList]int // slots per kind
	keyed, dayed := map[slotOf]bool{}, map[slotOf]bool{}
	use := func(a *acc, key, day bool) {
		if a.slot < 0 {
			return
		}
		so, ok := slots[a.code]
		if !ok {
			so = slotOf{a.kind, count[a.kind]}
			count[a.kind]++
			slots[a.code] = so
			reps = append(reps, a)
			e.lazy = e.lazy || a.src == srcLazyNum || a.src == srcLazyTime
		}
		a.slot = so.n
		keyed[so] = keyed[so] || (key && a.kind == kText)
		dayed[so] = dayed[so] || (day && a.kind == kTime)
		all = append(all, a)
	}
	for _, c := range e.compiled {
		ranges := c.r.Check == CheckCodeRange || c.r.Check == CheckSex || c.r.Check == CheckAge
		day := c.r.Check == CheckDateOrder && !c.minuteGran
		for _, a := range c.fields {
			use(a, ranges, day)
		}
		for i := range c.when {
			w := &c.when[i]
			use(w.a, w.op == opInRanges || w.op == opNotInRanges, false)
		}
	}
	e.texts, e.nums, e.times = count[kText], count[kNum], count[kTime]
	for _, a := range all {
		so := slotOf{a.kind, a.slot}
		a.keyed, a.dayed = keyed[so], dayed[so]
	}
	// Renumber the slots so the fields read at a fixed offset of the Stay
	// come first, per kind and in memory order: load then fills slot j of
	// each kind from offset j of its list, in a loop without a switch.
	fixed := func(a *acc) bool {
		return a.src == srcString || a.src == srcOptInt || a.src == srcOptFloat || a.src == srcTime
	}
	order := append([]*acc(nil), reps...)
	sort.SliceStable(order, func(i, j int) bool {
		x, y := order[i], order[j]
		if fx, fy := fixed(x), fixed(y); fx != fy {
			return fx
		} else if !fx {
			return false // the rest keep their order
		}
		if x.src != y.src {
			return x.src < y.src // srcOptInt before srcOptFloat
		}
		return x.off < y.off
	})
	renum := map[slotOf]int{}
	var next [kList]int
	for _, a := range order {
		renum[slotOf{a.kind, a.slot}] = next[a.kind]
		next[a.kind]++
	}
	done := map[*acc]bool{}
	for _, a := range all {
		if !done[a] {
			done[a] = true
			a.slot = renum[slotOf{a.kind, a.slot}]
			if a.kind == kText {
				a.textSlot = a.slot + 1
			}
		}
	}
	e.strOffs, e.intOffs, e.floatOffs, e.timeOffs, e.keyedTexts, e.dayedTimes, e.loads = nil, nil, nil, nil, nil, nil, nil
	for _, a := range order { // reps, renumbered
		switch a.src {
		case srcString:
			e.strOffs = append(e.strOffs, a.off)
		case srcOptInt:
			e.intOffs = append(e.intOffs, a.off)
		case srcOptFloat:
			e.floatOffs = append(e.floatOffs, a.off)
		case srcTime:
			e.timeOffs = append(e.timeOffs, a.off)
		case srcGet, srcNum, srcDxLine, srcPxLine:
			e.loads = append(e.loads, loadOp{slot: a.slot, a: a, src: a.src, off: a.off, line: a.line})
		}
		if a.keyed {
			e.keyedTexts = append(e.keyedTexts, a.slot)
		}
		if a.dayed && a.src == srcTime {
			e.dayedTimes = append(e.dayedTimes, a.slot)
		}
	}
	// The generic loads by line, then in registry order.
	sort.SliceStable(e.loads, func(i, j int) bool {
		x, y := e.loads[i], e.loads[j]
		lx, ly := x.src == srcDxLine || x.src == srcPxLine, y.src == srcDxLine || y.src == srcPxLine
		if lx != ly {
			return lx
		}
		return lx && (x.src < y.src || x.src == y.src && x.line < y.line)
	})
	for _, c := range e.compiled {
		for j := range c.when {
			w := &c.when[j]
			w.textSlot, w.keyed = w.a.textSlot, w.a.keyed
		}
		c.slots, c.kinds = nil, nil
		for _, a := range c.fields {
			if a.slot < 0 || a.src == srcLazyNum || a.src == srcLazyTime {
				c.slots, c.kinds = nil, nil
				break
			}
			c.slots = append(c.slots, a.slot)
			c.kinds = append(c.kinds, a.kind)
		}
		c.numSlots = c.slots != nil
		for _, a := range c.fields {
			c.numSlots = c.numSlots && a.kind == kNum
		}
	}
}

// loadOp fills one value slot not read at a fixed offset of the Stay.
type loadOp struct {
	slot int // in the slots of the field's kind
	a    *acc
	src  src
	off  uintptr
	line int
}

// Rules returns the effective rules (including disabled ones).
func (e *Engine) Rules() []*Rule { return e.rules }

// Rule returns a rule by id.
func (e *Engine) Rule(id string) *Rule { return e.byID[id] }

// Scorer returns the engine's scorer.
func (e *Engine) Scorer() *Scorer { return e.scorer }

// HasDict reports whether a dictionary of the system is loaded.
func (e *Engine) HasDict(system string) bool { return e.dicts.For(system) != nil }

func compileRule(r *Rule) (*compiled, error) {
	if r.ID == "" {
		return nil, fmt.Errorf("规则缺少编号 rule without id")
	}
	if !validCategory(r.Category) {
		return nil, fmt.Errorf("未知类别 unknown category %q", r.Category)
	}
	if r.Severity < Error || r.Severity > Info {
		return nil, fmt.Errorf("严重程度无效 invalid severity")
	}
	c := &compiled{r: r, scope: r.Scope}
	family := ""
	switch r.Scope {
	case ScopeStay:
	case ScopeDx:
		family, c.fam = "dx", famDx
	case ScopeOtherDx:
		family, c.fam, c.start = "dx", famDx, 1
	case ScopeProc:
		family, c.fam = "px", famPx
	case ScopeOtherPx:
		family, c.fam, c.start = "px", famPx, 1
	case ScopeICU:
		family, c.fam = "icu", famICU
	default:
		return nil, fmt.Errorf("未知范围 unknown scope %q", r.Scope)
	}
	for _, f := range r.Fields {
		a, err := resolve(f)
		if err != nil {
			return nil, err
		}
		// Go rules read what they need; their fields are documentation.
		if a.scope != "" && a.scope != family && r.Check != CheckFunc {
			return nil, fmt.Errorf("字段 %s 属于 %s 条目，规则范围为 %q field %s belongs to %s items, rule scope is %q", f, a.scope, r.Scope, f, a.scope, r.Scope)
		}
		c.fields = append(c.fields, a)
	}
	for _, w := range r.When {
		cd, err := compileCond(w, family)
		if err != nil {
			return nil, err
		}
		c.when = append(c.when, cd)
	}
	p := &r.Params
	if p.Min != nil {
		c.min, c.hasMin = *p.Min, true
	}
	if p.Max != nil {
		c.max, c.hasMax = *p.Max, true
	}
	c.px = p.System == "px"
	c.step, c.years, c.require, c.sumTol = p.Step, p.Unit == "years", p.Mode == "require", p.Tolerance
	if len(p.Ranges) > 0 {
		rs, err := compileRanges(p.Ranges)
		if err != nil {
			return nil, err
		}
		c.ranges = rs
	}
	need := func(n int) error {
		if len(c.fields) < n {
			return fmt.Errorf("检查类型 %s 需要 %d 个字段 check %s needs %d fields", r.Check, n, r.Check, n)
		}
		return nil
	}
	var err error
	switch r.Check {
	case CheckRequired, CheckRequiredIf:
		if r.Check == CheckRequiredIf && len(c.when) == 0 {
			return nil, fmt.Errorf("required_if 需要 when 条件 required_if needs a when condition")
		}
		err, c.run = need(1), runRequired
	case CheckCodeset:
		t := CodeTable(p.Table)
		if t == nil {
			return nil, fmt.Errorf("未知代码表 unknown code table %q", p.Table)
		}
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		c.set = newCodeSet(keys)
		err, c.run = need(1), runCodeset
	case CheckShape:
		if c.shape = shapes[p.Pattern]; c.shape == nil {
			return nil, fmt.Errorf("未知格式 unknown pattern %q", p.Pattern)
		}
		err, c.run = need(1), runShape
	case CheckExists, CheckGrey:
		if p.System != "dx" && p.System != "px" {
			return nil, fmt.Errorf("params.system 必须是 dx 或 px must be dx or px")
		}
		err, c.run = need(1), runExists
		if r.Check == CheckGrey {
			c.run = runGrey
		}
	case CheckDateOrder:
		c.minuteGran = p.Granularity == "minute"
		c.slack = time.Duration(p.SlackDays) * 24 * time.Hour
		err, c.run = need(2), runDateOrder
	case CheckRange:
		if !c.hasMin && !c.hasMax && p.Step == 0 {
			return nil, fmt.Errorf("range 需要 min/max/step range needs min, max or step")
		}
		err, c.run, c.expect = need(1), runRange, rangeText(c)
	case CheckSex:
		if len(p.Ranges) == 0 {
			t := sexTables()
			c.ranges, c.ranges2 = t[0], t[1]
		} else if p.Sex != "1" && p.Sex != "2" {
			return nil, fmt.Errorf("sex_code 需要 params.sex 1 或 2 needs params.sex 1 or 2")
		}
		c.wantSex = p.Sex
		err, c.run = need(1), runSex
	case CheckAge:
		if len(c.ranges) == 0 || (!c.hasMin && !c.hasMax) {
			return nil, fmt.Errorf("age_code 需要 ranges 和 min/max needs ranges and min/max")
		}
		err, c.run, c.expect = need(1), runAge, rangeText(c)+" "+p.Unit
	case CheckSum:
		switch p.Op {
		case "eq", "ge", "le":
			c.sumOp = p.Op[0]
		default:
			return nil, fmt.Errorf("sum 的 op 必须是 eq/ge/le op must be eq, ge or le")
		}
		err, c.run = need(2), runSum
	case CheckPair:
		err, c.run = need(2), runPair
	case CheckCodeRange:
		if len(c.ranges) == 0 || (p.Mode != "forbid" && p.Mode != "require") {
			return nil, fmt.Errorf("code_range 需要 ranges 和 mode forbid|require needs ranges and mode forbid|require")
		}
		err, c.run, c.expect = need(1), runCodeRange, strings.Join(p.Ranges, ",")
	case CheckWhen:
		if len(c.when) == 0 {
			return nil, fmt.Errorf("when 检查需要条件 check when needs a condition")
		}
		err, c.run = need(1), runWhen
	case CheckFunc:
		name := p.Func
		if name == "" {
			name = r.ID
		}
		c.fn = funcs[name]
		if c.fn == nil {
			return nil, fmt.Errorf("未注册的函数 no registered function %q", name)
		}
		c.run = runFunc
	default:
		return nil, fmt.Errorf("未知检查类型 unknown check type %q", r.Check)
	}
	if err == nil {
		err = checkFieldKinds(r, c.fields)
	}
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Checker checks stays one at a time; it owns the finding buffer so a stay
// without findings costs no allocation. Not safe for concurrent use.
type Checker struct {
	e       *Engine
	out     []Finding
	cur     *compiled
	skipped map[string]int // rule id → stays skipped for a missing dictionary
	sb      scoreScratch
	c       stayCache
}

// Score scores findings returned by Check, and returns the indicator flags.
func (k *Checker) Score(fs []Finding) (float64, uint16) {
	sc := k.e.scorer.score(fs, &k.sb)
	return sc, Outcome(fs, sc, k.e.scorer.excellent)
}

// NewChecker returns a checker of the engine.
func (e *Engine) NewChecker() *Checker {
	texts1 := make([]string, 1+e.texts)
	return &Checker{e: e, skipped: map[string]int{}, c: stayCache{texts: texts1[1:], texts1: texts1, keys: make([]uint32, e.texts),
		nums: make([]numVal, e.nums), times: make([]timeVal, e.times), lazy: e.lazy}}
}

// Check runs every enabled rule on the stay. The returned slice is reused by
// the next call.
func (k *Checker) Check(s *frontpage.Stay) []Finding {
	k.out = k.out[:0]
	k.load(s)
	for x := range k.e.steps {
		st := &k.e.steps[x]
		c := st.c
		k.cur = c
		n := 1
		switch st.fam {
		case famDx:
			n = len(s.Diagnoses)
		case famPx:
			n = len(s.Procedures)
		case famICU:
			n = len(s.ICU)
		}
		for i := int(st.start); i < n; i++ {
			if !st.cond || k.holds(c, s, i) {
				st.run(k, c, s, i)
			}
		}
	}
	return k.out
}

// step is an enabled rule as the check loop needs it; the steps of an
// engine are one small array, where the compiled rules are scattered over
// the heap.
type step struct {
	run   func(k *Checker, c *compiled, s *frontpage.Stay, i int)
	c     *compiled
	fam   family
	start uint8
	cond  bool // the rule has conditions
}

// Skipped returns, per rule id, how many stays the rule skipped because the
// dictionary of the stay's code system is not imported.
func (k *Checker) Skipped() map[string]int { return k.skipped }

func (k *Checker) holds(c *compiled, s *frontpage.Stay, i int) bool {
	for j := range c.when {
		if !k.eval(&c.when[j], s, i) {
			return false
		}
	}
	return true
}

func (k *Checker) add(a *acc, s *frontpage.Stay, i int, expect string) {
	f := Finding{Rule: k.cur.r, Expect: expect}
	if a != nil {
		f.Field, f.Value = a.concrete(i), k.show(a, s, i)
	}
	k.out = append(k.out, f)
}

// Report adds a finding from a Go rule function.
func (k *Checker) Report(field, value, expect string) {
	if f, ok := frontpage.FieldByCode(field); ok && f.Identity {
		value = "***"
	}
	k.out = append(k.out, Finding{Rule: k.cur.r, Field: field, Value: value, Expect: expect})
}

func runRequired(k *Checker, c *compiled, s *frontpage.Stay, i int) {
	if c.slots != nil {
		// stay fields: present is a test of the loaded value
		for n, slot := range c.slots {
			var ok bool
			switch c.kinds[n] {
			case kText:
				ok = k.c.texts[slot] != ""
			case kNum:
				ok = k.c.nums[slot].ok
			case kTime:
				ok = !k.c.times[slot].t.IsZero()
			}
			if !ok {
				k.add(c.fields[n], s, i, "")
			}
		}
		return
	}
	for _, a := range c.fields {
		if !k.present(a, s, i) {
			k.add(a, s, i, "")
		}
	}
}

func runCodeset(k *Checker, c *compiled, s *frontpage.Stay, i int) {
	for _, a := range c.fields {
		if a.kind == kList {
			for j, n := 0, listLen(s, a.list); j < n; j++ {
				if v := listAt(s, a.list, j); v != "" && !c.set.has(v) {
					k.out = append(k.out, Finding{Rule: c.r, Field: a.code, Value: v})
				}
			}
			continue
		}
		if v := k.text(a, s, i); v != "" && !c.set.has(v) {
			k.add(a, s, i, "")
		}
	}
}

func runShape(k *Checker, c *compiled, s *frontpage.Stay, i int) {
	f := c.shape
	for _, a := range c.fields {
		if a.kind != kText {
			continue
		}
		if v := k.text(a, s, i); v != "" && !f(v) {
			k.add(a, s, i, "")
		}
	}
}

func (c *compiled) system(s *frontpage.Stay) string {
	if c.px {
		return s.PxCodeSystem
	}
	return s.DxCodeSystem
}

func runExists(k *Checker, c *compiled, s *frontpage.Stay, i int) {
	d := k.dict(c.px, s)
	if d == nil {
		if i == c.start {
			k.skipped[c.r.ID]++
		}
		return
	}
	for _, a := range c.fields {
		if v := k.text(a, s, i); v != "" && !d.Has(v) {
			k.add(a, s, i, c.system(s))
		}
	}
}

func runGrey(k *Checker, c *compiled, s *frontpage.Stay, i int) {
	d := k.dict(c.px, s)
	if d == nil {
		if i == c.start {
			k.skipped[c.r.ID]++
		}
		return
	}
	for _, a := range c.fields {
		if v := k.text(a, s, i); v != "" && (d.IsGrey(v) || len(d.Crosswalk) > 0 && k.e.dicts.Grey(c.system(s), v)) {
			// d.IsGrey is the first test of codes.Set.Grey, whose crosswalk
			// lookup only matters for crosswalk dictionaries.
			k.add(a, s, i, "")
		}
	}
}

func runDateOrder(k *Checker, c *compiled, s *frontpage.Stay, i int) {
	a, b := c.fields[0], c.fields[1]
	ta, tb := k.tm(a, s, i), k.tm(b, s, i)
	if ta.IsZero() || tb.IsZero() {
		return
	}
	if !c.minuteGran {
		ta, tb = k.day(a, s, ta), k.day(b, s, tb)
	}
	if ta.After(tb.Add(c.slack)) {
		if c.r.Params.ReportLast {
			k.add(b, s, i, k.show(a, s, i))
			return
		}
		k.add(a, s, i, k.show(b, s, i))
	}
}

func runRange(k *Checker, c *compiled, s *frontpage.Stay, i int) {
	if c.numSlots {
		// numeric stay fields (the amounts): the loaded values only
		for n, slot := range c.slots {
			if x := &k.c.nums[slot]; x.ok && c.outOfRange(x.v) {
				k.add(c.fields[n], s, i, c.expect)
			}
		}
		return
	}
	for n, a := range c.fields {
		var v float64
		var ok bool
		if c.slots != nil && a.kind == kNum {
			x := &k.c.nums[c.slots[n]]
			v, ok = x.v, x.ok
		} else {
			v, ok = k.num(a, s)
		}
		if ok && c.outOfRange(v) {
			k.add(a, s, i, c.expect)
		}
	}
}

// outOfRange is the test of a range rule.
func (c *compiled) outOfRange(v float64) bool {
	bad := (c.hasMin && v < c.min) || (c.hasMax && v > c.max)
	if st := c.step; !bad && st > 0 {
		q := v / st
		bad = math.Abs(q-math.Round(q)) > 1e-9
	}
	return bad
}

func rangeText(c *compiled) string {
	var b strings.Builder
	if c.hasMin {
		b.WriteString(strconv.FormatFloat(c.min, 'f', -1, 64))
	}
	b.WriteString("–")
	if c.hasMax {
		b.WriteString(strconv.FormatFloat(c.max, 'f', -1, 64))
	}
	if st := c.r.Params.Step; st > 0 {
		b.WriteString(" ×" + strconv.FormatFloat(st, 'f', -1, 64))
	}
	return b.String()
}

func runSex(k *Checker, c *compiled, s *frontpage.Stay, i int) {
	sex := s.Sex
	if sex != "1" && sex != "2" {
		return
	}
	for _, a := range c.fields {
		if c.wantSex != "" {
			if sex != c.wantSex && k.inRanges(c.ranges, a, s, i) {
				k.add(a, s, i, sexLabel(c.wantSex))
			}
			continue
		}
		if sex == "1" && k.inRanges(c.ranges, a, s, i) {
			k.add(a, s, i, sexLabel("2"))
		} else if sex == "2" && k.inRanges(c.ranges2, a, s, i) {
			k.add(a, s, i, sexLabel("1"))
		}
	}
}

func sexLabel(s string) string {
	if s == "1" {
		return "男 male"
	}
	return "女 female"
}

func runAge(k *Checker, c *compiled, s *frontpage.Stay, i int) {
	var age float64
	if c.years {
		v, ok := k.ageYears(s)
		if !ok {
			return
		}
		age = v
	} else {
		d, ok := k.ageDays(s)
		if !ok {
			return
		}
		age = float64(d)
	}
	if (!c.hasMin || age >= c.min) && (!c.hasMax || age <= c.max) {
		return
	}
	for _, a := range c.fields {
		if k.inRanges(c.ranges, a, s, i) {
			k.add(a, s, i, c.expect)
		}
	}
}

func runSum(k *Checker, c *compiled, s *frontpage.Stay, i int) {
	total, ok := k.num(c.fields[0], s)
	if !ok {
		return
	}
	var sum float64
	any := false
	if c.numSlots {
		for _, n := range c.slots[1:] {
			if x := &k.c.nums[n]; x.ok {
				sum += x.v
				any = true
			}
		}
	} else {
		for _, a := range c.fields[1:] {
			if v, ok := k.num(a, s); ok {
				sum += v
				any = true
			}
		}
	}
	if !any {
		return
	}
	tol := c.sumTol
	var bad bool
	switch c.sumOp {
	case 'e':
		bad = math.Abs(total-sum) > tol+1e-9
	case 'g':
		bad = total < sum-tol-1e-9
	case 'l':
		bad = total > sum+tol+1e-9
	}
	if bad {
		k.add(c.fields[0], s, i, strconv.FormatFloat(math.Round(sum*100)/100, 'f', 2, 64))
	}
}

func runPair(k *Checker, c *compiled, s *frontpage.Stay, i int) {
	a, b := c.fields[0], c.fields[1]
	pa, pb := k.present(a, s, i), k.present(b, s, i)
	switch {
	case pa && !pb:
		k.add(b, s, i, "")
	case pb && !pa:
		k.add(a, s, i, "")
	}
}

func runCodeRange(k *Checker, c *compiled, s *frontpage.Stay, i int) {
	require := c.require
	for _, a := range c.fields {
		if a.kind == kList {
			found := false
			for j, n := 0, listLen(s, a.list); j < n; j++ {
				if k.listInRanges(c.ranges, a.list, s, j) {
					found = true
					if !require {
						k.out = append(k.out, Finding{Rule: c.r, Field: listItemField(a.code, j), Value: listAt(s, a.list, j)})
					}
				}
			}
			if require && !found {
				k.add(a, s, i, c.expect)
			}
			continue
		}
		if k.text(a, s, i) == "" {
			if require {
				k.add(a, s, i, c.expect)
			}
			continue
		}
		if k.inRanges(c.ranges, a, s, i) != require {
			k.add(a, s, i, c.expect)
		}
	}
}

// listItemField names the concrete field of element j of a pseudo list.
func listItemField(code string, j int) string {
	switch code {
	case "ANY_DX":
		if j == 0 {
			return "C03C"
		}
		return "C06x" + nn(j) + "C"
	case "OTHER_DX":
		return "C06x" + nn(j+1) + "C"
	case "ANY_PX":
		if j == 0 {
			return "C14x01C"
		}
		return "C35x" + nn(j) + "C"
	}
	return code
}

func runWhen(k *Checker, c *compiled, s *frontpage.Stay, i int) { k.add(c.fields[0], s, i, "") }

func runFunc(k *Checker, c *compiled, s *frontpage.Stay, i int) { c.fn(k, s) }

// condOp is a condition operator.
type condOp uint8

const (
	opPresent condOp = iota + 1
	opAbsent
	opEq
	opNe
	opIn
	opNotIn
	opInRanges
	opNotInRanges
	opGt
	opGe
	opLt
	opLe
)

var condOps = map[string]condOp{
	"present": opPresent, "absent": opAbsent, "eq": opEq, "ne": opNe, "in": opIn, "not_in": opNotIn,
	"in_ranges": opInRanges, "not_in_ranges": opNotInRanges, "gt": opGt, "ge": opGe, "lt": opLt, "le": opLe,
}

// cond is a compiled condition.
type cond struct {
	a      *acc
	op     condOp
	val    string
	num    float64
	vals   strSet
	ranges rangeSet
	// a.textSlot and a.keyed, copied by Compile so eval of a stay text
	// field does not load the accessor.
	textSlot int
	keyed    bool
}

func compileCond(w Cond, family string) (cond, error) {
	a, err := resolve(w.Field)
	if err != nil {
		return cond{}, err
	}
	if a.scope != "" && a.scope != family {
		return cond{}, fmt.Errorf("条件字段 %s 与规则范围不符 condition field %s does not match the rule scope", w.Field, w.Field)
	}
	c := cond{a: a, op: condOps[w.Op], val: w.Value}
	switch w.Op {
	case "present", "absent":
	case "eq", "ne":
		if a.kind == kNum {
			if c.num, err = strconv.ParseFloat(w.Value, 64); err != nil {
				return cond{}, fmt.Errorf("条件值不是数值 condition value not a number: %q", w.Value)
			}
		}
	case "in", "not_in":
		c.vals = newStrSet(w.Values)
	case "in_ranges", "not_in_ranges":
		vals := w.Values
		if len(vals) == 0 && w.Value != "" {
			vals = strings.Split(w.Value, ",")
		}
		if c.ranges, err = compileRanges(vals); err != nil {
			return cond{}, err
		}
	case "gt", "ge", "lt", "le":
		if a.kind != kNum {
			return cond{}, fmt.Errorf("比较运算需要数值字段 %s needs a numeric field", w.Op)
		}
		if c.num, err = strconv.ParseFloat(w.Value, 64); err != nil {
			return cond{}, fmt.Errorf("条件值不是数值 condition value not a number: %q", w.Value)
		}
	default:
		return cond{}, fmt.Errorf("未知条件运算 unknown condition op %q", w.Op)
	}
	return c, nil
}

func (k *Checker) eval(c *cond, s *frontpage.Stay, i int) bool {
	t := c.textSlot
	if t == 0 {
		return k.evalAcc(c, s, i)
	}
	v := k.c.texts1[t]
	switch c.op {
	case opPresent:
		return v != ""
	case opAbsent:
		return v == ""
	}
	if v == "" {
		return false
	}
	if c.op == opInRanges || c.op == opNotInRanges {
		in := false
		if len(c.ranges) > 0 {
			if c.keyed {
				in = c.ranges.hasKey(k.c.keys[t-1])
			} else {
				in = c.ranges.hasKey(codeKey(v))
			}
		}
		return in == (c.op == opInRanges)
	}
	return c.textHolds(v)
}

// textHolds is a value condition (eq, ne, in, not_in) on a non-empty text.
func (c *cond) textHolds(v string) bool {
	switch c.op {
	case opEq:
		return v == c.val
	case opNe:
		return v != c.val
	case opIn:
		return c.vals.has(v)
	case opNotIn:
		return !c.vals.has(v)
	}
	return false
}

// evalAcc is eval through the accessor, for every field kind (eval takes
// the stay text fields itself).
func (k *Checker) evalAcc(c *cond, s *frontpage.Stay, i int) bool {
	a := c.a
	switch c.op {
	case opPresent:
		return k.present(a, s, i)
	case opAbsent:
		return !k.present(a, s, i)
	}
	switch a.kind {
	case kList:
		n := listLen(s, a.list)
		switch c.op {
		case opInRanges:
			for j := 0; j < n; j++ {
				if k.listInRanges(c.ranges, a.list, s, j) {
					return true
				}
			}
			return false
		case opNotInRanges:
			for j := 0; j < n; j++ {
				if k.listInRanges(c.ranges, a.list, s, j) {
					return false
				}
			}
			return true
		case opIn, opEq:
			for j := 0; j < n; j++ {
				if v := listAt(s, a.list, j); c.vals.has(v) || v == c.val {
					return true
				}
			}
			return false
		}
		return false
	case kNum:
		v, ok := k.num(a, s)
		if !ok {
			return false
		}
		switch c.op {
		case opEq:
			return v == c.num
		case opNe:
			return v != c.num
		case opGt:
			return v > c.num
		case opGe:
			return v >= c.num
		case opLt:
			return v < c.num
		case opLe:
			return v <= c.num
		}
		return false
	case kText:
		v := k.text(a, s, i)
		if v == "" {
			return false
		}
		if c.op == opInRanges || c.op == opNotInRanges {
			return k.inRanges(c.ranges, a, s, i) == (c.op == opInRanges)
		}
		return c.textHolds(v)
	}
	return false
}

// SortFindings orders findings by severity, then rule id, then field.
func SortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := &fs[i], &fs[j]
		if a.Rule.Severity != b.Rule.Severity {
			return a.Rule.Severity < b.Rule.Severity
		}
		if a.Rule.ID != b.Rule.ID {
			return a.Rule.ID < b.Rule.ID
		}
		return a.Field < b.Field
	})
}
