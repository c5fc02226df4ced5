package drg

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
)

// WeightTable is a relative-weight (RW, 权重) table of one region and year.
type WeightTable struct {
	Region string
	Year   int
	RW     map[string]float64 // DRG code → relative weight; groups without a published weight are absent
	// Internal is true when the weights were computed from local costs
	// (ComputeInternalWeights) rather than imported.
	Internal bool
}

// ReadWeightsCSV reads a weight file with columns region,year,drg,rw (empty
// rw = no published weight for that group) and returns one table per
// region and year, in file order.
func ReadWeightsCSV(r io.Reader) ([]WeightTable, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read weights: %w", err)
	}
	t, err := parseTable("weights", b)
	if err != nil {
		return nil, err
	}
	return weightTablesFrom(t)
}

func weightTablesFrom(t *table) ([]WeightTable, error) {
	idx, err := t.requireColumns("weights", "region", "year", "drg", "rw")
	if err != nil {
		return nil, err
	}
	var out []WeightTable
	pos := map[string]int{}
	for i, r := range t.Rows {
		year, err := strconv.Atoi(r[idx[1]])
		if err != nil {
			return nil, fmt.Errorf("weights 第 %d 行 line %d: year %q 不是整数 not an integer", t.Lines[i], t.Lines[i], r[idx[1]])
		}
		k := r[idx[0]] + "\x00" + r[idx[1]]
		p, ok := pos[k]
		if !ok {
			p = len(out)
			pos[k] = p
			out = append(out, WeightTable{Region: r[idx[0]], Year: year, RW: map[string]float64{}})
		}
		if r[idx[3]] == "" {
			continue
		}
		rw, err := strconv.ParseFloat(r[idx[3]], 64)
		if err != nil || rw < 0 || math.IsNaN(rw) || math.IsInf(rw, 0) {
			return nil, fmt.Errorf("weights 第 %d 行 line %d: rw %q 无效 invalid", t.Lines[i], t.Lines[i], r[idx[3]])
		}
		out[p].RW[r[idx[2]]] = rw
	}
	return out, nil
}

// Weights returns the pack's weight table for a region and year.
func (s *Scheme) WeightTable(region string, year int) (WeightTable, bool) {
	for _, w := range s.Weights {
		if w.Region == region && w.Year == year {
			return w, true
		}
	}
	return WeightTable{}, false
}

// CaseCost is one grouped stay with its cost and length of stay, the input
// of the case-mix measures.
type CaseCost struct {
	DRG  string
	Cost float64 // total cost (总费用)
	LOS  float64 // length of stay, days
}

// TrimFactor is the IQR multiple of the outlier rule used for internal weights.
const TrimFactor = 3.0

// MinCasesForTrim: groups with fewer cases are not trimmed (quartiles of
// three values say nothing about outliers).
const MinCasesForTrim = 5

// trimmed returns the values of xs inside [Q1−3·IQR, Q3+3·IQR] (quartiles by
// linear interpolation between order statistics, as in R type 7 / Excel
// QUARTILE.INC). Groups smaller than MinCasesForTrim are returned unchanged.
func trimmed(xs []float64) []float64 {
	if len(xs) < MinCasesForTrim {
		return xs
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	q1, q3 := quantile(s, 0.25), quantile(s, 0.75)
	iqr := q3 - q1
	lo, hi := q1-TrimFactor*iqr, q3+TrimFactor*iqr
	out := s[:0]
	for _, x := range s {
		if x >= lo && x <= hi {
			out = append(out, x)
		}
	}
	return out
}

// quantile of sorted values, linear interpolation (type 7).
func quantile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	h := p * float64(len(sorted)-1)
	lo := int(math.Floor(h))
	if lo+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	return sorted[lo] + (h-float64(lo))*(sorted[lo+1]-sorted[lo])
}

// ComputeInternalWeights derives relative weights from local costs when no
// published table exists: per DRG, costs outside [Q1−3·IQR, Q3+3·IQR] of
// that DRG are dropped (groups under MinCasesForTrim cases are kept whole);
// RW = mean kept cost of the DRG ÷ mean kept cost of all grouped stays.
// Cases with an empty DRG, a non-grouped code (0000, xQY) or a cost that is
// not a positive number are ignored.
func ComputeInternalWeights(cases []CaseCost) WeightTable {
	by := map[string][]float64{}
	for _, c := range cases {
		if !isGroupedDRG(c.DRG) || !(c.Cost > 0) || math.IsInf(c.Cost, 0) {
			continue
		}
		by[c.DRG] = append(by[c.DRG], c.Cost)
	}
	sums := map[string][2]float64{}
	var total, n float64
	for d, xs := range by {
		kept := trimmed(xs)
		var s float64
		for _, x := range kept {
			s += x
		}
		sums[d] = [2]float64{s, float64(len(kept))}
		total += s
		n += float64(len(kept))
	}
	w := WeightTable{Region: "internal", RW: map[string]float64{}, Internal: true}
	if n == 0 || total == 0 {
		return w
	}
	overall := total / n
	for d, sn := range sums {
		if sn[1] > 0 {
			w.RW[d] = (sn[0] / sn[1]) / overall
		}
	}
	return w
}

// isGroupedDRG is false for empty, 0000 and QY codes.
func isGroupedDRG(d string) bool {
	return d != "" && d != "0000" && !(len(d) == 3 && d[1:] == "QY")
}

// CaseMix holds the case-mix measures of a set of stays.
type CaseMix struct {
	Stays    int     // grouped stays counted
	Weighted float64 // total weight (总权重)
	CMI      float64 // case-mix index = total weight ÷ stays with a weight
	DRGCount int     // number of distinct DRGs (DRG 组数)
	NoWeight int     // grouped stays whose DRG has no weight (excluded from CMI)
}

// CMI computes the case-mix index of the given DRG codes (one per grouped
// stay) under a weight table. Stays whose DRG has no weight count towards
// DRGCount but not towards CMI.
func CMI(drgs []string, w WeightTable) CaseMix {
	var m CaseMix
	seen := map[string]bool{}
	withW := 0
	for _, d := range drgs {
		if !isGroupedDRG(d) {
			continue
		}
		m.Stays++
		seen[d] = true
		if rw, ok := w.RW[d]; ok {
			m.Weighted += rw
			withW++
		} else {
			m.NoWeight++
		}
	}
	m.DRGCount = len(seen)
	if withW > 0 {
		m.CMI = m.Weighted / float64(withW)
	}
	return m
}

// GroupMeans are the reference mean cost and length of stay of one DRG.
type GroupMeans struct {
	Cost, LOS float64
	N         int
}

// ReferenceMeans computes per-DRG mean cost and LOS (e.g. from a region's
// stays, the reference of the consumption indices).
func ReferenceMeans(cases []CaseCost) map[string]GroupMeans {
	out := map[string]GroupMeans{}
	for _, c := range cases {
		if !isGroupedDRG(c.DRG) {
			continue
		}
		g := out[c.DRG]
		g.Cost += c.Cost
		g.LOS += c.LOS
		g.N++
		out[c.DRG] = g
	}
	for d, g := range out {
		g.Cost /= float64(g.N)
		g.LOS /= float64(g.N)
		out[d] = g
	}
	return out
}

// ConsumptionIndices computes the cost consumption index (费用消耗指数) and
// time consumption index (时间消耗指数) of a hospital against reference
// means: Σ_d (hospital mean_d ÷ reference mean_d × hospital n_d) ÷ Σ_d n_d,
// over the DRGs present in both with a positive reference mean. 1 = same as
// reference; above 1 = costlier / longer. Stays counts the stays used.
func ConsumptionIndices(hospital []CaseCost, ref map[string]GroupMeans) (cost, time float64, stays int) {
	h := ReferenceMeans(hospital)
	var cn, tn, cs, ts float64
	for d, g := range h {
		r, ok := ref[d]
		if !ok {
			continue
		}
		if r.Cost > 0 {
			cs += g.Cost / r.Cost * float64(g.N)
			cn += float64(g.N)
		}
		if r.LOS > 0 {
			ts += g.LOS / r.LOS * float64(g.N)
			tn += float64(g.N)
		}
	}
	if cn > 0 {
		cost = cs / cn
		stays = int(cn)
	}
	if tn > 0 {
		time = ts / tn
	}
	return cost, time, stays
}

// MortalityStat is the reference mortality of one DRG.
type MortalityStat struct {
	DRG    string
	Stays  int
	Deaths int
}

// Tiers classifies DRGs by standardised log mortality. For each DRG with at
// least one stay, m = (deaths + 0.5) ÷ (stays + 1); z = (ln m − mean) ÷ SD
// over those DRGs (population SD); z < −1 low, −1 ≤ z < 0 mid-low,
// 0 ≤ z < 1 mid-high, z ≥ 1 high.
//
// The 0.5 continuity correction is what makes a local reference usable: in
// one hospital's year most DRGs have no death, and ln 0 is undefined. Without
// it every death-free DRG would have to be called low risk however few its
// cases, which put ~90 % of a synthetic tertiary hospital's discharges in the
// low-risk denominator. With it, a DRG with 500 cases and no death is low
// risk, one with 5 cases and no death is not yet known to be. National tier
// lists (imported with ReadTiersCSV) replace this estimate when available.
// When all DRGs have the same corrected rate, z is undefined and every DRG
// gets mid-high.
func Tiers(stats []MortalityStat) map[string]Tier {
	out := map[string]Tier{}
	logs := make(map[string]float64, len(stats))
	var mean float64
	for _, s := range stats {
		if s.Stays > 0 {
			l := math.Log((float64(s.Deaths) + 0.5) / (float64(s.Stays) + 1))
			logs[s.DRG] = l
			mean += l
		}
	}
	if len(logs) == 0 {
		return out
	}
	mean /= float64(len(logs))
	var sd float64
	for _, l := range logs {
		sd += (l - mean) * (l - mean)
	}
	sd = math.Sqrt(sd / float64(len(logs)))
	for d, l := range logs {
		if sd == 0 {
			out[d] = TierMidHigh
			continue
		}
		out[d] = TierForZ((l - mean) / sd)
	}
	return out
}

// TierForZ maps a standardised log mortality to its tier.
func TierForZ(z float64) Tier {
	switch {
	case z < -1:
		return TierLow
	case z < 0:
		return TierMidLow
	case z < 1:
		return TierMidHigh
	}
	return TierHigh
}

// ReadTiersCSV reads a published tier list with columns drg,tier (tier as
// low/mid-low/mid-high/high, 低风险/中低风险/中高风险/高风险 or 1–4).
func ReadTiersCSV(r io.Reader) (map[string]Tier, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read tiers: %w", err)
	}
	t, err := parseTable("tiers", b)
	if err != nil {
		return nil, err
	}
	return parseTierTable(t)
}

func parseTierTable(t *table) (map[string]Tier, error) {
	idx, err := t.requireColumns("tiers", "drg", "tier")
	if err != nil {
		return nil, err
	}
	out := map[string]Tier{}
	for i, r := range t.Rows {
		tier, ok := ParseTier(r[idx[1]])
		if !ok {
			return nil, fmt.Errorf("tiers 第 %d 行 line %d: tier %q 无效 invalid", t.Lines[i], t.Lines[i], r[idx[1]])
		}
		out[r[idx[0]]] = tier
	}
	return out, nil
}
