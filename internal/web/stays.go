package web

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/yardstick-health/yardstick/internal/indicator"
	"github.com/yardstick-health/yardstick/internal/store"
)

// stayRow is one line of a stay list.
type stayRow struct {
	ID       int64    `json:"id"`
	MRN      string   `json:"mrn"`
	AdmNo    int      `json:"admission_no"`
	Name     string   `json:"name"` // masked unless unmasked by an allowed user
	Sex      string   `json:"sex"`
	Age      *int     `json:"age"`
	Dept     string   `json:"dept"`
	DeptName string   `json:"dept_name"`
	AdmTime  string   `json:"adm_time"`
	DisTime  string   `json:"dis_time"`
	LOS      *int     `json:"los"`
	Cost     *float64 `json:"cost"`
	Died     bool     `json:"died"`
	DxCode   string   `json:"dx_code"`
	DxName   string   `json:"dx_name"`
	DRG      string   `json:"drg"`
	Weight   *float64 `json:"weight"`
	Coder    string   `json:"coder"`

	month            int // of the discharge
	grouped, lowrisk bool
}

// stayBaseSQL selects the columns of a stay list and those the list filters
// refer to (died, grouped, lowrisk).
func (s *Server) stayBaseSQL(ctx context.Context) string {
	drgCols := "NULL::VARCHAR AS drg, NULL::DOUBLE AS weight, false AS grouped, false AS lowrisk"
	drgJoin := ""
	if s.drgInfo(ctx).ok {
		drgCols = "CASE WHEN g.grouped THEN g.drg END AS drg, CASE WHEN g.grouped THEN g.weight END AS weight, coalesce(g.grouped, false) AS grouped, coalesce(g.grouped AND g.low_risk, false) AS lowrisk"
		drgJoin = " LEFT JOIN stay_facts g ON g.stay_id = s.stay_id"
	}
	// No pre-aggregation over whole tables: the outer filter (year,
	// departments or a drill-down id list) is pushed into these joins.
	return `WITH b AS (SELECT s.stay_id, coalesce(s.mrn, '') AS mrn, coalesce(s.admission_no, 0) AS admission_no, coalesce(s.name, '') AS name,
				coalesce(s.sex, '') AS sex, s.age_years, coalesce(s.dis_dept, '') AS dept, s.adm_time, s.dis_time, s.los, s.d01,
				coalesce(s.discharge_way = '5', false) AS died,
				coalesce(dx.code, '') AS dx_code, coalesce(dx.name, '') AS dx_name, coalesce(s.coder, '') AS coder,
				year(s.dis_time) AS y, month(s.dis_time) AS m, ` + drgCols + `
			FROM stays s LEFT JOIN stay_diagnoses dx ON dx.stay_id = s.stay_id AND dx.seq = 0` + drgJoin + `)`
}

var filterSQL = map[string]string{"died": "died", "lowrisk_death": "lowrisk AND died", "ungrouped": "NOT grouped"}

var staySorts = map[string]string{
	"id": "stay_id", "mrn": "mrn", "dept": "dept", "dis_time": "dis_time", "adm_time": "adm_time",
	"los": "los", "cost": "d01", "dx_code": "dx_code", "drg": "drg", "weight": "weight", "age": "age_years",
}

type stayQuery struct {
	Year, Month int
	Depts       []string // nil = all
	IDs         []int64  // drill-down stay ids (nil = no id filter)
	Filter      string   // "", "died", "lowrisk_death", "ungrouped"
	Search      string   // 病案号 or principal diagnosis code prefix
	Sort        string
	Desc        bool
	Limit       int
	Offset      int
}

type stayList struct {
	Total  int       `json:"total"`
	Limit  int       `json:"limit"`
	Offset int       `json:"offset"`
	Masked bool      `json:"masked"`
	Rows   []stayRow `json:"rows"`
}

func (s *Server) queryStays(ctx context.Context, q stayQuery, unmask bool) (*stayList, error) {
	if !unmask && q.Year > 0 && q.Search == "" {
		rows, ok, err := s.yearStays(ctx, q.Year)
		if err != nil {
			return nil, err
		}
		if ok {
			return filterStays(rows, q), nil
		}
	}
	return s.queryStaysSQL(ctx, q, unmask)
}

func (s *Server) queryStaysSQL(ctx context.Context, q stayQuery, unmask bool) (*stayList, error) {
	where := []string{"true"}
	var args []any
	if q.Year > 0 {
		where = append(where, "y = ?")
		args = append(args, q.Year)
	}
	if q.Month > 0 {
		where = append(where, "m = ?")
		args = append(args, q.Month)
	}
	if q.Depts != nil {
		where = append(where, inList("dept", len(q.Depts)))
		for _, d := range q.Depts {
			args = append(args, d)
		}
	}
	if q.IDs != nil {
		where = append(where, idList(q.IDs))
	}
	if p := filterSQL[q.Filter]; p != "" {
		where = append(where, "("+p+")")
	}
	if q.Search != "" {
		where = append(where, "(mrn LIKE ? OR dx_code LIKE ?)")
		args = append(args, q.Search+"%", q.Search+"%")
	}
	order := "stay_id"
	if col, ok := staySorts[q.Sort]; ok {
		order = col
	}
	if q.Desc {
		order += " DESC NULLS LAST"
	}
	if q.Limit <= 0 {
		q.Limit = 100
	}
	sqlText := s.stayBaseSQL(ctx) + ` SELECT stay_id, mrn, admission_no, name, sex, age_years, dept, adm_time, dis_time, los, d01, died,
			dx_code, dx_name, drg, weight, coder, coalesce(m, 0), grouped, lowrisk, count(*) OVER () FROM b WHERE ` + strings.Join(where, " AND ") +
		` ORDER BY ` + order + `, stay_id LIMIT ? OFFSET ?`
	args = append(args, q.Limit, q.Offset)
	rows, err := s.db.SQL().QueryContext(ctx, sqlText, args...)
	if err != nil {
		return nil, fmt.Errorf("查询病例 query stays: %w", err)
	}
	defer rows.Close()
	names, err := s.deptNames(ctx)
	if err != nil {
		return nil, err
	}
	out := &stayList{Limit: q.Limit, Offset: q.Offset, Masked: !unmask, Rows: []stayRow{}}
	for rows.Next() {
		var r stayRow
		var age, los sql.NullInt64
		var cost, weight sql.NullFloat64
		var adm, dis sql.NullTime
		var drg sql.NullString
		if err := rows.Scan(&r.ID, &r.MRN, &r.AdmNo, &r.Name, &r.Sex, &age, &r.Dept, &adm, &dis, &los, &cost, &r.Died,
			&r.DxCode, &r.DxName, &drg, &weight, &r.Coder, &r.month, &r.grouped, &r.lowrisk, &out.Total); err != nil {
			return nil, fmt.Errorf("查询病例 query stays: %w", err)
		}
		r.Name = maskPatientName(r.Name, unmask)
		if age.Valid {
			a := int(age.Int64)
			r.Age = &a
		}
		if los.Valid {
			l := int(los.Int64)
			r.LOS = &l
		}
		if cost.Valid {
			r.Cost = &cost.Float64
		}
		if weight.Valid {
			r.Weight = &weight.Float64
		}
		r.DRG = drg.String
		if adm.Valid {
			r.AdmTime = adm.Time.Format("2006-01-02")
		}
		if dis.Valid {
			r.DisTime = dis.Time.Format("2006-01-02")
		}
		r.DeptName = deptName(names, r.Dept)
		out.Rows = append(out.Rows, r)
	}
	return out, rows.Err()
}

// listParams reads the common list parameters and applies the caller's
// department scope. ok is false when a response was already written.
func (s *Server) listParams(w http.ResponseWriter, r *http.Request, c *reqCtx) (q stayQuery, ok bool) {
	qs := r.URL.Query()
	q.Year = qInt(r, "year", 0)
	q.Month = qInt(r, "month", 0)
	q.Search = strings.TrimSpace(qs.Get("q"))
	q.Sort = qs.Get("sort")
	q.Desc = qBool(r, "desc")
	q.Limit = min(max(qInt(r, "limit", 100), 1), 1000)
	q.Offset = max(qInt(r, "offset", 0), 0)
	q.Depts = c.scope()
	if d := qs.Get("dept"); d != "" {
		if !c.allowDept(d) {
			forbidden(w)
			return q, false
		}
		q.Depts = []string{d}
	}
	if isExport(r) {
		q.Limit, q.Offset = maxExportRows, 0
	}
	return q, true
}

// wantUnmask reports whether identities are shown in clear for this request,
// writing the 403 itself when a user without the grant asks for it. Every
// unmasking is audited.
func (s *Server) wantUnmask(w http.ResponseWriter, r *http.Request, c *reqCtx, target string) (unmask, ok bool) {
	if !qBool(r, "unmask") {
		return false, true
	}
	if !c.mayUnmask() {
		c.audit(r, store.AuditUnmask, target, "denied", false)
		writeErr(w, http.StatusForbidden, "无权查看患者身份信息", "not allowed to view patient identities")
		return false, false
	}
	c.audit(r, store.AuditUnmask, target, "", true)
	return true, true
}

func (s *Server) handleStays(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	q, ok := s.listParams(w, r, c)
	if !ok {
		return
	}
	if q.Year == 0 {
		y, err := s.yearOf(r)
		if err != nil {
			s.internalError(w, r, err)
			return
		}
		q.Year = y
	}
	q.Filter = r.URL.Query().Get("filter")
	if _, ok := filterSQL[q.Filter]; !ok && q.Filter != "" {
		writeErr(w, http.StatusBadRequest, "未知筛选条件", "unknown filter")
		return
	}
	unmask, ok := s.wantUnmask(w, r, c, "stays")
	if !ok {
		return
	}
	list, err := s.queryStays(r.Context(), q, unmask)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	s.respondStays(w, r, c, "stays", list)
}

func (s *Server) handleIndicatorStays(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	code := r.PathValue("id")
	d, ok := indicator.Lookup(code)
	if !ok || d.Kind == indicator.KindInput {
		notFound(w)
		return
	}
	q, ok := s.listParams(w, r, c)
	if !ok {
		return
	}
	year := q.Year
	if year == 0 {
		y, err := s.yearOf(r)
		if err != nil {
			s.internalError(w, r, err)
			return
		}
		year = y
	}
	part := indicator.Numerator
	if r.URL.Query().Get("part") == "denominator" {
		part = indicator.Denominator
	}
	ids, err := s.drillIDs(r.Context(), code, year, q.Month, q.Depts, part)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	// The engine's stay list defines the set; the department scope is
	// applied again by queryStays as a second guard.
	if ids == nil {
		ids = []int64{}
	}
	q.IDs, q.Year, q.Month = ids, year, 0
	unmask, ok := s.wantUnmask(w, r, c, "indicator:"+code)
	if !ok {
		return
	}
	list, err := s.queryStays(r.Context(), q, unmask)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	s.respondStays(w, r, c, "indicator-"+code, list)
}

func (s *Server) respondStays(w http.ResponseWriter, r *http.Request, c *reqCtx, name string, list *stayList) {
	if !isExport(r) {
		writeJSON(w, http.StatusOK, list)
		return
	}
	header := []string{"病例ID stay id", "病案号 MRN", "住院次数 adm no", "姓名 name", "性别 sex", "年龄 age", "出院科别 dept", "科室名称 dept name",
		"入院日期 admitted", "出院日期 discharged", "住院天数 LOS", "总费用 cost", "死亡 died", "主要诊断编码 dx", "主要诊断名称 dx name", "DRG", "权重 weight", "编码员 coder"}
	rows := make([][]any, 0, len(list.Rows))
	for _, x := range list.Rows {
		rows = append(rows, []any{x.ID, x.MRN, x.AdmNo, x.Name, x.Sex, derefInt(x.Age), x.Dept, x.DeptName, x.AdmTime, x.DisTime,
			derefInt(x.LOS), derefF(x.Cost), boolCN(x.Died), x.DxCode, x.DxName, x.DRG, derefF(x.Weight), x.Coder})
	}
	s.export(w, r, c, name, header, rows)
}

func derefInt(p *int) any {
	if p == nil {
		return ""
	}
	return *p
}

func derefF(p *float64) any {
	if p == nil {
		return ""
	}
	return *p
}

func boolCN(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

// stayField is one front-page field of a stay detail.
type stayField struct {
	Code     string `json:"code"`
	NameCN   string `json:"name_cn"`
	NameEN   string `json:"name_en"`
	Group    string `json:"group"`
	Value    string `json:"value"`
	Identity bool   `json:"identity"`
}

type stayDetail struct {
	ID         int64               `json:"id"`
	Dept       string              `json:"dept"`
	DeptName   string              `json:"dept_name"`
	Masked     bool                `json:"masked"`
	MayUnmask  bool                `json:"may_unmask"`
	Fields     []stayField         `json:"fields"`
	Diagnoses  []map[string]string `json:"diagnoses"`
	Procedures []map[string]string `json:"procedures"`
	DRG        map[string]any      `json:"drg"`   // nil when not grouped
	Trace      string              `json:"trace"` // grouping trace ("" when not available)
	Findings   []map[string]any    `json:"findings"`
	Score      *float64            `json:"score"`
}

func (s *Server) handleStay(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	ctx := r.Context()
	id, ok := pathID(r, "id")
	if !ok {
		notFound(w)
		return
	}
	var dept sql.NullString
	err := s.db.SQL().QueryRowContext(ctx, `SELECT dis_dept FROM stays WHERE stay_id = ?`, id).Scan(&dept)
	if err == sql.ErrNoRows {
		notFound(w)
		return
	}
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	// A department head gets 404, not 403, for other departments' stays:
	// the answer must not even confirm that the stay exists.
	if !c.allowDept(dept.String) {
		notFound(w)
		return
	}
	unmask, ok := s.wantUnmask(w, r, c, "stay:"+strconv.FormatInt(id, 10))
	if !ok {
		return
	}
	st, err := s.db.Stay(ctx, id)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	names, err := s.deptNames(ctx)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	out := stayDetail{ID: id, Dept: dept.String, DeptName: deptName(names, dept.String), Masked: !unmask, MayUnmask: c.mayUnmask(),
		Fields: []stayField{}, Diagnoses: []map[string]string{}, Procedures: []map[string]string{}, Findings: []map[string]any{}}
	for _, f := range frontpageFields() {
		if f.Group == "diagnosis" || f.Group == "procedure" {
			continue
		}
		v := f.Get(st)
		if v == "" {
			continue
		}
		if !unmask {
			v = maskField(f, v)
		}
		out.Fields = append(out.Fields, stayField{Code: f.Code, NameCN: f.NameCN, NameEN: f.NameEN, Group: f.Group, Value: v, Identity: isIdentity(f)})
	}
	for i, d := range st.Diagnoses {
		out.Diagnoses = append(out.Diagnoses, map[string]string{"seq": strconv.Itoa(i), "code": d.Code, "name": d.Name, "poa": d.POA})
	}
	for i, p := range st.Procedures {
		out.Procedures = append(out.Procedures, map[string]string{"seq": strconv.Itoa(i), "code": p.Code, "name": p.Name,
			"date": fmtTime(p.Date), "level": p.Level, "surgeon": p.Surgeon, "incision": p.Incision, "anaesthesia": p.Anaesthesia})
	}
	lang := "zh"
	if r.URL.Query().Get("lang") == "en" {
		lang = "en"
	}
	if err := s.stayDRG(ctx, id, st, lang, &out); err != nil {
		s.internalError(w, r, err)
		return
	}
	if err := s.stayFindings(ctx, id, &out); err != nil {
		s.internalError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		return t.Format("2006-01-02")
	}
	return t.Format("2006-01-02 15:04")
}
