package web

import (
	"context"
	"slices"
	"sort"
	"strings"
	"sync"
)

// The stay lists of a year (masked, without identities in clear) are kept in
// memory until the next import: drill-downs and department lists are then
// filtered and sorted in Go instead of joining four tables per request.
// Years with more stays than stayCacheMax are always read from the store.
const stayCacheMax = 300000

type stayCache struct {
	mu    sync.Mutex
	gen   int64
	years map[int][]stayRow // nil slice with ok=false: too big, not cached
	big   map[int]bool
}

func (sc *stayCache) invalidate() {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	sc.gen++
	sc.years, sc.big = nil, nil
}

// yearStays returns every stay of a year as masked list rows; ok is false
// when the year is too big to cache.
func (s *Server) yearStays(ctx context.Context, year int) ([]stayRow, bool, error) {
	sc := &s.stays
	sc.mu.Lock()
	if rows, ok := sc.years[year]; ok {
		sc.mu.Unlock()
		return rows, true, nil
	}
	if sc.big[year] {
		sc.mu.Unlock()
		return nil, false, nil
	}
	gen := sc.gen
	sc.mu.Unlock()
	var n int
	if err := s.db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM stays WHERE year(dis_time) = ?`, year).Scan(&n); err != nil {
		return nil, false, err
	}
	big := n > stayCacheMax
	var rows []stayRow
	if !big {
		list, err := s.queryStaysSQL(ctx, stayQuery{Year: year, Limit: n + 1}, false)
		if err != nil {
			return nil, false, err
		}
		rows = list.Rows
	}
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.gen == gen {
		if sc.years == nil {
			sc.years, sc.big = map[int][]stayRow{}, map[int]bool{}
		}
		if big {
			sc.big[year] = true
		} else {
			sc.years[year] = rows
		}
	}
	return rows, !big, nil
}

// filterStays applies a list query to cached rows, like queryStaysSQL does
// in SQL (same filters, sort keys and tie-break by stay id).
func filterStays(all []stayRow, q stayQuery) *stayList {
	var ids map[int64]bool
	if q.IDs != nil {
		ids = make(map[int64]bool, len(q.IDs))
		for _, id := range q.IDs {
			ids[id] = true
		}
	}
	var out []stayRow
	for _, r := range all {
		switch {
		case q.Month > 0 && r.month != q.Month,
			q.Depts != nil && !slices.Contains(q.Depts, r.Dept),
			ids != nil && !ids[r.ID],
			q.Filter == "died" && !r.Died,
			q.Filter == "lowrisk_death" && !(r.lowrisk && r.Died),
			q.Filter == "ungrouped" && r.grouped,
			q.Search != "" && !strings.HasPrefix(r.MRN, q.Search) && !strings.HasPrefix(r.DxCode, q.Search):
			continue
		}
		out = append(out, r)
	}
	less := staySortLess(q.Sort)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := &out[i], &out[j]
		if less != nil {
			if c := less(a, b); c != 0 {
				if q.Desc {
					return c > 0
				}
				return c < 0
			}
		}
		return a.ID < b.ID
	})
	list := &stayList{Total: len(out), Limit: q.Limit, Offset: q.Offset, Masked: true, Rows: []stayRow{}}
	if q.Offset < len(out) {
		end := min(len(out), q.Offset+q.Limit)
		list.Rows = out[q.Offset:end]
	}
	return list
}

func cmpPtr[T int | float64](a, b *T) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1 // nulls last
	case b == nil:
		return -1
	case *a < *b:
		return -1
	case *a > *b:
		return 1
	}
	return 0
}

func staySortLess(key string) func(a, b *stayRow) int {
	switch key {
	case "mrn":
		return func(a, b *stayRow) int { return strings.Compare(a.MRN, b.MRN) }
	case "dept":
		return func(a, b *stayRow) int { return strings.Compare(a.Dept, b.Dept) }
	case "dis_time":
		return func(a, b *stayRow) int { return strings.Compare(a.DisTime, b.DisTime) }
	case "adm_time":
		return func(a, b *stayRow) int { return strings.Compare(a.AdmTime, b.AdmTime) }
	case "dx_code":
		return func(a, b *stayRow) int { return strings.Compare(a.DxCode, b.DxCode) }
	case "drg":
		return func(a, b *stayRow) int { return strings.Compare(a.DRG, b.DRG) }
	case "los":
		return func(a, b *stayRow) int { return cmpPtr(a.LOS, b.LOS) }
	case "age":
		return func(a, b *stayRow) int { return cmpPtr(a.Age, b.Age) }
	case "cost":
		return func(a, b *stayRow) int { return cmpPtr(a.Cost, b.Cost) }
	case "weight":
		return func(a, b *stayRow) int { return cmpPtr(a.Weight, b.Weight) }
	}
	return nil
}
