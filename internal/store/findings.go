package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/yardstick-health/yardstick/internal/frontpage"
	"github.com/yardstick-health/yardstick/internal/qc"
)

// CheckOptions tune RunCheck.
type CheckOptions struct {
	Filter  Filter
	Workers int    // checking goroutines (default 2)
	Config  string // configuration file name recorded with the run
	// StoreInfo also stores info-level findings. They are counted in the
	// summary and in qc_scores.infos either way; on real data most of them are
	// "'-' in an optional text item" notes (C-01e), and writing them costs
	// more than checking.
	StoreInfo bool
}

// CheckRun is the outcome of RunCheck.
type CheckRun struct {
	ID      int64
	Summary *qc.Summary
}

// RunCheck runs the engine over the stays selected by the filter and stores
// findings and scores in the same pass (DuckDB appenders), replacing those
// of an earlier check of the same stays, in one transaction.
func (db *DB) RunCheck(ctx context.Context, e *qc.Engine, opt CheckOptions) (*CheckRun, error) {
	workers := opt.Workers
	if workers <= 0 {
		workers = 2
	}
	started := time.Now().UTC()
	run := &CheckRun{}
	err := db.Tx(ctx, func(conn *sql.Conn) error {
		if err := conn.QueryRowContext(ctx, `SELECT coalesce(max(check_run_id), 0) + 1 FROM qc_runs`).Scan(&run.ID); err != nil {
			return fmt.Errorf("allocate check run id: %w", err)
		}
		cond, args := opt.Filter.where()
		for _, t := range []string{"qc_findings", "qc_scores"} {
			q := `DELETE FROM ` + t
			if cond != "" {
				q += ` WHERE stay_id IN (SELECT stay_id FROM stays WHERE ` + cond + `)`
			}
			if _, err := conn.ExecContext(ctx, q, args...); err != nil {
				return fmt.Errorf("删除旧检查结果 delete previous findings (%s): %w", t, err)
			}
		}
		fw, err := newFindingWriter(conn, run.ID)
		if err != nil {
			return err
		}
		fw.storeInfo = opt.StoreInfo
		// Once a batch is written nothing refers to its stays any more
		// (the summary keeps strings, not Stays): recycle them.
		pool := &stayPool{}
		var (
			doneIDs []int64
			done    []*frontpage.Stay
		)
		fw.imports = &importIndex{}
		sum, err := e.Run(ctx, workers, func(emit func(int64, *frontpage.Stay) error) error {
			return db.eachStay(ctx, opt.Filter, pool, fw.imports, emit)
		}, func(rs []qc.Result) error {
			if err := fw.write(rs); err != nil {
				return err
			}
			doneIDs, done = doneIDs[:0], done[:0]
			for i := range rs {
				doneIDs, done = append(doneIDs, rs[i].ID), append(done, rs[i].Stay)
				rs[i].Stay = nil
			}
			pool.put(doneIDs, done)
			return nil
		})
		if cerr := fw.close(err == nil); err == nil && cerr != nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		run.Summary = sum
		return recordCheckRun(ctx, conn, run.ID, started, "store", opt.Config, len(enabled(e)), sum)
	})
	if err != nil {
		return nil, err
	}
	return run, nil
}

func enabled(e *qc.Engine) []*qc.Rule {
	var out []*qc.Rule
	for _, r := range e.Rules() {
		if !r.Disabled {
			out = append(out, r)
		}
	}
	return out
}

// RecordFileCheck records a check of a file that was not stored (check
// --file): the run is listed, its findings are not kept.
func (db *DB) RecordFileCheck(ctx context.Context, e *qc.Engine, file, config string, started time.Time, sum *qc.Summary) (int64, error) {
	var id int64
	err := db.Tx(ctx, func(conn *sql.Conn) error {
		if err := conn.QueryRowContext(ctx, `SELECT coalesce(max(check_run_id), 0) + 1 FROM qc_runs`).Scan(&id); err != nil {
			return fmt.Errorf("allocate check run id: %w", err)
		}
		return recordCheckRun(ctx, conn, id, started, file, config, len(enabled(e)), sum)
	})
	return id, err
}

func recordCheckRun(ctx context.Context, conn *sql.Conn, id int64, started time.Time, source, config string, rules int, sum *qc.Summary) error {
	var skipped []string
	for rid, n := range sum.Skipped {
		skipped = append(skipped, rid+"="+strconv.Itoa(n))
	}
	sort.Strings(skipped)
	_, err := conn.ExecContext(ctx, `INSERT INTO qc_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, started, time.Now().UTC(), source, config, rules, sum.Stays, sum.Findings,
		sum.BySeverity[qc.Error], sum.BySeverity[qc.Warning], sum.BySeverity[qc.Info], strings.Join(skipped, ";"))
	if err != nil {
		return fmt.Errorf("record check run: %w", err)
	}
	return nil
}

type findingWriter struct {
	fa, sa    *duckAppender
	run       int64
	storeInfo bool
	imports   *importIndex // filled by the read of the same pass
}

var (
	findingCols = []duckType{dtBigint, dtBigint, dtBigint, dtVarchar, dtVarchar, dtTinyint,
		dtVarchar, dtVarchar, dtVarchar, dtVarchar, dtVarchar, dtVarchar, dtVarchar}
	scoreCols = []duckType{dtBigint, dtBigint, dtBigint, dtDouble, dtInteger, dtInteger, dtInteger, dtInteger, dtVarchar, dtVarchar}
)

func newFindingWriter(conn *sql.Conn, run int64) (*findingWriter, error) {
	w := &findingWriter{run: run}
	err := conn.Raw(func(dc any) error {
		c, err := rawDuckConn(dc)
		if err != nil {
			return err
		}
		if w.fa, err = newDuckAppender(c, "qc_findings", findingCols); err != nil {
			return err
		}
		if w.sa, err = newDuckAppender(c, "qc_scores", scoreCols); err != nil {
			w.fa.close(false)
			return err
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("质控结果写入 findings writer: %w", err)
	}
	return w, nil
}

func (w *findingWriter) write(rs []qc.Result) error {
	for i := range rs {
		r := &rs[i]
		imp := w.imports.of(r.ID)
		var n [4]int32
		for k := range r.Findings {
			f := &r.Findings[k]
			n[f.Rule.Severity]++
			if f.Rule.Severity == qc.Info && !w.storeInfo {
				continue
			}
			row, err := w.fa.next()
			if err != nil {
				return err
			}
			a := w.fa
			a.int64(0, row, r.ID)
			a.int64(1, row, imp)
			a.int64(2, row, w.run)
			a.str(3, row, f.Rule.ID)
			a.str(4, row, string(f.Rule.Category))
			a.int8(5, row, int8(f.Rule.Severity))
			a.str(6, row, f.Field)
			a.str(7, row, f.Value)
			a.str(8, row, f.Expect)
			a.str(9, row, f.MessageCN())
			a.str(10, row, f.MessageEN())
			a.str(11, row, r.Stay.DisDept)
			a.str(12, row, r.Stay.Coder)
		}
		row, err := w.sa.next()
		if err != nil {
			return err
		}
		a := w.sa
		a.int64(0, row, r.ID)
		a.int64(1, row, imp)
		a.int64(2, row, w.run)
		a.float64(3, row, r.Score)
		a.int32(4, row, int32(r.Flags))
		a.int32(5, row, n[qc.Error])
		a.int32(6, row, n[qc.Warning])
		a.int32(7, row, n[qc.Info])
		a.str(8, row, r.Stay.DisDept)
		a.str(9, row, r.Stay.Coder)
	}
	return nil
}

// close writes the pending rows (flush) or drops them after an error.
func (w *findingWriter) close(flush bool) error {
	err := w.fa.close(flush)
	if serr := w.sa.close(flush); err == nil {
		err = serr
	}
	return err
}

// FindingFilter selects findings; zero fields match everything.
type FindingFilter struct {
	Depts, Coders, Rules []string
	Categories           []string
	MaxSeverity          qc.Severity // 1 errors only, 2 errors+warnings; 0 all
	StayIDs              []int64
	Sort                 string // severity (default), dept, rule
	Limit, Offset        int
}

func (f FindingFilter) where(alias string) (string, []any) {
	var conds []string
	var args []any
	in := func(col string, vals []string) {
		if len(vals) == 0 {
			return
		}
		conds = append(conds, alias+col+" IN ("+strings.TrimSuffix(strings.Repeat("?,", len(vals)), ",")+")")
		for _, v := range vals {
			args = append(args, v)
		}
	}
	in("dept", f.Depts)
	in("coder", f.Coders)
	in("rule_id", f.Rules)
	in("category", f.Categories)
	if f.MaxSeverity > 0 {
		conds = append(conds, alias+"severity <= ?")
		args = append(args, int(f.MaxSeverity))
	}
	if len(f.StayIDs) > 0 {
		conds = append(conds, alias+"stay_id IN ("+strings.TrimSuffix(strings.Repeat("?,", len(f.StayIDs)), ",")+")")
		for _, v := range f.StayIDs {
			args = append(args, v)
		}
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// FindingRow is one worklist line. It carries 病案号 and 住院次数 to find the
// record, never a name or ID number.
type FindingRow struct {
	StayID, ImportID, CheckRunID int64
	MRN                          string
	AdmissionNo                  int64
	DisDate                      time.Time
	Dept, Coder                  string
	RuleID, Category             string
	Severity                     qc.Severity
	Field, Value, Expect         string
	MessageCN, MessageEN         string
}

// Findings lists findings matching the filter.
func (db *DB) Findings(ctx context.Context, f FindingFilter) ([]FindingRow, error) {
	where, args := f.where("q.")
	order := "q.severity, q.dept, q.rule_id, s.mrn, s.admission_no, q.field"
	switch f.Sort {
	case "", "severity":
	case "dept":
		order = "q.dept, q.severity, q.rule_id, s.mrn, s.admission_no, q.field"
	case "rule":
		order = "q.rule_id, q.severity, q.dept, s.mrn, s.admission_no, q.field"
	default:
		return nil, fmt.Errorf("未知排序 unknown sort %q (severity, dept, rule)", f.Sort)
	}
	q := `SELECT q.stay_id, coalesce(q.import_id, 0), q.check_run_id, coalesce(s.mrn, ''), coalesce(s.admission_no, 0), s.dis_time,
		coalesce(q.dept, ''), coalesce(q.coder, ''), q.rule_id, coalesce(q.category, ''), q.severity,
		coalesce(q.field, ''), coalesce(q.value, ''), coalesce(q.expect, ''), coalesce(q.message_cn, ''), coalesce(q.message_en, '')
		FROM qc_findings q LEFT JOIN stays s ON s.stay_id = q.stay_id` + where + ` ORDER BY ` + order
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d OFFSET %d", f.Limit, f.Offset)
	}
	rows, err := db.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("查询质控结果 query findings: %w", err)
	}
	defer rows.Close()
	var out []FindingRow
	for rows.Next() {
		var r FindingRow
		var sev int8
		var dis sql.NullTime
		if err := rows.Scan(&r.StayID, &r.ImportID, &r.CheckRunID, &r.MRN, &r.AdmissionNo, &dis, &r.Dept, &r.Coder, &r.RuleID,
			&r.Category, &sev, &r.Field, &r.Value, &r.Expect, &r.MessageCN, &r.MessageEN); err != nil {
			return nil, fmt.Errorf("scan finding: %w", err)
		}
		r.Severity = qc.Severity(sev)
		r.DisDate = dis.Time
		out = append(out, r)
	}
	return out, rows.Err()
}

// FindingCount is one line of a count per rule, department or coder.
type FindingCount struct {
	Key                     string
	Errors, Warnings, Infos int64
	Stays                   int64 // distinct stays with a finding
}

// FindingCounts counts findings grouped by "rule", "dept" or "coder".
func (db *DB) FindingCounts(ctx context.Context, by string, f FindingFilter) ([]FindingCount, error) {
	col := map[string]string{"rule": "rule_id", "dept": "dept", "coder": "coder"}[by]
	if col == "" {
		return nil, fmt.Errorf("未知分组 unknown grouping %q (rule, dept, coder)", by)
	}
	where, args := f.where("")
	rows, err := db.db.QueryContext(ctx, `SELECT coalesce(`+col+`, ''), count(*) FILTER (WHERE severity = 1), count(*) FILTER (WHERE severity = 2),
		count(*) FILTER (WHERE severity = 3), count(DISTINCT stay_id) FROM qc_findings`+where+` GROUP BY 1 ORDER BY 2 DESC, 3 DESC, 1`, args...)
	if err != nil {
		return nil, fmt.Errorf("统计质控结果 count findings: %w", err)
	}
	defer rows.Close()
	var out []FindingCount
	for rows.Next() {
		var c FindingCount
		if err := rows.Scan(&c.Key, &c.Errors, &c.Warnings, &c.Infos, &c.Stays); err != nil {
			return nil, fmt.Errorf("scan count: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// QCAggregate recomputes the per hospital / department / coder aggregates
// (mean score, share with errors, 2016 indicators, score histogram) from the
// stored scores. Depts/Coders of the filter restrict the stays.
func (db *DB) QCAggregate(ctx context.Context, f FindingFilter) (*qc.Aggregate, error) {
	g := FindingFilter{Depts: f.Depts, Coders: f.Coders, StayIDs: f.StayIDs}
	where, args := g.where("")
	rows, err := db.db.QueryContext(ctx, `SELECT coalesce(dept, ''), coalesce(coder, ''), score, flags FROM qc_scores`+where, args...)
	if err != nil {
		return nil, fmt.Errorf("读取评分 read scores: %w", err)
	}
	defer rows.Close()
	agg := qc.NewAggregate()
	for rows.Next() {
		var o qc.StayOutcome
		var flags int32
		if err := rows.Scan(&o.Dept, &o.Coder, &o.Score, &flags); err != nil {
			return nil, fmt.Errorf("scan score: %w", err)
		}
		o.Flags = uint16(flags)
		agg.Add(o)
	}
	return agg, rows.Err()
}

// StayQC is the stored quality result of one stay.
type StayQC struct {
	Checked  bool
	Score    float64
	Flags    uint16
	Findings []FindingRow
}

// StayQuality returns the score and findings of one stay.
func (db *DB) StayQuality(ctx context.Context, stayID int64) (*StayQC, error) {
	out := &StayQC{}
	var flags int32
	err := db.db.QueryRowContext(ctx, `SELECT score, flags FROM qc_scores WHERE stay_id = ? ORDER BY check_run_id DESC LIMIT 1`, stayID).
		Scan(&out.Score, &flags)
	switch {
	case err == sql.ErrNoRows:
		return out, nil
	case err != nil:
		return nil, fmt.Errorf("读取评分 read score: %w", err)
	}
	out.Checked, out.Flags = true, uint16(flags)
	out.Findings, err = db.Findings(ctx, FindingFilter{StayIDs: []int64{stayID}})
	if err != nil {
		return nil, err
	}
	return out, nil
}
