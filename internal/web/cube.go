package web

import (
	"context"
	"fmt"
	"sort"
	"sync"
)

// cell holds the additive numerators and denominators of one (year, month,
// department) cell. Every headline indicator is a ratio of sums of these, so
// one grouped scan per year answers the overview, the indicator pages and the
// department pages, and a department head's view is just a sum over fewer
// departments.
type cell struct {
	Year, Month int
	Dept        string

	N        float64 // discharges
	LOSSum   float64 // sum of 实际住院天数 over stays that have it
	LOSN     float64
	CostSum  float64 // sum of D01 over stays that have it
	CostN    float64
	DrugSum  float64 // D23+D24+D25
	MatSum   float64 // D31+D32+D33
	Deaths   float64
	Surg     float64 // stays with a graded operation (手术级别 1–4)
	Level4   float64 // stays with a 四级 operation
	Grouped  float64 // stays with a DRG result (0 when not grouped yet)
	Weight   float64 // sum of DRG relative weights
	LowRiskN float64 // stays in low-risk DRGs
	LowRiskD float64 // deaths in low-risk DRGs
}

func (c *cell) add(o *cell) {
	c.N += o.N
	c.LOSSum += o.LOSSum
	c.LOSN += o.LOSN
	c.CostSum += o.CostSum
	c.CostN += o.CostN
	c.DrugSum += o.DrugSum
	c.MatSum += o.MatSum
	c.Deaths += o.Deaths
	c.Surg += o.Surg
	c.Level4 += o.Level4
	c.Grouped += o.Grouped
	c.Weight += o.Weight
	c.LowRiskN += o.LowRiskN
	c.LowRiskD += o.LowRiskD
}

// cube is the per-(month, department) table of one year.
type cube struct {
	Year  int
	Cells []cell
}

// cubeCache keeps computed cubes until the next import changes the data.
type cubeCache struct {
	mu    sync.Mutex
	gen   int64
	cubes map[string]*cube
}

func (cc *cubeCache) invalidate() {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	cc.gen++
	cc.cubes = nil
}

// get returns the cached value for key or computes it. Concurrent misses may
// compute twice; that is cheaper than holding the lock across a query.
func (cc *cubeCache) get(ctx context.Context, key string, compute func(context.Context) (*cube, error)) (*cube, error) {
	cc.mu.Lock()
	if c, ok := cc.cubes[key]; ok {
		cc.mu.Unlock()
		return c, nil
	}
	gen := cc.gen
	cc.mu.Unlock()
	c, err := compute(ctx)
	if err != nil {
		return nil, err
	}
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if cc.gen == gen {
		if cc.cubes == nil {
			cc.cubes = map[string]*cube{}
		}
		cc.cubes[key] = c
	}
	return c, nil
}

// sum adds the cells that match month (0 = all) and the department filter
// (nil = all departments).
func (cb *cube) sum(month int, depts map[string]bool) cell {
	var out cell
	for i := range cb.Cells {
		c := &cb.Cells[i]
		if month != 0 && c.Month != month {
			continue
		}
		if depts != nil && !depts[c.Dept] {
			continue
		}
		out.add(c)
	}
	return out
}

// depts lists the departments present in the cube, sorted.
func (cb *cube) depts() []string {
	seen := map[string]bool{}
	for _, c := range cb.Cells {
		seen[c.Dept] = true
	}
	out := make([]string, 0, len(seen))
	for d := range seen {
		out = append(out, d)
	}
	sort.Strings(out)
	return out
}

// lastMonth is the latest month with discharges (0 when empty).
func (cb *cube) lastMonth() int {
	m := 0
	for _, c := range cb.Cells {
		if c.Month > m && c.N > 0 {
			m = c.Month
		}
	}
	return m
}

// loadCube runs the one grouped scan for a year.
func (s *Server) loadCube(ctx context.Context, year int) (*cube, error) {
	return s.cubes.get(ctx, fmt.Sprint(year), func(ctx context.Context) (*cube, error) {
		// stay_facts holds the case-level facts the indicator engine and the
		// annual report use (surgical by procedure category, level 4 by the
		// catalogue or its fallback, DRG weight and tier), so the pages and the
		// report count the same way.
		q := `SELECT month, coalesce(dept, ''),
			count(*) FILTER (WHERE discharged), coalesce(sum(los), 0), count(*) FILTER (WHERE discharged),
			coalesce(sum(total_cost), 0), count(*) FILTER (WHERE discharged),
			coalesce(sum(drug_cost), 0), coalesce(sum(material_cost), 0),
			count(*) FILTER (WHERE death), count(*) FILTER (WHERE surgical), count(*) FILTER (WHERE level4 AND surgical),
			count(*) FILTER (WHERE grouped), coalesce(sum(weight) FILTER (WHERE grouped), 0),
			count(*) FILTER (WHERE low_risk), count(*) FILTER (WHERE low_risk AND death)
		FROM stay_facts WHERE year = ? GROUP BY ALL ORDER BY 1, 2`
		rows, err := s.db.SQL().QueryContext(ctx, q, year)
		if err != nil {
			return nil, fmt.Errorf("年度汇总 aggregate year %d: %w", year, err)
		}
		defer rows.Close()
		cb := &cube{Year: year}
		for rows.Next() {
			c := cell{Year: year}
			if err := rows.Scan(&c.Month, &c.Dept, &c.N, &c.LOSSum, &c.LOSN, &c.CostSum, &c.CostN, &c.DrugSum, &c.MatSum,
				&c.Deaths, &c.Surg, &c.Level4, &c.Grouped, &c.Weight, &c.LowRiskN, &c.LowRiskD); err != nil {
				return nil, fmt.Errorf("年度汇总 aggregate year %d: %w", year, err)
			}
			cb.Cells = append(cb.Cells, c)
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("年度汇总 aggregate year %d: %w", year, err)
		}
		return cb, nil
	})
}
