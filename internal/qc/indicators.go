package qc

import (
	"sort"
	"strings"
)

// The ten front-page quality indicators of 2016 (NOTES §3.1). Indicators 2–7
// and 9 are defined on manually audited records; from the data alone we can
// only compute their automatic proxy "no finding of the rules that detect
// this kind of error", which is an upper bound of the audited rate.
// Indicator 10 (upload rate = uploaded ÷ discharged) needs the HIS discharge
// count and cannot be computed from front pages.

// Outcome flags: a set bit means the stay FAILS the indicator.
const (
	FailComplete  uint16 = 1 << iota // 1 填报完整率: a completeness error
	FailPdxSelect                    // 2 主要诊断选择正确率 (proxy)
	FailPpxSelect                    // 3 主要手术及操作选择正确率 (proxy)
	FailOtherDx                      // 4 其他诊断填写完整正确率 (proxy)
	FailPdxCode                      // 5 主要诊断编码正确率 (proxy)
	FailOdxCode                      // 6 其他诊断编码正确率 (proxy)
	FailPxCode                       // 7 手术及操作编码正确率 (proxy)
	FailExcellent                    // 8 病案首页数据质量优秀率: score below the threshold
	FailCost                         // 9 医疗费用信息准确率 (proxy: no cost error)
	HasError                         // any error finding (share of stays with errors)
)

// IndicatorInfo describes one of the ten indicators.
type IndicatorInfo struct {
	No         int
	NameCN     string
	Flag       uint16 // 0 when not computable
	Computable string // "yes", "proxy", "no"
	Note       string
}

// Indicators lists the ten 2016 indicators and how Yardstick computes them.
var Indicators = []IndicatorInfo{
	{1, "住院病案首页填报完整率", FailComplete, "yes", "stays without an error of category completeness ÷ stays"},
	{2, "主要诊断选择正确率", FailPdxSelect, "proxy", "no finding of the principal-diagnosis selection rules (V-03*, L-17, L-18, L-19*); the official rate needs a manual audit"},
	{3, "主要手术及操作选择正确率", FailPpxSelect, "proxy", "no finding of L-11b/L-12 (principal procedure selection); the official rate needs a manual audit"},
	{4, "其他诊断填写完整正确率", FailOtherDx, "proxy", "no error/warning on other-diagnosis fields (C06–C08)"},
	{5, "主要诊断编码正确率", FailPdxCode, "proxy", "no coding-category error/warning on C03C"},
	{6, "其他诊断编码正确率", FailOdxCode, "proxy", "no coding-category error/warning on C06xNNC"},
	{7, "手术及操作编码正确率", FailPxCode, "proxy", "no coding-category error/warning on procedure codes"},
	{8, "病案首页数据质量优秀率", FailExcellent, "yes", "score ≥ the excellent threshold (default 90)"},
	{9, "医疗费用信息准确率", FailCost, "proxy", "no cost-category error; agreement with the billing system cannot be checked from the front page"},
	{10, "病案首页数据上传率", 0, "no", "needs the number of discharges from the HIS (uploaded ÷ discharged); not computable from front pages"},
}

// Outcome computes the indicator flags of a stay from its findings and score.
func Outcome(fs []Finding, score, excellent float64) uint16 {
	var o uint16
	if score < excellent {
		o |= FailExcellent
	}
	for k := range fs {
		f := &fs[k]
		r := f.Rule
		if r.Severity == Info {
			continue
		}
		if r.Severity == Error {
			o |= HasError
			switch r.Category {
			case Completeness:
				o |= FailComplete
			case Cost:
				o |= FailCost
			}
		}
		switch {
		case strings.HasPrefix(r.ID, "V-03"), r.ID == "L-17", r.ID == "L-18", strings.HasPrefix(r.ID, "L-19"):
			o |= FailPdxSelect
		case r.ID == "L-11b", r.ID == "L-12":
			o |= FailPpxSelect
		}
		fd := f.Field
		if len(fd) >= 3 && (fd[:3] == "C06" || fd[:3] == "C07" || fd[:3] == "C08") {
			o |= FailOtherDx
		}
		if r.Category == Coding {
			switch {
			case fd == "C03C":
				o |= FailPdxCode
			case strings.HasPrefix(fd, "C06"):
				o |= FailOdxCode
			case fd == "C14x01C", strings.HasPrefix(fd, "C35"), fd == "ANY_PX":
				o |= FailPxCode
			}
		}
	}
	return o
}

// StayOutcome is what the aggregation needs of one checked stay.
type StayOutcome struct {
	Dept  string // discharge department B16C
	Coder string // B29
	Score float64
	Flags uint16
}

// Group aggregates stays of a department, a coder or the whole hospital.
type Group struct {
	Key       string
	Stays     int
	ScoreSum  float64
	WithError int
	Fail      [10]int // per indicator 1..10 (index 0..9); 10 unused
	Hist      [11]int // score histogram: [0,10), [10,20) … [90,100), 100
}

// MeanScore is the mean score.
func (g *Group) MeanScore() float64 {
	if g.Stays == 0 {
		return 0
	}
	return g.ScoreSum / float64(g.Stays)
}

// ErrorShare is the share of stays with at least one error.
func (g *Group) ErrorShare() float64 {
	if g.Stays == 0 {
		return 0
	}
	return float64(g.WithError) / float64(g.Stays)
}

// Rate returns indicator n (1..10) as a share, ok=false when not computable.
func (g *Group) Rate(n int) (float64, bool) {
	if n < 1 || n > len(Indicators) || Indicators[n-1].Flag == 0 || g.Stays == 0 {
		return 0, false
	}
	return 1 - float64(g.Fail[n-1])/float64(g.Stays), true
}

func (g *Group) add(o StayOutcome) {
	g.Stays++
	g.ScoreSum += o.Score
	if o.Flags&HasError != 0 {
		g.WithError++
	}
	for i, ind := range Indicators {
		if ind.Flag != 0 && o.Flags&ind.Flag != 0 {
			g.Fail[i]++
		}
	}
	b := int(o.Score / 10)
	if b < 0 {
		b = 0
	}
	if b > 10 {
		b = 10
	}
	g.Hist[b]++
}

// Aggregate accumulates outcomes per hospital, department and coder.
type Aggregate struct {
	Total   Group
	ByDept  map[string]*Group
	ByCoder map[string]*Group
}

// NewAggregate returns an empty aggregate.
func NewAggregate() *Aggregate {
	return &Aggregate{Total: Group{Key: "全院 hospital"}, ByDept: map[string]*Group{}, ByCoder: map[string]*Group{}}
}

// Add adds one stay.
func (a *Aggregate) Add(o StayOutcome) {
	a.Total.add(o)
	get := func(m map[string]*Group, k string) *Group {
		g := m[k]
		if g == nil {
			// A copy: the caller's strings may live in memory it reuses
			// (the store's check recycles them once a stay is written).
			k = strings.Clone(k)
			g = &Group{Key: k}
			m[k] = g
		}
		return g
	}
	get(a.ByDept, o.Dept).add(o)
	get(a.ByCoder, o.Coder).add(o)
}

// Sorted returns the groups of a map sorted by key.
func Sorted(m map[string]*Group) []*Group {
	out := make([]*Group, 0, len(m))
	for _, g := range m {
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}
