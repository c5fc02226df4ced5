package web

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"strings"
)

// Quality findings are written by the quality feature into qc_findings
// (stay_id, rule_id, severity, field, message_cn, message_en, deduction …).
// The columns used here are looked up at run time; a column the table does
// not have is shown empty rather than guessed.

func (s *Server) qcCol(ti tableInfo, alias string, names ...string) string {
	for _, n := range names {
		if ti.cols[n] {
			return "coalesce(CAST(" + alias + "." + n + " AS VARCHAR), '')"
		}
	}
	return "''"
}

// qcSeverity renders the severity as error/warning/info: qc stores it as
// 1/2/3 (qc.Severity).
func (s *Server) qcSeverity(alias string) string {
	return "CASE CAST(" + alias + ".severity AS VARCHAR) WHEN '1' THEN 'error' WHEN '2' THEN 'warning' WHEN '3' THEN 'info' ELSE coalesce(CAST(" + alias + ".severity AS VARCHAR), '') END"
}

func (s *Server) qcDeduction(ti tableInfo, alias string) string {
	for _, n := range []string{"deduction", "points", "score_deduction"} {
		if ti.cols[n] {
			return "coalesce(" + alias + "." + n + ", 0)"
		}
	}
	return "0"
}

type qcSummary struct {
	Available  bool             `json:"available"`
	Stays      int              `json:"stays"`
	WithIssues int              `json:"with_findings"`
	Findings   int              `json:"findings"`
	BySeverity map[string]int   `json:"by_severity"`
	ByRule     []map[string]any `json:"by_rule"`
	// Scores is the distribution of the 100-point score: bucket lower bound
	// (0, 60, 70, 80, 90, 100) → stays.
	Scores   []map[string]any `json:"scores"`
	AvgScore *float64         `json:"avg_score"`
}

func (s *Server) qcSummary(ctx context.Context, year int, depts []string) (*qcSummary, error) {
	ti := s.qcInfo(ctx)
	out := &qcSummary{BySeverity: map[string]int{}, ByRule: []map[string]any{}, Scores: []map[string]any{}}
	if !ti.ok {
		return out, nil
	}
	out.Available = true
	args := []any{year}
	dw := "true"
	if depts != nil {
		dw = inList("s.dis_dept", len(depts))
		for _, d := range depts {
			args = append(args, d)
		}
	}
	scope := `SELECT stay_id FROM stays s WHERE year(s.dis_time) = ? AND ` + dw
	rule := s.qcCol(ti, "f", "rule_id")
	sev := s.qcSeverity("f")
	msg := s.qcCol(ti, "f", "rule_name_cn", "rule_name", "message_cn", "message")
	q := `WITH sc AS (` + scope + `), f AS (SELECT f.* FROM qc_findings f JOIN sc USING (stay_id))
		SELECT ` + rule + `, ` + sev + `, any_value(` + msg + `), count(*), count(DISTINCT f.stay_id) FROM f GROUP BY ALL ORDER BY 4 DESC`
	rows, err := s.db.SQL().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("质控汇总 quality summary: %w", err)
	}
	for rows.Next() {
		var r, sv, m string
		var n, st int
		if err := rows.Scan(&r, &sv, &m, &n, &st); err != nil {
			rows.Close()
			return nil, fmt.Errorf("质控汇总 quality summary: %w", err)
		}
		out.Findings += n
		out.BySeverity[sv] += n
		if len(out.ByRule) < 50 {
			out.ByRule = append(out.ByRule, map[string]any{"rule": r, "severity": sv, "name": m, "findings": n, "stays": st})
		}
	}
	rows.Close()
	// The 100-point score comes from qc_scores (the latest check of each
	// stay); stays never checked are left out of the distribution.
	q = `WITH sc AS (` + scope + `),
		x AS (SELECT q.score, q.errors + q.warnings + q.infos > 0 AS issue FROM qc_scores q JOIN sc USING (stay_id)
			QUALIFY row_number() OVER (PARTITION BY q.stay_id ORDER BY q.check_run_id DESC) = 1)
		SELECT CASE WHEN score >= 100 THEN 100 WHEN score >= 90 THEN 90 WHEN score >= 80 THEN 80 WHEN score >= 70 THEN 70 WHEN score >= 60 THEN 60 ELSE 0 END AS b,
			count(*), count(*) FILTER (WHERE issue), sum(score) FROM x GROUP BY 1 ORDER BY 1`
	rows, err = s.db.SQL().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("质控评分 quality scores: %w", err)
	}
	defer rows.Close()
	var total float64
	for rows.Next() {
		var b, n, issues int
		var sum float64
		if err := rows.Scan(&b, &n, &issues, &sum); err != nil {
			return nil, fmt.Errorf("质控评分 quality scores: %w", err)
		}
		out.Stays += n
		out.WithIssues += issues
		total += sum
		out.Scores = append(out.Scores, map[string]any{"from": b, "stays": n})
	}
	if out.Stays > 0 {
		v := total / float64(out.Stays)
		out.AvgScore = &v
	}
	return out, rows.Err()
}

func (s *Server) handleQualityScores(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	year, err := s.yearOf(r)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	depts, ok := c.deptFilter(w, r)
	if !ok {
		return
	}
	out, err := s.qcSummary(r.Context(), year, depts)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Year int `json:"year"`
		*qcSummary
	}{year, out})
}

type findingRow struct {
	StayID    int64  `json:"stay_id"`
	MRN       string `json:"mrn"`
	Dept      string `json:"dept"`
	DeptName  string `json:"dept_name"`
	Coder     string `json:"coder"`
	DisTime   string `json:"dis_time"`
	Rule      string `json:"rule"`
	Severity  string `json:"severity"`
	Field     string `json:"field"`
	Message   string `json:"message"`
	MessageEN string `json:"message_en"`
	Deduction string `json:"deduction"`
}

func (s *Server) handleFindings(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	ctx := r.Context()
	qs := r.URL.Query()
	year, err := s.yearOf(r)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	depts, ok := c.deptFilter(w, r)
	if !ok {
		return
	}
	out := struct {
		Available bool         `json:"available"`
		Total     int          `json:"total"`
		Rows      []findingRow `json:"rows"`
	}{Rows: []findingRow{}}
	ti := s.qcInfo(ctx)
	if !ti.ok {
		if isExport(r) {
			s.export(w, r, c, "findings", []string{"尚无质控结果 no findings yet"}, nil)
			return
		}
		writeJSON(w, http.StatusOK, out)
		return
	}
	out.Available = true
	where := []string{"year(s.dis_time) = ?"}
	args := []any{year}
	if depts != nil {
		where = append(where, inList("s.dis_dept", len(depts)))
		for _, d := range depts {
			args = append(args, d)
		}
	}
	rule := s.qcCol(ti, "f", "rule_id")
	sev := s.qcSeverity("f")
	for _, p := range []struct{ param, expr string }{{"coder", "coalesce(s.coder, '')"}, {"rule", rule}, {"severity", sev}} {
		if v := qs.Get(p.param); v != "" {
			where = append(where, p.expr+" = ?")
			args = append(args, v)
		}
	}
	limit := min(max(qInt(r, "limit", 200), 1), 2000)
	offset := max(qInt(r, "offset", 0), 0)
	if isExport(r) {
		limit, offset = maxExportRows, 0
	}
	q := `SELECT f.stay_id, coalesce(s.mrn, ''), coalesce(s.dis_dept, ''), coalesce(s.coder, ''), s.dis_time, ` + rule + `, ` + sev + `, ` +
		s.qcCol(ti, "f", "field") + `, ` + s.qcCol(ti, "f", "message_cn", "message") + `, ` + s.qcCol(ti, "f", "message_en") + `, ` +
		s.qcCol(ti, "f", "deduction", "points") + `, count(*) OVER ()
		FROM qc_findings f JOIN stays s ON s.stay_id = f.stay_id WHERE ` + strings.Join(where, " AND ") +
		` ORDER BY s.dis_time DESC, f.stay_id LIMIT ? OFFSET ?`
	args = append(args, limit, offset)
	rows, err := s.db.SQL().QueryContext(ctx, q, args...)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	defer rows.Close()
	names, err := s.deptNames(ctx)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	for rows.Next() {
		var f findingRow
		var dis sql.NullTime
		if err := rows.Scan(&f.StayID, &f.MRN, &f.Dept, &f.Coder, &dis, &f.Rule, &f.Severity, &f.Field, &f.Message, &f.MessageEN, &f.Deduction, &out.Total); err != nil {
			s.internalError(w, r, err)
			return
		}
		if dis.Valid {
			f.DisTime = dis.Time.Format("2006-01-02")
		}
		f.DeptName = deptName(names, f.Dept)
		out.Rows = append(out.Rows, f)
	}
	if err := rows.Err(); err != nil {
		s.internalError(w, r, err)
		return
	}
	if isExport(r) {
		xs := make([][]any, 0, len(out.Rows))
		for _, f := range out.Rows {
			xs = append(xs, []any{f.StayID, f.MRN, f.Dept, f.DeptName, f.Coder, f.DisTime, f.Rule, f.Severity, f.Field, f.Message, f.MessageEN, f.Deduction})
		}
		s.export(w, r, c, "findings", []string{"病例ID stay id", "病案号 MRN", "科室 dept", "科室名称 dept name", "编码员 coder", "出院日期 discharged",
			"规则 rule", "严重程度 severity", "字段 field", "问题 finding", "finding", "扣分 deduction"}, xs)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// stayFindings fills the findings and score of a stay detail.
func (s *Server) stayFindings(ctx context.Context, id int64, out *stayDetail) error {
	ti := s.qcInfo(ctx)
	if !ti.ok {
		return nil
	}
	q := `SELECT ` + s.qcCol(ti, "f", "rule_id") + `, ` + s.qcSeverity("f") + `, ` + s.qcCol(ti, "f", "field") + `, ` +
		s.qcCol(ti, "f", "message_cn", "message") + `, ` + s.qcCol(ti, "f", "message_en") + `, ` + s.qcDeduction(ti, "f") +
		` FROM qc_findings f WHERE f.stay_id = ?`
	rows, err := s.db.SQL().QueryContext(ctx, q, id)
	if err != nil {
		return fmt.Errorf("read findings of stay %d: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var rule, sev, field, msg, msgEN string
		var ded float64
		if err := rows.Scan(&rule, &sev, &field, &msg, &msgEN, &ded); err != nil {
			return fmt.Errorf("read findings of stay %d: %w", id, err)
		}
		out.Findings = append(out.Findings, map[string]any{"rule": rule, "severity": sev, "field": field, "message": msg, "message_en": msgEN, "deduction": ded})
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read findings of stay %d: %w", id, err)
	}
	var score float64
	err = s.db.SQL().QueryRowContext(ctx, `SELECT score FROM qc_scores WHERE stay_id = ? ORDER BY check_run_id DESC LIMIT 1`, id).Scan(&score)
	if err == sql.ErrNoRows {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read score of stay %d: %w", id, err)
	}
	out.Score = &score
	return nil
}
