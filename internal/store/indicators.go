package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/yardstick-health/yardstick/internal/hospital"
	"github.com/yardstick-health/yardstick/internal/indicator"
)

// IndicatorSource returns the store as an indicator.Source: one grouped
// DuckDB query over stay_facts computes every facts measure of a query (the
// SELECT list is rendered from the registry expressions).
func (db *DB) IndicatorSource() indicator.Source { return factSource{db} }

type factSource struct{ db *DB }

func subExpr(p indicator.Period, monthCol string) string {
	switch p {
	case indicator.Month:
		return monthCol
	case indicator.Quarter:
		return "((" + monthCol + " - 1) // 3 + 1)"
	}
	return "0"
}

func yearsList(ys []int) string {
	parts := make([]string, len(ys))
	for i, y := range ys {
		parts[i] = fmt.Sprint(y)
	}
	return strings.Join(parts, ", ")
}

func (s factSource) Aggregate(ctx context.Context, spec indicator.AggSpec) ([]indicator.AggRow, error) {
	if len(spec.Measures) == 0 || len(spec.Years) == 0 {
		return nil, nil
	}
	// Facts are written by RefreshFacts with '' (never NULL) for empty
	// text, so the key columns group as they are: COALESCE in a GROUP BY
	// key costs a third of the query.
	key := "''"
	if c := spec.By.FactColumn(); c != "" {
		key = c
	}
	sub := subExpr(spec.Period, "month")
	where := " FROM stay_facts WHERE year IN (" + yearsList(spec.Years) + ")"
	var args []any
	if spec.Org != "" {
		where += " AND org_code = ?"
		args = append(args, spec.Org)
	}
	// Sums and counts go into one grouped query. Distinct counts (DRG
	// count) are far cheaper as a GROUP BY over the distinct values than as
	// COUNT(DISTINCT) next to the other aggregates, so each gets its own
	// query and is merged in.
	var sel []string
	var plain, distinct []int
	for i, m := range spec.Measures {
		if m.Table != "facts" {
			return nil, fmt.Errorf("measure %q is not a facts measure", m.Src)
		}
		if m.Kind == indicator.MDistinct {
			distinct = append(distinct, i)
			continue
		}
		plain = append(plain, i)
		sel = append(sel, "CAST("+m.SQL()+" AS DOUBLE)")
	}
	if len(sel) == 0 {
		sel = []string{"CAST(COUNT(*) AS DOUBLE)"}
	}
	q := "SELECT org_code, " + key + ", year, " + sub + ", " + strings.Join(sel, ", ") + where + " GROUP BY ALL"
	got, err := s.query(ctx, q, args, len(sel))
	if err != nil {
		return nil, err
	}
	type ck struct {
		org, key  string
		year, sub int
	}
	rows := make([]indicator.AggRow, len(got))
	at := make(map[ck]int, len(got))
	for i, g := range got {
		r := indicator.AggRow{Org: g.Org, Key: g.Key, Year: g.Year, Sub: g.Sub, Values: make([]float64, len(spec.Measures))}
		for j, mi := range plain {
			r.Values[mi] = g.Values[j]
		}
		rows[i] = r
		at[ck{g.Org, g.Key, g.Year, g.Sub}] = i
	}
	for _, mi := range distinct {
		m := spec.Measures[mi]
		cond := m.Distinct + " <> ''"
		if m.Cond != nil {
			cond += " AND " + m.Cond.SQL()
		}
		dq := "SELECT o, k, y, s, CAST(count(*) AS DOUBLE) FROM (SELECT DISTINCT org_code AS o, " + key + " AS k, year AS y, " + sub + " AS s, " +
			m.Distinct + where + " AND " + cond + ") GROUP BY ALL"
		dr, err := s.query(ctx, dq, args, 1)
		if err != nil {
			return nil, err
		}
		for _, d := range dr {
			if i, ok := at[ck{d.Org, d.Key, d.Year, d.Sub}]; ok {
				rows[i].Values[mi] = d.Values[0]
			}
		}
	}
	return rows, nil
}

func (s factSource) query(ctx context.Context, q string, args []any, n int) ([]indicator.AggRow, error) {
	rows, err := s.db.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("汇总 aggregate: %w", err)
	}
	defer rows.Close()
	var out []indicator.AggRow
	for rows.Next() {
		r := indicator.AggRow{Values: make([]float64, n)}
		var year, sub int64
		dest := []any{&r.Org, &r.Key, &year, &sub}
		for i := range r.Values {
			dest = append(dest, &r.Values[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("汇总 aggregate: %w", err)
		}
		r.Year, r.Sub = int(year), int(sub)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("汇总 aggregate: %w", err)
	}
	return out, nil
}

func (s factSource) AggregateVisits(ctx context.Context, spec indicator.AggSpec) ([]indicator.AggRow, error) {
	if len(spec.Measures) == 0 || len(spec.Years) == 0 {
		return nil, nil
	}
	key := "''"
	if spec.By == indicator.ByDepartment {
		key = "COALESCE(dept_code, '')"
	}
	sel := make([]string, len(spec.Measures))
	for i, m := range spec.Measures {
		var types []string
		for _, c := range m.Sum {
			t, ok := indicator.VisitColumn(c)
			if !ok {
				return nil, fmt.Errorf("未知门急诊列 unknown visits column %q", c)
			}
			types = append(types, "'"+string(t)+"'")
		}
		sel[i] = "CAST(COALESCE(SUM(visits) FILTER (WHERE visit_type IN (" + strings.Join(types, ", ") + ")), 0) AS DOUBLE)"
	}
	q := "SELECT org_code, " + key + ", year(visit_date), " + subExpr(spec.Period, "month(visit_date)") + ", " + strings.Join(sel, ", ") +
		" FROM visits WHERE year(visit_date) IN (" + yearsList(spec.Years) + ")"
	var args []any
	if spec.Org != "" {
		q += " AND org_code = ?"
		args = append(args, spec.Org)
	}
	q += " GROUP BY ALL"
	return s.query(ctx, q, args, len(spec.Measures))
}

func (s factSource) Inputs(ctx context.Context, years []int, org string) ([]indicator.Input, error) {
	if len(years) == 0 {
		return nil, nil
	}
	q := "SELECT org_code, year, code, value, dept FROM indicator_inputs WHERE year IN (" + yearsList(years) + ")"
	var args []any
	if org != "" {
		q += " AND org_code = ?"
		args = append(args, org)
	}
	rows, err := s.db.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("读取填报值 read inputs: %w", err)
	}
	defer rows.Close()
	var out []indicator.Input
	for rows.Next() {
		var in indicator.Input
		var y int64
		if err := rows.Scan(&in.Org, &y, &in.Code, &in.Value, &in.Dept); err != nil {
			return nil, fmt.Errorf("读取填报值 read inputs: %w", err)
		}
		in.Year = int(y)
		out = append(out, in)
	}
	return out, rows.Err()
}

func (s factSource) Stays(ctx context.Context, spec indicator.StaySpec) ([]indicator.StayRef, error) {
	m := spec.Measure
	if m == nil || m.Table != "facts" {
		return nil, fmt.Errorf("该数值没有病例明细 this number has no stay list")
	}
	conds := []string{"org_code = ?", "year = ?", subExpr(spec.Period, "month") + " = ?"}
	args := []any{spec.Org, spec.Year, spec.Sub}
	if c := spec.By.FactColumn(); c != "" {
		conds = append(conds, "COALESCE("+c+", '') = ?")
		args = append(args, spec.Key)
	}
	if m.Cond != nil {
		conds = append(conds, m.Cond.SQL())
	}
	value, group := "1.0", "''"
	switch m.Kind {
	case indicator.MSum:
		value = "CAST(" + strings.Join(m.Sum, " + ") + " AS DOUBLE)"
	case indicator.MDistinct:
		group = m.Distinct
		conds = append(conds, m.Distinct+" <> ''")
	}
	q := `SELECT f.stay_id, f.org_code, COALESCE(s.mrn, ''), COALESCE(s.admission_no, 0), COALESCE(f.dept, ''), f.dis_date, f.v, f.g
		FROM (SELECT stay_id, org_code, dept, dis_date, ` + value + ` AS v, ` + group + ` AS g FROM stay_facts WHERE ` + strings.Join(conds, " AND ") + `) f
		LEFT JOIN stays s ON s.stay_id = f.stay_id ORDER BY f.stay_id`
	rows, err := s.db.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("病例明细 drill-down: %w", err)
	}
	defer rows.Close()
	var out []indicator.StayRef
	for rows.Next() {
		var r indicator.StayRef
		var adm int64
		var dis sql.NullTime
		if err := rows.Scan(&r.StayID, &r.Org, &r.MRN, &adm, &r.Dept, &dis, &r.Value, &r.Group); err != nil {
			return nil, fmt.Errorf("病例明细 drill-down: %w", err)
		}
		r.AdmissionNo = int(adm)
		if dis.Valid {
			r.Discharge = dis.Time
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (s factSource) Provenance(ctx context.Context, years []int, org string) (indicator.Provenance, error) {
	var p indicator.Provenance
	var stays, grouped int64
	q := "SELECT count(*), count(*) FILTER (WHERE grouped) FROM stay_facts WHERE year IN (" + yearsList(years) + ")"
	vq := "SELECT COALESCE(SUM(visits) FILTER (WHERE visit_type <> '" + string(hospital.HealthCheck) + "'), 0) FROM visits WHERE year(visit_date) IN (" + yearsList(years) + ")"
	var args []any
	if org != "" {
		q += " AND org_code = ?"
		vq += " AND org_code = ?"
		args = append(args, org)
	}
	if err := s.db.db.QueryRowContext(ctx, q, args...).Scan(&stays, &grouped); err != nil {
		return p, fmt.Errorf("读取数据来源 read provenance: %w", err)
	}
	var visits float64
	if err := s.db.db.QueryRowContext(ctx, vq, args...).Scan(&visits); err != nil {
		return p, fmt.Errorf("读取数据来源 read provenance: %w", err)
	}
	p.DataSource = fmt.Sprintf("%s: 住院病案首页 %d 条 front pages, DRG入组 %d 条 grouped, 门急诊 %.0f 人次 visits (%s 年 years %s)",
		s.db.path, stays, grouped, visits, orgText(org), yearsList(years))
	if grouped == 0 {
		p.Notes = append(p.Notes, "未分组 not grouped: 没有 DRG 分组结果，DRG 类指标不计算 no DRG results, DRG indicators are not computed (yardstick group)")
	}
	rows, err := s.db.db.QueryContext(ctx, "SELECT year, note FROM stay_facts_meta WHERE year IN ("+yearsList(years)+") ORDER BY year, seq")
	if err != nil {
		return p, fmt.Errorf("读取目录说明 read catalogue notes: %w", err)
	}
	defer rows.Close()
	// The same note usually holds for every year: state it once with its years.
	var order []string
	noteYears := map[string][]string{}
	for rows.Next() {
		var y int64
		var n string
		if err := rows.Scan(&y, &n); err != nil {
			return p, fmt.Errorf("读取目录说明 read catalogue notes: %w", err)
		}
		if noteYears[n] == nil {
			order = append(order, n)
		}
		noteYears[n] = append(noteYears[n], fmt.Sprint(y))
	}
	if err := rows.Err(); err != nil {
		return p, fmt.Errorf("读取目录说明 read catalogue notes: %w", err)
	}
	for _, n := range order {
		p.Catalogs = append(p.Catalogs, strings.Join(noteYears[n], ", ")+": "+n)
	}
	return p, nil
}

func orgText(org string) string {
	if org == "" {
		return "全部机构 all organisations,"
	}
	return "机构 org " + org + ","
}

// ImportInputs stores manual indicator inputs, replacing earlier values with
// the same (org, year, code, dept).
func (db *DB) ImportInputs(ctx context.Context, ins []indicator.Input) error {
	db.writeMu.Lock()
	defer db.writeMu.Unlock()
	return db.Tx(ctx, func(conn *sql.Conn) error {
		for _, in := range ins {
			if _, err := conn.ExecContext(ctx, "DELETE FROM indicator_inputs WHERE org_code = ? AND year = ? AND code = ? AND dept = ?", in.Org, in.Year, in.Code, in.Dept); err != nil {
				return fmt.Errorf("写入填报值 write inputs: %w", err)
			}
			if _, err := conn.ExecContext(ctx, "INSERT INTO indicator_inputs (org_code, year, code, value, dept) VALUES (?, ?, ?, ?, ?)", in.Org, in.Year, in.Code, in.Value, in.Dept); err != nil {
				return fmt.Errorf("写入填报值 write inputs: %w", err)
			}
		}
		return nil
	})
}

// Labels implements indicator.Labeler: department names from the
// department dictionary, DRG names from drg_results.
func (s factSource) Labels(ctx context.Context, by indicator.Dim, org string) (map[string]string, error) {
	var q string
	var args []any
	switch by {
	case indicator.ByDepartment:
		q = "SELECT org_code, dept_code, COALESCE(dept_name, '') FROM departments WHERE dept_name IS NOT NULL"
		if org != "" {
			q += " AND org_code = ?"
			args = append(args, org)
		}
	case indicator.ByDRG:
		cols, err := s.db.tableColumns(ctx, "drg_results")
		if err != nil || !cols["drg"] || !cols["drg_name"] {
			return nil, err
		}
		q = "SELECT '', drg, any_value(drg_name) FROM drg_results WHERE drg IS NOT NULL AND drg_name IS NOT NULL GROUP BY drg"
	default:
		return nil, nil
	}
	rows, err := s.db.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("读取名称 read labels: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var o, k, n string
		if err := rows.Scan(&o, &k, &n); err != nil {
			return nil, fmt.Errorf("读取名称 read labels: %w", err)
		}
		out[o+"|"+k] = n
	}
	return out, rows.Err()
}
