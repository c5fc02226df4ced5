// Package drgrun groups the stays of a store into DRGs and records the
// results (drg_results). It joins the store (lean reads, appender writes) and
// the engine (internal/drg); the CLI (yardstick group), the demo and the web
// server call GroupStore.
package drgrun

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/yardstick-health/yardstick/internal/drg"
	"github.com/yardstick-health/yardstick/internal/frontpage"
	"github.com/yardstick-health/yardstick/internal/store"
)

// Weight modes of GroupStoreOptions.Weights.
const (
	WeightsAuto     = ""         // the pack table of Region when given; internal weights when the pack has none; else none
	WeightsInternal = "internal" // always compute internal weights from the store's costs
	WeightsNone     = "none"     // record no weights
)

// GroupStoreOptions select the schemes and weights of a store grouping.
type GroupStoreOptions struct {
	// Scheme, when set, groups every stay with this scheme (stays discharged
	// outside its effective range are invalid, as in the file mode).
	Scheme *drg.Scheme
	// Schemes are candidate schemes (e.g. every installed pack): each stay is
	// grouped by the one in force on its discharge date (latest effective
	// date wins on overlap). Ignored when Scheme is set.
	Schemes []*drg.Scheme
	// Fallback groups stays no candidate covers (the embedded demo pack in
	// the CLI); nil makes them invalid. Ignored when Scheme is set.
	Fallback *drg.Scheme
	// Region and Year pick the pack's published weight table (Year 0 = the
	// latest year published for Region).
	Region string
	Year   int
	// Weights is WeightsAuto, WeightsInternal or WeightsNone.
	Weights string
	// Filter limits the regrouping to some stays (zero = the whole store).
	// Internal weights are computed over the stays grouped in this run.
	Filter store.Filter
	// Workers grouping goroutines (0 = min(2, GOMAXPROCS)).
	Workers int
}

// Count is a code (or reason) with its number of stays.
type Count struct {
	Key   string `json:"key"`
	Count int    `json:"count"`
}

// SchemeUse is how many stays a scheme grouped and where its weights came from.
type SchemeUse struct {
	ID           string `json:"id"`
	Version      string `json:"version"`
	Stays        int    `json:"stays"`
	Fallback     bool   `json:"fallback,omitempty"` // the fallback (demo) pack
	WeightSource string `json:"weight_source,omitempty"`
	// Regions lists the pack's weight regions when it has tables but none
	// was chosen (so weights were left empty).
	Regions []string `json:"weight_regions,omitempty"`
}

// GroupStoreSummary describes one store grouping.
type GroupStoreSummary struct {
	Stays          int         `json:"stays"`
	Grouped        int         `json:"grouped"`
	Ungroupable    int         `json:"ungroupable_0000"`
	TopUngroupable []Count     `json:"top_ungroupable_principal_dx,omitempty"` // principal diagnoses behind 0000
	Ambiguous      int         `json:"ambiguous_qy"`
	Invalid        int         `json:"invalid"`
	InvalidReasons []Count     `json:"invalid_reasons,omitempty"`
	DRGCount       int         `json:"drg_count"`
	CMI            float64     `json:"cmi"`
	WeightedStays  int         `json:"weighted_stays"` // grouped stays with a weight (the CMI denominator)
	Schemes        []SchemeUse `json:"schemes"`
	NoScheme       int         `json:"no_scheme"` // stays no scheme covered (invalid)
	// Translation of 国家临床版 codes through the pack's crosswalks.
	Translated        int     `json:"translated_stays"`
	UntranslatedCodes int     `json:"untranslated_codes"` // code occurrences without a crosswalk entry
	UntranslatedStays int     `json:"untranslated_stays"` // stays made invalid by them
	TopUntranslated   []Count `json:"top_untranslated,omitempty"`
	// NotTranslated counts stays coded in 国家临床版 grouped as they are
	// because their scheme has no crosswalk (e.g. the demo pack).
	NotTranslated int           `json:"not_translated_stays"`
	Elapsed       time.Duration `json:"-"`
	ElapsedMS     int64         `json:"elapsed_ms"`
}

// ErrNoRegion is returned when Region names a weight table no scheme has.
var ErrNoRegion = errors.New("方案没有该地区的权重表 no weight table for the region")

// aux is per-stay data the summary and internal weights need beyond the row.
type aux struct {
	scheme    int32 // index into schemes; -1 = none
	cost      float64
	los       int
	principal string
	xl        bool // codes were translated
	notXl     bool // 国家临床版 codes but no crosswalk
}

type batchOut struct {
	rows []store.DRGResultRow
	aux  []aux
}

// GroupStore groups the stays of the store (opt.Filter) and replaces their
// drg_results rows in one transaction.
func GroupStore(ctx context.Context, db *store.DB, opt GroupStoreOptions) (*GroupStoreSummary, error) {
	start := time.Now()
	var cands []*drg.Scheme
	var fallback *drg.Scheme
	if opt.Scheme != nil {
		cands = []*drg.Scheme{opt.Scheme}
	} else {
		cands, fallback = opt.Schemes, opt.Fallback
	}
	if len(cands) == 0 && fallback == nil {
		return nil, errors.New("没有分组方案 no scheme given")
	}
	// all indexes every scheme a stay may use; the fallback is last.
	all := append([]*drg.Scheme(nil), cands...)
	if fallback != nil {
		all = append(all, fallback)
	}
	index := map[*drg.Scheme]int32{}
	for i, s := range all {
		index[s] = int32(i)
	}
	var sel *drg.Selector
	if len(cands) > 0 {
		var err error
		if sel, err = drg.NewSelector(cands...); err != nil {
			return nil, err
		}
	}
	if opt.Region != "" && opt.Weights != WeightsInternal && opt.Weights != WeightsNone {
		found := false
		for _, s := range all {
			if _, ok := weightTable(s, opt.Region, opt.Year); ok {
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("%w: %s %s (可用 available: %s)", ErrNoRegion, opt.Region, yearText(opt.Year), strings.Join(regions(all), ", "))
		}
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = min(2, runtime.GOMAXPROCS(0))
	}

	type job struct {
		seq int
		in  []store.GroupInput
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan job, workers*2)
	var (
		mu   sync.Mutex
		outs = map[int]batchOut{}
		wg   sync.WaitGroup
	)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				o := groupBatch(j.in, sel, fallback, index)
				mu.Lock()
				outs[j.seq] = o
				mu.Unlock()
			}
		}()
	}
	seq := 0
	readErr := db.EachGroupInput(ctx, opt.Filter, 2048, func(b []store.GroupInput) error {
		select {
		case jobs <- job{seq, b}:
			seq++
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	close(jobs)
	wg.Wait()
	if readErr != nil {
		return nil, readErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	n := 0
	for _, o := range outs {
		n += len(o.rows)
	}
	rows := make([]store.DRGResultRow, 0, n)
	auxs := make([]aux, 0, n)
	for i := 0; i < seq; i++ {
		rows = append(rows, outs[i].rows...)
		auxs = append(auxs, outs[i].aux...)
	}

	uses := make([]SchemeUse, len(all))
	for i, s := range all {
		uses[i] = SchemeUse{ID: s.ID(), Version: s.Version(), Fallback: s == fallback && opt.Scheme == nil}
	}
	applyWeights(rows, auxs, all, uses, opt)

	sum := summarize(rows, auxs, uses)
	if err := db.ReplaceDRGResults(ctx, opt.Filter, rows, time.Now()); err != nil {
		return nil, err
	}
	sum.Elapsed = time.Since(start)
	sum.ElapsedMS = sum.Elapsed.Milliseconds()
	return sum, nil
}

// groupBatch groups one batch of stays.
func groupBatch(in []store.GroupInput, sel *drg.Selector, fallback *drg.Scheme, index map[*drg.Scheme]int32) batchOut {
	o := batchOut{rows: make([]store.DRGResultRow, len(in)), aux: make([]aux, len(in))}
	for i := range in {
		g := &in[i]
		a := &o.aux[i]
		a.cost, a.los, a.scheme = g.Cost, g.Case.LOS, -1
		if len(g.Case.Diagnoses) > 0 {
			a.principal = g.Case.Diagnoses[0]
		}
		var sc *drg.Scheme
		if sel != nil {
			sc, _ = sel.For(g.Case.Discharge)
		}
		if sc == nil {
			sc = fallback
		}
		var r drg.Result
		if sc == nil {
			r = drg.Result{Status: drg.StatusInvalid, MDC: "0000", ADRG: "00", DRG: "0000", Reason: drg.ReasonNoScheme}
		} else {
			a.scheme = index[sc]
			var xl, notXl bool
			r, xl, notXl = GroupStay(sc, g)
			a.xl, a.notXl = xl, notXl
		}
		o.rows[i] = store.DRGResultRow{
			StayID: g.StayID, SchemeID: r.SchemeID, SchemeVersion: r.SchemeVersion, Status: r.Status.String(),
			MDC: r.MDC, ADRG: r.ADRG, DRG: r.DRG, DRGName: r.DRGName, CCCode: r.CCCode, CCLevel: r.CCLevel.String(),
			Tier: r.Tier.String(), Reason: r.Reason, Untranslated: strings.Join(r.Untranslated, "|"),
		}
	}
	return o
}

// GroupStay groups one stay's inputs with a scheme. Codes recorded in
// 国家临床版 (YS02 = frontpage.DxGuolin2, YS03 = frontpage.PxGuolin3) are
// translated through the pack's crosswalks when it has them, each list
// according to its own code system; codes already in 医保版 are used as
// they are. As with drg.Options.Translate, a stay with any code missing from
// the crosswalk is invalid (ReasonUntranslated) and the codes are listed,
// unless it already fails validation. translated reports that a crosswalk
// was applied; notTranslated that 国家临床版 codes were grouped as they are
// because the scheme has no crosswalk.
func GroupStay(sc *drg.Scheme, g *store.GroupInput) (r drg.Result, translated, notTranslated bool) {
	dxGL := g.DxSystem == frontpage.DxGuolin2
	pxGL := g.PxSystem == frontpage.PxGuolin3 && len(g.Case.Procedures) > 0
	if !dxGL && !pxGL {
		return sc.Group(g.Case), false, false
	}
	if !sc.HasCrosswalks() {
		return sc.Group(g.Case), false, true
	}
	c := g.Case
	var missing []string
	xl := func(codes []string, tr func(string) (string, bool)) []string {
		out := make([]string, len(codes))
		for i, code := range codes {
			code = strings.TrimSpace(code)
			if code == "" {
				continue
			}
			if y, ok := tr(code); ok {
				out[i] = y
			} else {
				// Keep the code in place so validation sees the same principal.
				out[i] = code
				missing = append(missing, code)
			}
		}
		return out
	}
	if dxGL {
		c.Diagnoses = xl(c.Diagnoses, sc.TranslateDx)
	}
	if pxGL {
		c.Procedures = xl(c.Procedures, sc.TranslatePx)
	}
	r = sc.Group(c)
	if len(missing) > 0 && r.Status != drg.StatusInvalid {
		r = drg.Result{Status: drg.StatusInvalid, MDC: "0000", ADRG: "00", DRG: "0000", Reason: drg.ReasonUntranslated,
			Untranslated: missing, SchemeID: sc.ID(), SchemeVersion: sc.Version()}
	}
	return r, true, false
}

// weightTable returns the pack table of region (year 0 = latest year).
func weightTable(s *drg.Scheme, region string, year int) (drg.WeightTable, bool) {
	if year != 0 {
		return s.WeightTable(region, year)
	}
	best, ok := drg.WeightTable{}, false
	for _, w := range s.Weights {
		if w.Region == region && (!ok || w.Year > best.Year) {
			best, ok = w, true
		}
	}
	return best, ok
}

func regions(ss []*drg.Scheme) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range ss {
		for _, w := range s.Weights {
			k := fmt.Sprintf("%s:%d", w.Region, w.Year)
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	sort.Strings(out)
	if len(out) == 0 {
		return []string{"无 none"}
	}
	return out
}

func yearText(y int) string {
	if y == 0 {
		return ""
	}
	return fmt.Sprint(y)
}

// applyWeights fills weight and weight_source per scheme: the chosen pack
// table; internal weights (computed from this run's grouped stays of that
// scheme) when asked for or when the pack publishes no weights at all;
// otherwise none, recording the regions the user could choose.
func applyWeights(rows []store.DRGResultRow, auxs []aux, all []*drg.Scheme, uses []SchemeUse, opt GroupStoreOptions) {
	if opt.Weights == WeightsNone {
		return
	}
	tables := make([]map[string]float64, len(all))
	internal := make([]bool, len(all))
	for i, s := range all {
		switch {
		case opt.Weights == WeightsInternal:
			internal[i] = true
		case opt.Region != "":
			if w, ok := weightTable(s, opt.Region, opt.Year); ok {
				tables[i] = w.RW
				uses[i].WeightSource = store.WeightSourcePack(w.Region, w.Year)
			}
		case len(s.Weights) == 0:
			internal[i] = true
		default:
			uses[i].Regions = regions([]*drg.Scheme{s})
		}
	}
	costs := make([][]drg.CaseCost, len(all))
	for k := range rows {
		if si := auxs[k].scheme; si >= 0 && internal[si] && rows[k].Status == "grouped" {
			costs[si] = append(costs[si], drg.CaseCost{DRG: rows[k].DRG, Cost: auxs[k].cost, LOS: float64(auxs[k].los)})
		}
	}
	for i := range all {
		if internal[i] {
			tables[i] = drg.ComputeInternalWeights(costs[i]).RW
			uses[i].WeightSource = store.WeightSourceInternal
		}
	}
	for k := range rows {
		si := auxs[k].scheme
		if si < 0 || tables[si] == nil || rows[k].Status != "grouped" {
			continue
		}
		if rw, ok := tables[si][rows[k].DRG]; ok {
			rows[k].Weight, rows[k].HasWeight, rows[k].WeightSource = rw, true, uses[si].WeightSource
		}
	}
}

func summarize(rows []store.DRGResultRow, auxs []aux, uses []SchemeUse) *GroupStoreSummary {
	s := &GroupStoreSummary{Stays: len(rows)}
	zero, reasons, untr := map[string]int{}, map[string]int{}, map[string]int{}
	drgs := map[string]bool{}
	var total float64
	for k := range rows {
		r, a := &rows[k], &auxs[k]
		if a.scheme >= 0 {
			uses[a.scheme].Stays++
		} else {
			s.NoScheme++
		}
		if a.xl {
			s.Translated++
		}
		if a.notXl {
			s.NotTranslated++
		}
		switch r.Status {
		case "grouped":
			s.Grouped++
			drgs[r.SchemeID+"\x00"+r.DRG] = true
			if r.HasWeight {
				s.WeightedStays++
				total += r.Weight
			}
		case "ungroupable":
			s.Ungroupable++
			zero[a.principal]++
		case "ambiguous":
			s.Ambiguous++
		default:
			s.Invalid++
			reasons[r.Reason]++
			if r.Untranslated != "" {
				s.UntranslatedStays++
				for _, c := range strings.Split(r.Untranslated, "|") {
					s.UntranslatedCodes++
					untr[c]++
				}
			}
		}
	}
	s.DRGCount = len(drgs)
	if s.WeightedStays > 0 {
		s.CMI = total / float64(s.WeightedStays)
	}
	s.TopUngroupable = top(zero, 10)
	s.InvalidReasons = top(reasons, 0)
	s.TopUntranslated = top(untr, 10)
	for _, u := range uses {
		if u.Stays > 0 || !u.Fallback {
			s.Schemes = append(s.Schemes, u)
		}
	}
	return s
}

// top returns the n largest counts (0 = all), ties by key.
func top(m map[string]int, n int) []Count {
	out := make([]Count, 0, len(m))
	for k, v := range m {
		out = append(out, Count{k, v})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Key < out[j].Key
	})
	if n > 0 && len(out) > n {
		out = out[:n]
	}
	return out
}

// InputFromStay maps a full front page to the grouping input exactly as
// store.DB.EachGroupInput does from the store's columns (see there for the
// field mapping); callers that hold a Stay (an explain view, tests) group it
// the same way the store grouping does.
func InputFromStay(id int64, s *frontpage.Stay) store.GroupInput {
	c := drg.CaseFromStay(s)
	c.ID = ""
	return store.GroupInput{StayID: id, DxSystem: s.DxCodeSystem, PxSystem: s.PxCodeSystem, Cost: s.Costs[frontpage.CostTotal].V, Case: c}
}
