package web

import (
	"context"
	"fmt"
	"slices"
	"testing"
)

// TestStayCacheMatchesSQL checks that lists served from the in-memory year
// cache are exactly what the SQL path returns: same rows, order and totals.
func TestStayCacheMatchesSQL(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	var someIDs []int64
	rows, err := f.db.SQL().Query(`SELECT stay_id FROM stays WHERE year(dis_time) = 2024 AND stay_id % 7 = 0`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		_ = rows.Scan(&id)
		someIDs = append(someIDs, id)
	}
	rows.Close()
	cases := []stayQuery{
		{Year: 2024, Limit: 1000},
		{Year: 2024, Limit: 10, Offset: 5, Sort: "cost", Desc: true},
		{Year: 2024, Limit: 1000, Sort: "los"},
		{Year: 2024, Limit: 1000, Sort: "mrn", Desc: true, Depts: []string{deptB}},
		{Year: 2024, Limit: 1000, Month: 3},
		{Year: 2024, Limit: 1000, Filter: "died"},
		{Year: 2024, Limit: 1000, IDs: someIDs, Depts: []string{deptA}},
		{Year: 2024, Limit: 1000, IDs: []int64{}},
		{Year: 2024, Limit: 1000, Depts: []string{}},
		{Year: 2023, Limit: 1000, Sort: "dis_time"},
	}
	for i, q := range cases {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			want, err := f.srv.queryStaysSQL(ctx, q, false)
			if err != nil {
				t.Fatal(err)
			}
			got, err := f.srv.queryStays(ctx, q, false)
			if err != nil {
				t.Fatal(err)
			}
			ids := func(l *stayList) []int64 {
				var out []int64
				for _, r := range l.Rows {
					out = append(out, r.ID)
				}
				return out
			}
			if got.Total != want.Total || !slices.Equal(ids(got), ids(want)) {
				t.Errorf("cache: total %d %v; SQL: total %d %v", got.Total, ids(got), want.Total, ids(want))
			}
			if len(want.Rows) > 0 && got.Rows[0].Name != want.Rows[0].Name {
				t.Errorf("masked name %q from cache, %q from SQL", got.Rows[0].Name, want.Rows[0].Name)
			}
		})
	}
}
