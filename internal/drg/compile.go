package drg

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Scheme is a compiled, immutable scheme: every code interned to an integer
// id, every code list a bitset over those ids, every condition a small
// struct. It is safe for concurrent use by any number of goroutines.
type Scheme struct {
	Manifest Manifest
	from, to time.Time

	dxID   map[string]int32
	dxCode []string
	dx     []dxInfo
	pxID   map[string]int32
	pxCode []string
	pxOR   bitset

	dxXwalk map[string]int32 // 国家临床版 → 医保版 id
	pxXwalk map[string]int32

	mdcs     []mdcNode
	adrgs    []adrgNode
	drgs     []drgNode
	drgIndex map[string]int32
	lists    []bitset
	tagLists []tagList

	dxNames, pxNames map[string]string

	// Weights holds the relative-weight tables shipped in the pack's weights/
	// folder, keyed by region and year.
	Weights []WeightTable
}

type dxInfo struct {
	mdcMask   uint64 // bit i = in the main-diagnosis list of mdcs[i]
	ccLevel   CCLevel
	ccTable   int32 // exclusion table of a CC/MCC code; 999 = none
	exclTable int32 // exclusion table this code belongs to as principal; 0 = none
}

type mdcNode struct {
	letter, code, name string
	entry              []cond
	adrgs              []int32
	qyAt               int    // index in adrgs before which the QY test sits; -1 = no test
	qyDRG              string // e.g. "BQY"
	qyOn               bool
	regions            []uint8 // trauma region (1-based) per dx id, nil when the MDC has none
	regionNames        []string
}

type adrgNode struct {
	code, name, kind string
	mdc              int
	conds            []cond
	drgs             []int32
}

type drgNode struct {
	code, name, suffix, rule string
	adrg                     int32
	conds                    []cond
	tier                     Tier
}

type tagList struct {
	tags  map[int32]uint32 // procedure id → bitmask of tags
	names []string         // tag bit → tag text
}

// bitset is a set of interned code ids.
type bitset []uint64

func (b bitset) has(id int32) bool {
	return id >= 0 && int(id>>6) < len(b) && b[id>>6]&(1<<(uint(id)&63)) != 0
}

func newBitset(n int, ids []int32) bitset {
	b := make(bitset, (n+63)/64)
	for _, id := range ids {
		b[id>>6] |= 1 << (uint(id) & 63)
	}
	return b
}

// Issue is one finding of pack validation.
type Issue struct {
	Error bool   // false = warning
	File  string // file the finding refers to
	Msg   string
}

func (i Issue) String() string {
	sev := "警告 warning"
	if i.Error {
		sev = "错误 error"
	}
	return fmt.Sprintf("%s: %s: %s", sev, i.File, i.Msg)
}

// ValidationError is returned by Compile when the pack has errors.
type ValidationError struct{ Issues []Issue }

func (e *ValidationError) Error() string {
	var errs []string
	for _, i := range e.Issues {
		if i.Error {
			errs = append(errs, i.String())
		}
	}
	if len(errs) > 5 {
		errs = append(errs[:5], fmt.Sprintf("… 共 %d 个错误 %d errors in total", len(errs), len(errs)))
	}
	return "方案包无效 invalid scheme pack: " + strings.Join(errs, "; ")
}

// Compile validates a resolved pack and builds the grouping structures. It
// returns the scheme, all findings (warnings included), and a
// *ValidationError when any finding is an error.
func Compile(p *Pack) (*Scheme, []Issue, error) {
	c := &compiler{p: p, s: &Scheme{
		Manifest: p.Manifest,
		dxID:     make(map[string]int32, 40000),
		pxID:     make(map[string]int32, 16000),
		drgIndex: map[string]int32{},
	}}
	c.run()
	for _, is := range c.issues {
		if is.Error {
			return nil, c.issues, &ValidationError{Issues: c.issues}
		}
	}
	return c.s, c.issues, nil
}

type compiler struct {
	p      *Pack
	s      *Scheme
	issues []Issue
	// build-time per-list ids, converted to bitsets at the end
	listIDs  [][]int32
	listKind []byte
	listKey  map[string]int32 // "ADRG\x00list" → index
	codes    map[string][]adrgCodeRow
	regions  []map[int32]uint8
	used     map[string]bool
}

type adrgCodeRow struct {
	code, tag string
}

func (c *compiler) errf(file, format string, a ...any) {
	c.issues = append(c.issues, Issue{Error: true, File: file, Msg: fmt.Sprintf(format, a...)})
}

func (c *compiler) warnf(file, format string, a ...any) {
	c.issues = append(c.issues, Issue{File: file, Msg: fmt.Sprintf(format, a...)})
}

func (c *compiler) dx(code string) int32 {
	if id, ok := c.s.dxID[code]; ok {
		return id
	}
	id := int32(len(c.s.dxCode))
	c.s.dxID[code] = id
	c.s.dxCode = append(c.s.dxCode, code)
	c.s.dx = append(c.s.dx, dxInfo{})
	return id
}

func (c *compiler) px(code string) int32 {
	if id, ok := c.s.pxID[code]; ok {
		return id
	}
	id := int32(len(c.s.pxCode))
	c.s.pxID[code] = id
	c.s.pxCode = append(c.s.pxCode, code)
	return id
}

func (c *compiler) run() {
	p, s := c.p, c.s
	if p.Manifest.ID == "" {
		c.errf(fileManifest, "缺少 id missing id")
	}
	var err error
	if s.from, s.to, err = p.Manifest.dates(); err != nil {
		c.errf(fileManifest, "%v", err)
	}
	if !p.hasMDCJSON && len(p.MDCs) == 0 {
		c.errf(fileMDC, "缺少文件 missing file")
	}
	if !p.hasADRGJSON && len(p.ADRGs) == 0 {
		c.errf(fileADRG, "缺少文件 missing file")
	}
	for _, f := range requiredTables {
		if p.Tables[f] == nil {
			c.errf(f, "缺少文件 missing file")
		}
	}
	if len(c.issues) > 0 {
		return
	}
	c.loadORProcedures()
	c.loadMDCs()
	c.loadMainDx()
	c.loadADRGCodes()
	c.loadADRGs()
	c.loadDRGs()
	c.loadCC()
	c.loadCrosswalks()
	c.loadTiers()
	c.loadWeights()
	c.finish()
}

func (c *compiler) loadORProcedures() {
	t := c.p.Tables[fileORProc]
	idx, err := t.requireColumns(fileORProc, "proc_code")
	if err != nil {
		c.errf(fileORProc, "%v", err)
		return
	}
	var ids []int32
	for _, r := range t.Rows {
		if r[idx[0]] != "" {
			ids = append(ids, c.px(r[idx[0]]))
		}
	}
	c.listIDs = append(c.listIDs, ids) // list 0 is the OR list, turned into pxOR in finish
	c.listKind = append(c.listKind, 'p')
}

func (c *compiler) loadMDCs() {
	s := c.s
	mdcs := append([]MDCDef(nil), c.p.MDCs...)
	sort.SliceStable(mdcs, func(i, j int) bool { return mdcs[i].EvalOrder < mdcs[j].EvalOrder })
	if len(mdcs) > 64 {
		c.errf(fileMDC, "最多 64 个 MDC at most 64 MDCs, got %d", len(mdcs))
		return
	}
	seen := map[string]bool{}
	orders := map[int]string{}
	for _, m := range mdcs {
		if m.MDC == "" {
			c.errf(fileMDC, "MDC 缺少 mdc 字母 object without mdc letter")
			continue
		}
		if seen[m.MDC] {
			c.errf(fileMDC, "MDC %s 重复 duplicate", m.MDC)
		}
		seen[m.MDC] = true
		if o, dup := orders[m.EvalOrder]; dup {
			c.errf(fileMDC, "MDC %s 与 %s 的 eval_order %d 相同 same eval_order", m.MDC, o, m.EvalOrder)
		}
		orders[m.EvalOrder] = m.MDC
		code := m.Code
		if code == "" {
			code = "MDC" + m.MDC
		}
		s.mdcs = append(s.mdcs, mdcNode{letter: m.MDC, code: code, name: m.Name, qyAt: -1})
		c.regions = append(c.regions, nil)
	}
}

func (c *compiler) mdcIndex(letter string) int {
	for i := range c.s.mdcs {
		if c.s.mdcs[i].letter == letter {
			return i
		}
	}
	return -1
}

func (c *compiler) loadMainDx() {
	t := c.p.Tables[fileMainDx]
	idx, err := t.requireColumns(fileMainDx, "mdc", "dx_code")
	if err != nil {
		c.errf(fileMainDx, "%v", err)
		return
	}
	ri := t.col("trauma_region")
	regionIDs := make([]map[string]uint8, len(c.s.mdcs))
	unknown := map[string]int{}
	for i, r := range t.Rows {
		mi := c.mdcIndex(r[idx[0]])
		if mi < 0 {
			unknown[r[idx[0]]]++
			continue
		}
		if r[idx[1]] == "" {
			c.errf(fileMainDx, "第 %d 行 line %d: 诊断编码为空 empty dx_code", t.Lines[i], t.Lines[i])
			continue
		}
		id := c.dx(r[idx[1]])
		c.s.dx[id].mdcMask |= 1 << uint(mi)
		if ri >= 0 && r[ri] != "" {
			if regionIDs[mi] == nil {
				regionIDs[mi] = map[string]uint8{}
				c.regions[mi] = map[int32]uint8{}
			}
			rid, ok := regionIDs[mi][r[ri]]
			if !ok {
				if len(regionIDs[mi]) >= 63 {
					c.errf(fileMainDx, "MDC %s 创伤部位超过 63 个 more than 63 trauma regions", r[idx[0]])
					continue
				}
				rid = uint8(len(regionIDs[mi]) + 1)
				regionIDs[mi][r[ri]] = rid
				c.s.mdcs[mi].regionNames = append(c.s.mdcs[mi].regionNames, r[ri])
			}
			c.regions[mi][id] = rid
		}
	}
	for m, n := range unknown {
		c.errf(fileMainDx, "%d 行的 MDC %q 不存在于 mdc.json rows name an MDC that does not exist", n, m)
	}
}

func (c *compiler) loadADRGCodes() {
	t := c.p.Tables[fileADRGCodes]
	idx, err := t.requireColumns(fileADRGCodes, "adrg", "list", "code")
	if err != nil {
		c.errf(fileADRGCodes, "%v", err)
		return
	}
	ti := t.col("tag")
	c.codes = map[string][]adrgCodeRow{}
	c.listKey = map[string]int32{}
	c.used = map[string]bool{}
	for i, r := range t.Rows {
		if r[idx[0]] == "" || r[idx[1]] == "" || r[idx[2]] == "" {
			c.errf(fileADRGCodes, "第 %d 行 line %d: 空字段 empty field", t.Lines[i], t.Lines[i])
			continue
		}
		row := adrgCodeRow{code: r[idx[2]]}
		if ti >= 0 {
			row.tag = r[ti]
		}
		k := r[idx[0]] + "\x00" + r[idx[1]]
		c.codes[k] = append(c.codes[k], row)
	}
}

// list resolves (and on first use builds) the code list name of an ADRG.
func (c *compiler) list(adrg string) listRef {
	return func(kind byte, name string) (int32, error) {
		k := adrg + "\x00" + name
		if id, ok := c.listKey[k]; ok {
			if c.listKind[id] != kind && !(kind == 'p' && c.listKind[id] == 't') {
				return 0, fmt.Errorf("列表 %s/%s 同时用作诊断和手术 used both as diagnosis and procedure list", adrg, name)
			}
			return id, nil
		}
		rows, ok := c.codes[k]
		if !ok {
			return 0, fmt.Errorf("adrg_codes.csv 中没有列表 no list %s/%s", adrg, name)
		}
		c.used[k] = true
		id := int32(len(c.listIDs))
		c.listKey[k] = id
		c.listKind = append(c.listKind, kind)
		var ids []int32
		if kind == 't' {
			tl := tagList{tags: map[int32]uint32{}}
			for _, r := range rows {
				bit := -1
				for i, n := range tl.names {
					if n == r.tag {
						bit = i
					}
				}
				if bit < 0 {
					if r.tag == "" || len(tl.names) >= 32 {
						return 0, fmt.Errorf("列表 %s/%s: 标签为空或超过 32 个 empty tag or more than 32 tags", adrg, name)
					}
					bit = len(tl.names)
					tl.names = append(tl.names, r.tag)
				}
				tl.tags[c.px(r.code)] |= 1 << uint(bit)
			}
			for len(c.s.tagLists) <= int(id) {
				c.s.tagLists = append(c.s.tagLists, tagList{})
			}
			c.s.tagLists[id] = tl
		} else {
			for _, r := range rows {
				if kind == 'd' {
					ids = append(ids, c.dx(r.code))
				} else {
					ids = append(ids, c.px(r.code))
				}
			}
		}
		c.listIDs = append(c.listIDs, ids)
		return id, nil
	}
}

func (c *compiler) tagIndex(list int32, tag string) (int, error) {
	if int(list) >= len(c.s.tagLists) {
		return 0, fmt.Errorf("不是标签列表 not a tagged list")
	}
	for i, n := range c.s.tagLists[list].names {
		if n == tag {
			return i, nil
		}
	}
	return 0, fmt.Errorf("标签 %q 不在列表中 tag not in list", tag)
}

func (c *compiler) loadADRGs() {
	s := c.s
	byCode := map[string]int{}
	for i, a := range c.p.ADRGs {
		if _, dup := byCode[a.ADRG]; dup {
			c.errf(fileADRG, "ADRG %s 重复 duplicate", a.ADRG)
		}
		byCode[a.ADRG] = i
	}
	placed := map[string]string{}
	for mi := range s.mdcs {
		m := &s.mdcs[mi]
		var def *MDCDef
		for i := range c.p.MDCs {
			if c.p.MDCs[i].MDC == m.letter {
				def = &c.p.MDCs[i]
			}
		}
		for _, e := range def.Entry {
			cd, err := compileCond(e, "mdc", nil, nil)
			if err != nil {
				c.errf(fileMDC, "MDC %s entry: %v", m.letter, err)
				continue
			}
			m.entry = append(m.entry, cd)
		}
		for _, code := range def.ADRGOrder {
			ai, ok := byCode[code]
			if !ok {
				c.errf(fileMDC, "MDC %s 的 adrg_order 中的 ADRG %s 不存在 ADRG in adrg_order does not exist", m.letter, code)
				continue
			}
			if prev, dup := placed[code]; dup {
				c.errf(fileMDC, "ADRG %s 同时出现在 MDC %s 和 %s listed in two MDCs", code, prev, m.letter)
				continue
			}
			placed[code] = m.letter
			a := c.p.ADRGs[ai]
			if a.MDC != m.letter {
				c.errf(fileADRG, "ADRG %s 的 mdc=%s 但列在 MDC %s 中 listed under another MDC", code, a.MDC, m.letter)
			}
			node := adrgNode{code: a.ADRG, name: a.Name, kind: a.Kind, mdc: mi}
			for _, cd := range a.Conditions {
				cc, err := compileCond(cd, "adrg", c.list(a.ADRG), c.tagIndex)
				if err != nil {
					c.errf(fileADRG, "ADRG %s: %v", a.ADRG, err)
					continue
				}
				node.conds = append(node.conds, cc)
			}
			if len(a.Conditions) == 0 {
				c.warnf(fileADRG, "ADRG %s 没有条件, 等同 always has no conditions (acts as always)", a.ADRG)
			}
			s.adrgs = append(s.adrgs, node)
			m.adrgs = append(m.adrgs, int32(len(s.adrgs)-1))
		}
		if def.QYCheck != nil {
			c.placeQY(m, def)
		}
	}
	for _, a := range c.p.ADRGs {
		if _, ok := placed[a.ADRG]; !ok {
			if c.mdcIndex(a.MDC) < 0 {
				c.errf(fileADRG, "ADRG %s 的 MDC %q 不存在 MDC does not exist", a.ADRG, a.MDC)
			} else {
				c.warnf(fileADRG, "ADRG %s 不在 MDC %s 的 adrg_order 中, 永远不会入组 not in adrg_order, never reached", a.ADRG, a.MDC)
			}
		}
	}
	for k := range c.codes {
		if !c.used[k] {
			a, l, _ := strings.Cut(k, "\x00")
			if _, ok := byCode[a]; !ok {
				c.errf(fileADRGCodes, "ADRG %s 不存在 (列表 %s) ADRG does not exist", a, l)
			} else {
				c.warnf(fileADRGCodes, "列表 %s/%s 未被任何条件引用 list not used by any condition", a, l)
			}
		}
	}
}

func (c *compiler) placeQY(m *mdcNode, def *MDCDef) {
	q := def.QYCheck
	pos := func(code *string) int {
		if code == nil {
			return -2
		}
		for i, ai := range m.adrgs {
			if c.s.adrgs[ai].code == *code {
				return i
			}
		}
		return -1
	}
	after, before := pos(q.PositionAfter), pos(q.PositionBefore)
	switch {
	case after == -1 || before == -1:
		c.errf(fileMDC, "MDC %s qy_check 引用的 ADRG 不在本 MDC refers to an ADRG not in this MDC", m.letter)
		return
	case before >= 0:
		m.qyAt = before
		if after >= 0 && after+1 != before {
			c.errf(fileMDC, "MDC %s qy_check: position_after 与 position_before 不相邻 not adjacent", m.letter)
		}
	case after >= 0:
		m.qyAt = after + 1
	default:
		m.qyAt = 0
	}
	m.qyDRG = q.DRGCode
	if m.qyDRG == "" {
		m.qyDRG = m.letter + "QY"
	}
	if m.letter == "A" {
		c.warnf(fileMDC, "MDCA 的 qy_check 永不启用 is never applied to MDCA")
		m.qyAt = -1
	}
}

func (c *compiler) loadDRGs() {
	s := c.s
	t := c.p.Tables[fileDRG]
	idx, err := t.requireColumns(fileDRG, "drg", "adrg", "rule")
	if err != nil {
		c.errf(fileDRG, "%v", err)
		return
	}
	mi, ni, si, oi := t.col("mdc"), t.col("name"), t.col("suffix"), t.col("eval_order_in_adrg")
	adrgIdx := map[string]int32{}
	for i, a := range s.adrgs {
		adrgIdx[a.code] = int32(i)
	}
	type pending struct {
		order, row int
		id         int32
	}
	perADRG := map[int32][]pending{}
	for i, r := range t.Rows {
		line := t.Lines[i]
		code := r[idx[0]]
		if code == "" {
			c.errf(fileDRG, "第 %d 行 line %d: drg 为空 empty drg", line, line)
			continue
		}
		if _, dup := s.drgIndex[code]; dup {
			c.errf(fileDRG, "DRG %s 重复 duplicate", code)
			continue
		}
		ai, ok := adrgIdx[r[idx[1]]]
		if !ok {
			c.errf(fileDRG, "DRG %s 的 ADRG %s 不存在 (或不在任何 MDC 的 adrg_order 中) ADRG of DRG does not exist", code, r[idx[1]])
			continue
		}
		if mi >= 0 && r[mi] != "" && r[mi] != s.mdcs[s.adrgs[ai].mdc].letter {
			c.errf(fileDRG, "DRG %s 的 mdc=%s 与其 ADRG 的 MDC %s 不符 disagrees with its ADRG", code, r[mi], s.mdcs[s.adrgs[ai].mdc].letter)
		}
		defs, err := parseRule(r[idx[2]])
		if err != nil {
			c.errf(fileDRG, "DRG %s: %v", code, err)
			continue
		}
		node := drgNode{code: code, rule: r[idx[2]], adrg: ai}
		if ni >= 0 {
			node.name = r[ni]
		}
		if si >= 0 {
			node.suffix = r[si]
		}
		for _, d := range defs {
			cd, err := compileCond(d, "drg", nil, nil)
			if err != nil {
				c.errf(fileDRG, "DRG %s: %v", code, err)
				continue
			}
			if cd.op != opAlways {
				node.conds = append(node.conds, cd)
			}
		}
		order := len(perADRG[ai]) + 1
		if oi >= 0 && r[oi] != "" {
			if o, err := strconv.Atoi(r[oi]); err == nil {
				order = o
			} else {
				c.errf(fileDRG, "DRG %s: eval_order_in_adrg %q 不是整数 not an integer", code, r[oi])
			}
		}
		s.drgs = append(s.drgs, node)
		id := int32(len(s.drgs) - 1)
		s.drgIndex[code] = id
		perADRG[ai] = append(perADRG[ai], pending{order: order, row: i, id: id})
	}
	for ai := range s.adrgs {
		a := &s.adrgs[ai]
		ps := perADRG[int32(ai)]
		sort.SliceStable(ps, func(i, j int) bool { return ps[i].order < ps[j].order })
		for _, p := range ps {
			a.drgs = append(a.drgs, p.id)
		}
		if len(a.drgs) == 0 {
			c.errf(fileDRG, "ADRG %s 没有 DRG has no DRG", a.code)
			continue
		}
		if last := s.drgs[a.drgs[len(a.drgs)-1]]; len(last.conds) != 0 {
			c.errf(fileDRG, "ADRG %s 的最后一个 DRG %s 规则不是 always: 部分病例将无 DRG last DRG rule %q is not always", a.code, last.code, last.rule)
		}
		// adrg.json may repeat the DRG order; when it does it must agree.
		for _, def := range c.p.ADRGs {
			if def.ADRG != a.code || len(def.DRGs) == 0 {
				continue
			}
			var got []string
			for _, d := range a.drgs {
				got = append(got, s.drgs[d].code)
			}
			if strings.Join(got, ",") != strings.Join(def.DRGs, ",") {
				c.errf(fileADRG, "ADRG %s 的 drgs %v 与 drg.csv 的 %v 不一致 disagree with drg.csv", a.code, def.DRGs, got)
			}
		}
	}
}

func (c *compiler) loadCC() {
	s := c.s
	t := c.p.Tables[fileCCMCC]
	idx, err := t.requireColumns(fileCCMCC, "dx_code", "level", "exclusion_table")
	if err != nil {
		c.errf(fileCCMCC, "%v", err)
		return
	}
	for i, r := range t.Rows {
		var lvl CCLevel
		switch strings.ToUpper(r[idx[1]]) {
		case "MCC":
			lvl = LevelMCC
		case "CC":
			lvl = LevelCC
		default:
			c.errf(fileCCMCC, "第 %d 行 line %d: level %q 须为 MCC 或 CC must be MCC or CC", t.Lines[i], t.Lines[i], r[idx[1]])
			continue
		}
		tbl := int32(999)
		if r[idx[2]] != "" {
			n, err := strconv.Atoi(r[idx[2]])
			if err != nil {
				c.errf(fileCCMCC, "第 %d 行 line %d: exclusion_table %q 不是整数 not an integer", t.Lines[i], t.Lines[i], r[idx[2]])
				continue
			}
			tbl = int32(n)
		}
		id := c.dx(r[idx[0]])
		if s.dx[id].ccLevel != 0 {
			c.warnf(fileCCMCC, "%s 重复, 以最后一行为准 duplicate, last row wins", r[idx[0]])
		}
		s.dx[id].ccLevel, s.dx[id].ccTable = lvl, tbl
	}
	t = c.p.Tables[fileCCExcl]
	idx, err = t.requireColumns(fileCCExcl, "main_dx_code", "exclusion_table")
	if err != nil {
		c.errf(fileCCExcl, "%v", err)
		return
	}
	for i, r := range t.Rows {
		n, err := strconv.Atoi(r[idx[1]])
		if err != nil || n <= 0 {
			c.errf(fileCCExcl, "第 %d 行 line %d: exclusion_table %q 须为正整数 must be a positive integer", t.Lines[i], t.Lines[i], r[idx[1]])
			continue
		}
		if n == 999 {
			// 999 marks "no table" on the CC side; as a principal's table it
			// would exclude nothing anyway, so treat it as absent.
			continue
		}
		s.dx[c.dx(r[idx[0]])].exclTable = int32(n)
	}
}

func (c *compiler) loadCrosswalks() {
	load := func(file string, intern func(string) int32) map[string]int32 {
		t := c.p.Tables[file]
		if t == nil {
			return nil
		}
		idx, err := t.requireColumns(file, "guolin_code", "yibao_code")
		if err != nil {
			c.errf(file, "%v", err)
			return nil
		}
		m := make(map[string]int32, len(t.Rows))
		for _, r := range t.Rows {
			if r[idx[0]] != "" && r[idx[1]] != "" {
				m[r[idx[0]]] = intern(r[idx[1]])
			}
		}
		return m
	}
	c.s.dxXwalk = load(fileDxXwalk, c.dx)
	c.s.pxXwalk = load(filePxXwalk, c.px)
	names := func(file string) map[string]string {
		t := c.p.Tables[file]
		if t == nil || len(t.Header) < 2 {
			return nil
		}
		m := make(map[string]string, len(t.Rows))
		for _, r := range t.Rows {
			m[r[0]] = r[1]
		}
		return m
	}
	c.s.dxNames = names(fileDxNames)
	c.s.pxNames = names(filePxNames)
}

func (c *compiler) loadTiers() {
	t := c.p.Tables[fileTiers]
	if t == nil {
		return
	}
	tiers, err := parseTierTable(t)
	if err != nil {
		c.errf(fileTiers, "%v", err)
		return
	}
	for code, tier := range tiers {
		id, ok := c.s.drgIndex[code]
		if !ok {
			c.warnf(fileTiers, "DRG %s 不在本方案中 not in this scheme", code)
			continue
		}
		c.s.drgs[id].tier = tier
	}
}

func (c *compiler) loadWeights() {
	var names []string
	for n := range c.p.Tables {
		if strings.HasPrefix(n, "weights/") {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		tables, err := weightTablesFrom(c.p.Tables[n])
		if err != nil {
			c.errf(n, "%v", err)
			continue
		}
		for _, wt := range tables {
			missing := 0
			for code := range wt.RW {
				if _, ok := c.s.drgIndex[code]; !ok {
					missing++
				}
			}
			if missing > 0 {
				c.warnf(n, "%s %d: %d 个 DRG 不在本方案中 DRGs not in this scheme", wt.Region, wt.Year, missing)
			}
		}
		c.s.Weights = append(c.s.Weights, tables...)
	}
}

// finish turns the build-time id lists into bitsets and region tables.
func (c *compiler) finish() {
	s := c.s
	nd, np := len(s.dxCode), len(s.pxCode)
	s.lists = make([]bitset, len(c.listIDs))
	for i, ids := range c.listIDs {
		switch c.listKind[i] {
		case 'd':
			s.lists[i] = newBitset(nd, ids)
		case 'p':
			s.lists[i] = newBitset(np, ids)
		}
	}
	s.pxOR = s.lists[0]
	for len(s.tagLists) < len(s.lists) {
		s.tagLists = append(s.tagLists, tagList{})
	}
	for mi, reg := range c.regions {
		if reg == nil {
			continue
		}
		r := make([]uint8, nd)
		for id, v := range reg {
			r[id] = v
		}
		s.mdcs[mi].regions = r
	}
	// QY switch: off unless the manifest enables it; never for MDCA.
	if q := s.Manifest.QY; q != nil && q.Enabled {
		for mi := range s.mdcs {
			m := &s.mdcs[mi]
			if m.letter == "A" || m.qyAt < 0 {
				continue
			}
			m.qyOn = len(q.MDCs) == 0
			for _, l := range q.MDCs {
				if l == m.letter {
					m.qyOn = true
				}
			}
		}
		for _, l := range q.MDCs {
			if l == "A" {
				c.warnf(fileManifest, "qy.mdcs 含 A: MDCA 永不做歧义检查 QY is never applied to MDCA")
			} else if mi := c.mdcIndex(l); mi < 0 {
				c.errf(fileManifest, "qy.mdcs: MDC %s 不存在 does not exist", l)
			} else if s.mdcs[mi].qyAt < 0 {
				c.errf(fileManifest, "qy.mdcs: MDC %s 没有 qy_check has no qy_check position", l)
			}
		}
	}
	// Codes listed for a main-diagnosis ADRG but absent from the MDC's main
	// list can never select that ADRG (252 such codes in the national 1.1
	// tables, kept as published): report them as one warning per ADRG.
	for _, a := range s.adrgs {
		for _, cd := range a.conds {
			if cd.op != opMainDxIn {
				continue
			}
			n := 0
			for _, id := range c.listIDs[cd.list] {
				if s.dx[id].mdcMask&(1<<uint(a.mdc)) == 0 {
					n++
				}
			}
			if n > 0 {
				c.warnf(fileADRGCodes, "ADRG %s: %d 个主诊断编码不在 MDC %s 主诊表中, 无法选中该 ADRG main-dx codes not in the MDC list", a.code, n, s.mdcs[a.mdc].letter)
			}
		}
	}
}

// ID, Version and Name of the scheme (from pack.json).
func (s *Scheme) ID() string      { return s.Manifest.ID }
func (s *Scheme) Version() string { return s.Manifest.Version }

// InForce reports whether the scheme applies on date d (zero d: always).
func (s *Scheme) InForce(d time.Time) bool {
	if d.IsZero() {
		return true
	}
	d = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
	if !s.from.IsZero() && d.Before(s.from) {
		return false
	}
	if !s.to.IsZero() && d.After(s.to) {
		return false
	}
	return true
}

// Stats summarises the scheme's size.
type Stats struct{ MDCs, ADRGs, DRGs, DxCodes, ProcCodes int }

func (s *Scheme) Stats() Stats {
	return Stats{MDCs: len(s.mdcs), ADRGs: len(s.adrgs), DRGs: len(s.drgs), DxCodes: len(s.dxCode), ProcCodes: len(s.pxCode)}
}

// DRGs lists the DRG codes in evaluation order with their ADRG and name.
func (s *Scheme) DRGs() []DRGInfo {
	out := make([]DRGInfo, 0, len(s.drgs))
	for _, m := range s.mdcs {
		for _, ai := range m.adrgs {
			a := s.adrgs[ai]
			for _, di := range a.drgs {
				d := s.drgs[di]
				out = append(out, DRGInfo{DRG: d.code, ADRG: a.code, MDC: m.code, Name: d.name, Rule: d.rule, Tier: d.tier})
			}
		}
	}
	return out
}

// DRGInfo describes one DRG of a scheme.
type DRGInfo struct {
	DRG, ADRG, MDC, Name, Rule string
	Tier                       Tier
}

// DxName and ProcName return the dictionary name of a code when the pack
// ships the code dictionaries (codes/*_names.csv), else "".
func (s *Scheme) DxName(code string) string   { return s.dxNames[code] }
func (s *Scheme) ProcName(code string) string { return s.pxNames[code] }
