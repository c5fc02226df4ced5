package qc

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/yardstick-health/yardstick/internal/frontpage"
)

// Result is one checked stay. Findings are owned by the result.
type Result struct {
	ID       int64
	Stay     *frontpage.Stay
	Findings []Finding
	Score    float64
	Flags    uint16
}

// batchSize balances channel overhead against memory held in flight.
const batchSize = 512

// findingBlock is how many findings Run allocates at once.
const findingBlock = 512

// Run checks the stays produce emits, on workers goroutines, and hands the
// results to consume in batches, serially (consume may write to a
// non-concurrent sink such as a DuckDB appender). Result order follows
// batches, not necessarily emission order. The Stay passed to emit must not
// be modified afterwards (the store and the file reader give fresh stays).
func (e *Engine) Run(ctx context.Context, workers int, produce func(emit func(id int64, s *frontpage.Stay) error) error,
	consume func([]Result) error) (*Summary, error) {
	if workers < 1 {
		workers = 1
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	in := make(chan []Result, 2*workers)
	out := make(chan []Result, 2*workers)
	sum := NewSummary(e)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	fail := func(err error) {
		mu.Lock()
		if firstErr == nil {
			firstErr = err
		}
		mu.Unlock()
		cancel()
	}
	skipped := make([]map[string]int, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			k := e.NewChecker()
			skipped[w] = k.skipped
			// The findings of many stays share one block (one allocation
			// per few hundred findings, not one per stay); each stay's
			// slice is capped, so appending to it cannot reach the next.
			var block []Finding
			for b := range in {
				for i := range b {
					r := &b[i]
					fs := k.Check(r.Stay)
					r.Score, r.Flags = k.Score(fs)
					if len(fs) > 0 {
						if cap(block)-len(block) < len(fs) {
							block = make([]Finding, 0, max(findingBlock, len(fs)))
						}
						at := len(block)
						block = append(block, fs...)
						r.Findings = block[at:len(block):len(block)]
					}
				}
				select {
				case out <- b:
				case <-ctx.Done():
				}
			}
		}(w)
	}
	go func() {
		defer close(in)
		batch := make([]Result, 0, batchSize)
		err := produce(func(id int64, s *frontpage.Stay) error {
			batch = append(batch, Result{ID: id, Stay: s})
			if len(batch) == batchSize {
				select {
				case in <- batch:
				case <-ctx.Done():
					return ctx.Err()
				}
				batch = make([]Result, 0, batchSize)
			}
			return nil
		})
		if err == nil && len(batch) > 0 {
			select {
			case in <- batch:
			case <-ctx.Done():
				err = ctx.Err()
			}
		}
		if err != nil {
			fail(err)
		}
	}()
	go func() { wg.Wait(); close(out) }()
	for b := range out {
		if ctx.Err() != nil {
			continue // drain
		}
		for i := range b {
			sum.Add(&b[i])
		}
		if err := consume(b); err != nil {
			fail(err)
		}
	}
	for _, m := range skipped {
		for id, n := range m {
			sum.Skipped[id] += n
		}
	}
	if firstErr != nil {
		return sum, firstErr
	}
	return sum, ctx.Err()
}

// Summary is the outcome of a run.
type Summary struct {
	Stays      int
	Findings   int
	BySeverity [4]int         // index by Severity
	ByRule     map[string]int // rule id → findings
	StaysBy    map[string]int // rule id → stays with a finding of the rule
	Skipped    map[string]int // rule id → stays skipped for want of a dictionary
	Agg        *Aggregate     // per hospital / department / coder
	rules      map[string]*Rule
	seenInStay map[string]bool
}

// NewSummary returns an empty summary for the engine's rules.
func NewSummary(e *Engine) *Summary {
	return &Summary{ByRule: map[string]int{}, StaysBy: map[string]int{}, Skipped: map[string]int{}, Agg: NewAggregate(),
		rules: e.byID, seenInStay: map[string]bool{}}
}

// Add adds one result.
func (s *Summary) Add(r *Result) {
	s.Stays++
	s.Findings += len(r.Findings)
	clear(s.seenInStay)
	for i := range r.Findings {
		f := &r.Findings[i]
		s.BySeverity[f.Rule.Severity]++
		s.ByRule[f.Rule.ID]++
		if !s.seenInStay[f.Rule.ID] {
			s.seenInStay[f.Rule.ID] = true
			s.StaysBy[f.Rule.ID]++
		}
	}
	s.Agg.Add(StayOutcome{Dept: r.Stay.DisDept, Coder: r.Stay.Coder, Score: r.Score, Flags: r.Flags})
}

// RuleCount is one line of the per-rule summary.
type RuleCount struct {
	Rule     *Rule
	Findings int
	Stays    int
}

// TopRules returns rules with findings, most findings first.
func (s *Summary) TopRules() []RuleCount {
	var out []RuleCount
	for id, n := range s.ByRule {
		out = append(out, RuleCount{Rule: s.rules[id], Findings: n, Stays: s.StaysBy[id]})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Rule.Severity != out[j].Rule.Severity {
			return out[i].Rule.Severity < out[j].Rule.Severity
		}
		if out[i].Findings != out[j].Findings {
			return out[i].Findings > out[j].Findings
		}
		return out[i].Rule.ID < out[j].Rule.ID
	})
	return out
}

// SkipNotes describes rules skipped for want of a dictionary, one line per
// rule (reported once per run, not per stay).
func (s *Summary) SkipNotes() []string {
	var ids []string
	for id := range s.Skipped {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var out []string
	for _, id := range ids {
		out = append(out, fmt.Sprintf("规则 %s 未执行：未导入对应编码字典（%d 例） rule %s skipped: no code dictionary imported for the stays' code system (%d stays); run 'yardstick codes import'",
			id, s.Skipped[id], id, s.Skipped[id]))
	}
	return out
}
