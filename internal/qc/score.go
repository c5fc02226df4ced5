package qc

import (
	"fmt"
	"strings"
)

// The 100-point score (住院病案首页数据质量评分标准, 2016).
//
// Default ("deduct"): a stay starts at 100 and loses the points of every
// scoring item whose field carries an error or warning finding (missing or
// wrong), with the published caps per group and at most the section's
// nominal points per section. The published item tables add up to 87 after
// caps, not 100 (NOTES §3.2), so a perfect record scores 100 and the lowest
// possible score is 13; we keep the raw item points because they are what
// coders are taught and what other tools deduct, so a Yardstick score of 96
// means the same missed items as elsewhere.
//
// "scale": each section's deductions are multiplied by nominal ÷ listed
// (e.g. 住院过程信息 26 ÷ 17), so the score spans 0–100. Points of single
// items can be changed with ScoreConfig.Points (key: item name or field
// code).

// ScoreConfig configures the score.
type ScoreConfig struct {
	Mode      string             `json:"mode,omitempty"`      // deduct (default) | scale
	Excellent float64            `json:"excellent,omitempty"` // threshold of 优秀 for indicator 8 (default 90)
	Points    map[string]float64 `json:"points,omitempty"`    // item name or field code → points
}

// DefaultExcellent is the default 优秀 threshold.
const DefaultExcellent = 90

type scoreItem struct {
	ScoreItem
	section int
	cap     int // index into caps, -1 none
	perLine bool
}

// Scorer computes the score of a stay from its findings. Immutable.
type Scorer struct {
	items     []scoreItem
	sections  []string
	nominal   []float64
	factor    []float64 // deduction multiplier per section
	caps      []float64
	byField   map[string]int // concrete field code → item
	excellent float64
}

// NewScorer builds a scorer from the embedded table and the configuration.
func NewScorer(cfg *ScoreConfig) (*Scorer, error) {
	sc := &Scorer{byField: map[string]int{}, excellent: DefaultExcellent}
	mode := "deduct"
	if cfg != nil {
		if cfg.Mode != "" {
			mode = cfg.Mode
		}
		if cfg.Excellent > 0 {
			sc.excellent = cfg.Excellent
		}
	}
	if mode != "deduct" && mode != "scale" {
		return nil, fmt.Errorf("未知评分方式 unknown score mode %q (deduct, scale)", mode)
	}
	capIdx := map[string]int{}
	secIdx := map[string]int{}
	used := map[string]bool{}
	for _, it := range DefaultScoreItems() {
		si := scoreItem{ScoreItem: it, cap: -1}
		if cfg != nil {
			for _, key := range append([]string{it.Item}, it.Fields...) {
				if p, ok := cfg.Points[key]; ok {
					si.Points = p
					used[key] = true
				}
			}
		}
		s, ok := secIdx[it.Section]
		if !ok {
			s = len(sc.sections)
			secIdx[it.Section] = s
			sc.sections = append(sc.sections, it.Section)
			sc.nominal = append(sc.nominal, it.SectionPoints)
		}
		si.section = s
		if it.CapGroup != "" {
			c, ok := capIdx[it.CapGroup]
			if !ok {
				c = len(sc.caps)
				capIdx[it.CapGroup] = c
				sc.caps = append(sc.caps, it.CapPoints)
			}
			si.cap = c
		}
		idx := len(sc.items)
		for _, fcode := range it.Fields {
			if strings.Contains(fcode, "NN") {
				si.perLine = true
				for n := 1; n <= 40; n++ {
					sc.byField[strings.Replace(fcode, "NN", nn(n), 1)] = idx
				}
				continue
			}
			sc.byField[fcode] = idx
		}
		sc.items = append(sc.items, si)
	}
	if cfg != nil {
		for k := range cfg.Points {
			if !used[k] {
				return nil, fmt.Errorf("评分项不存在 no score item %q", k)
			}
		}
	}
	// listed maximum per section after caps, for the scale mode.
	listed := make([]float64, len(sc.sections))
	capSum := make([]float64, len(sc.caps))
	capSec := make([]int, len(sc.caps))
	for _, it := range sc.items {
		p := it.Points
		if it.perLine {
			p = it.CapPoints // a per-line item can lose at most its cap
		}
		if it.cap >= 0 {
			capSum[it.cap] += p
			capSec[it.cap] = it.section
			continue
		}
		listed[it.section] += p
	}
	for c, sum := range capSum {
		if sum > sc.caps[c] {
			sum = sc.caps[c]
		}
		listed[capSec[c]] += sum
	}
	sc.factor = make([]float64, len(sc.sections))
	for s := range sc.factor {
		sc.factor[s] = 1
		if mode == "scale" && listed[s] > 0 {
			sc.factor[s] = sc.nominal[s] / listed[s]
		}
	}
	return sc, nil
}

// Excellent is the 优秀 threshold.
func (sc *Scorer) Excellent() float64 { return sc.excellent }

// scratch is per-checker working memory of the scorer.
type scoreScratch struct {
	itemHit []bool
	lines   []string
	capDed  []float64
	secDed  []float64
}

// Score returns the stay's score from its findings (errors and warnings
// deduct; info does not).
func (sc *Scorer) score(fs []Finding, sb *scoreScratch) float64 {
	if len(fs) == 0 {
		return 100
	}
	if len(sb.itemHit) != len(sc.items) {
		sb.itemHit = make([]bool, len(sc.items))
		sb.capDed = make([]float64, len(sc.caps))
		sb.secDed = make([]float64, len(sc.sections))
	}
	for i := range sb.itemHit {
		sb.itemHit[i] = false
	}
	for i := range sb.capDed {
		sb.capDed[i] = 0
	}
	for i := range sb.secDed {
		sb.secDed[i] = 0
	}
	sb.lines = sb.lines[:0]
	for k := range fs {
		f := &fs[k]
		if f.Rule.Severity == Info {
			continue
		}
		idx, ok := sc.byField[f.Field]
		if !ok {
			continue
		}
		it := &sc.items[idx]
		if it.perLine {
			dup := false
			for _, l := range sb.lines {
				if l == f.Field {
					dup = true
					break
				}
			}
			if dup {
				continue
			}
			sb.lines = append(sb.lines, f.Field)
		} else {
			if sb.itemHit[idx] {
				continue
			}
			sb.itemHit[idx] = true
		}
		if it.cap >= 0 {
			sb.capDed[it.cap] += it.Points
			continue
		}
		sb.secDed[it.section] += it.Points
	}
	for c, d := range sb.capDed {
		if d > sc.caps[c] {
			d = sc.caps[c]
		}
		if d > 0 {
			// the cap group's section: find from any item of the group
			for i := range sc.items {
				if sc.items[i].cap == c {
					sb.secDed[sc.items[i].section] += d
					break
				}
			}
		}
	}
	total := 100.0
	for s, d := range sb.secDed {
		d *= sc.factor[s]
		if d > sc.nominal[s] {
			d = sc.nominal[s]
		}
		total -= d
	}
	if total < 0 {
		total = 0
	}
	return total
}

// Score scores one stay's findings (convenience; allocates scratch).
func (sc *Scorer) Score(fs []Finding) float64 {
	var sb scoreScratch
	return sc.score(fs, &sb)
}

// ScoreDoc describes the score items for the documentation.
func (sc *Scorer) ScoreDoc() []ScoreItem {
	out := make([]ScoreItem, len(sc.items))
	for i, it := range sc.items {
		out[i] = it.ScoreItem
	}
	return out
}
