package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/yardstick-health/yardstick/internal/frontpage"
	"github.com/yardstick-health/yardstick/internal/hospital"
)

// tableCol describes one column of a reference-data file.
type tableCol struct {
	key      string   // internal name (the English header)
	cn       string   // Chinese name for messages
	names    []string // accepted headers (normalised on use)
	required bool
}

var deptCols = []tableCol{
	{"org_code", "机构代码", []string{"机构代码", "组织机构代码", "医疗机构代码", "A01"}, true},
	{"dept_code", "科室代码", []string{"科室代码", "科室编码", "科室编号"}, true},
	{"dept_name", "科室名称", []string{"科室名称", "科室"}, true},
	{"parent_code", "上级科室代码", []string{"上级科室代码", "上级科室编码", "上级科室"}, false},
	{"kind", "科室类型", []string{"科室类型", "科室类别", "类型"}, false},
	{"national_code", "国家科别代码", []string{"国家科别代码", "诊疗科目代码", "国家科室代码", "科别代码"}, false},
	{"beds", "床位数", []string{"床位数", "编制床位数", "实有床位数", "开放床位数"}, false},
}

var visitCols = []tableCol{
	{"org_code", "机构代码", []string{"机构代码", "组织机构代码", "医疗机构代码", "A01"}, true},
	{"date", "日期", []string{"日期", "就诊日期", "统计日期", "月份", "统计月份"}, true},
	{"dept_code", "科室代码", []string{"科室代码", "科室编码", "科室编号"}, false},
	{"visit_type", "就诊类型", []string{"就诊类型", "类型", "类别"}, true},
	{"visits", "人次", []string{"人次", "就诊人次", "诊疗人次", "人次数", "count"}, true},
}

// table is an opened reference-data file with its column positions.
type table struct {
	src    source
	name   string
	pos    map[string]int // key → column index
	orgDef string         // mapping default for A01
	rep    *Report
}

func openTable(path string, opt Options, cols []tableCol) (*table, error) {
	rep := &Report{File: path}
	m, err := loadOptMapping(&opt)
	if err != nil {
		return &table{rep: rep}, err
	}
	src, err := openPath(path, &opt, m, rep)
	if err != nil {
		return &table{rep: rep}, fmt.Errorf("%s: %w", path, err)
	}
	t := &table{src: src, name: path, pos: map[string]int{}, rep: rep}
	if m != nil {
		t.orgDef = m.Defaults["A01"]
	}
	header, _, err := readHeader(src)
	if err != nil {
		src.close()
		return t, fmt.Errorf("%s: %w", path, err)
	}
	lookup := map[string]string{}
	for _, c := range cols {
		lookup[normHeader(c.key)] = c.key
		for _, n := range c.names {
			lookup[normHeader(n)] = c.key
		}
	}
	if m != nil { // "column 科室 = dept_name" style lines are not used here; mapping columns address front-page fields
		for src, code := range m.Columns {
			if code == "A01" {
				lookup[src] = "org_code"
			}
		}
	}
	styles := map[string]int{}
	for i, h := range header {
		nh := normHeader(h)
		key, ok := lookup[nh]
		if !ok {
			if nh != "" {
				rep.IgnoredColumns = append(rep.IgnoredColumns, h)
			}
			continue
		}
		if _, dup := t.pos[key]; !dup {
			t.pos[key] = i
		}
		if nh == normHeader(key) {
			styles["english"]++
		} else {
			styles["chinese"]++
		}
	}
	rep.HeaderStyle = "chinese"
	if styles["english"] > styles["chinese"] {
		rep.HeaderStyle = "english"
	}
	var missing []string
	for _, c := range cols {
		if _, ok := t.pos[c.key]; !ok && c.required && !(c.key == "org_code" && t.orgDef != "") {
			missing = append(missing, c.cn+" "+c.key)
		}
	}
	if len(missing) > 0 {
		src.close()
		return t, fmt.Errorf("%s: 缺少必填列 missing required columns: %s", path, strings.Join(missing, ", "))
	}
	return t, nil
}

// each calls fn for every non-blank row with a getter for its cells.
func (t *table) each(ctx context.Context, opt Options, fn func(line int, get func(key string) string) error) error {
	defer t.src.close()
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		text, offs, line, err := t.src.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var re *recordError
			if !errors.As(err, &re) {
				return fmt.Errorf("%s: %w", t.name, err)
			}
			t.bad(RowError{File: t.name, Line: line, ReasonCN: re.cn, ReasonEN: re.en})
			continue
		}
		if blankText(text, offs) {
			continue
		}
		t.rep.RowsRead++
		get := func(key string) string {
			i, ok := t.pos[key]
			if !ok || i >= len(offs)/2 {
				if key == "org_code" {
					return t.orgDef
				}
				return ""
			}
			v := strings.TrimSpace(field(text, offs, i))
			if frontpage.IsBlank(v) {
				v = ""
			}
			if v == "" && key == "org_code" {
				return t.orgDef
			}
			return v
		}
		if err := fn(line, get); err != nil {
			return err
		}
		if opt.Progress != nil && t.rep.RowsRead%10000 == 0 {
			opt.Progress(t.rep.RowsRead)
		}
	}
}

func (t *table) bad(e RowError) {
	t.rep.RowsBad++
	if len(t.rep.Errors) < maxReportedErrors {
		t.rep.addError(e)
	}
}

func (t *table) finish(opt Options, start time.Time) error {
	t.rep.Duration = time.Since(start)
	if opt.Strict && t.rep.RowsBad > 0 {
		return fmt.Errorf("%s: 严格模式下有 %d 行无效 strict mode: %d bad rows (first: %s)", t.name, t.rep.RowsBad, t.rep.RowsBad, t.rep.Errors[0])
	}
	return nil
}

// ReadDepartments reads a department dictionary (format in package
// hospital). A repeated department code of the same organisation keeps the
// last row, as for front pages; the earlier one is reported.
func ReadDepartments(ctx context.Context, path string, opt Options) ([]hospital.Department, *Report, error) {
	start := time.Now()
	t, err := openTable(path, opt, deptCols)
	if err != nil {
		return nil, t.rep, err
	}
	var out []hospital.Department
	seen := map[[2]string]struct {
		idx, line int
	}{}
	err = t.each(ctx, opt, func(line int, get func(string) string) error {
		d := hospital.Department{OrgCode: get("org_code"), Code: get("dept_code"), Name: get("dept_name"),
			ParentCode: get("parent_code"), NationalCode: get("national_code")}
		rowBad := false
		bad := func(col, cn, en string) {
			rowBad = true
			t.rep.addError(RowError{File: t.name, Line: line, Column: col, ReasonCN: cn, ReasonEN: en})
		}
		if d.OrgCode == "" {
			bad("org_code", "缺少机构代码", "missing org_code")
		}
		if d.Code == "" {
			bad("dept_code", "缺少科室代码", "missing dept_code")
		}
		if d.Name == "" {
			bad("dept_name", "缺少科室名称", "missing dept_name")
		}
		if k := get("kind"); k != "" {
			kind, ok := parseDeptKind(k)
			if !ok {
				bad("kind", "科室类型无效（临床/医技/行政）", fmt.Sprintf("invalid kind %q (clinical, medtech, admin)", k))
			}
			d.Kind = kind
		}
		if b := get("beds"); b != "" {
			n, err := frontpage.ParseInt(b)
			if err != nil || n < 0 {
				bad("beds", "床位数不是非负整数", fmt.Sprintf("beds is not a non-negative integer: %q", b))
			}
			d.Beds = n
		}
		if rowBad {
			t.rep.RowsBad++
			return nil
		}
		key := [2]string{d.OrgCode, d.Code}
		if prev, dup := seen[key]; dup {
			t.rep.addError(RowError{File: t.name, Line: line, Column: "dept_code",
				ReasonCN: fmt.Sprintf("科室代码重复（与第 %d 行相同），保留本行", prev.line),
				ReasonEN: fmt.Sprintf("duplicate dept_code (same as line %d); this later row is kept", prev.line)})
			t.rep.RowsBad++
			out[prev.idx] = d
			seen[key] = struct{ idx, line int }{prev.idx, line}
			return nil
		}
		seen[key] = struct{ idx, line int }{len(out), line}
		out = append(out, d)
		return nil
	})
	t.rep.RowsGood = len(out)
	if err != nil {
		return nil, t.rep, err
	}
	if err := t.finish(opt, start); err != nil {
		return nil, t.rep, err
	}
	return out, t.rep, nil
}

func parseDeptKind(v string) (hospital.DeptKind, bool) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "临床", "临床科室", "clinical":
		return hospital.Clinical, true
	case "医技", "医技科室", "medtech":
		return hospital.MedTech, true
	case "行政", "行政科室", "职能", "admin":
		return hospital.Admin, true
	}
	return "", false
}

// ReadVisits reads outpatient/emergency/health-check volumes, daily
// (2021-03-05) or monthly (2021-03) rows.
func ReadVisits(ctx context.Context, path string, opt Options) ([]hospital.VisitCount, *Report, error) {
	start := time.Now()
	t, err := openTable(path, opt, visitCols)
	if err != nil {
		return nil, t.rep, err
	}
	var out []hospital.VisitCount
	err = t.each(ctx, opt, func(line int, get func(string) string) error {
		v := hospital.VisitCount{OrgCode: get("org_code"), Dept: get("dept_code")}
		rowBad := false
		bad := func(col, cn, en string) {
			rowBad = true
			t.rep.addError(RowError{File: t.name, Line: line, Column: col, ReasonCN: cn, ReasonEN: en})
		}
		if v.OrgCode == "" {
			bad("org_code", "缺少机构代码", "missing org_code")
		}
		d, monthly, err := parseVisitDate(get("date"))
		if err != nil {
			bad("date", "日期无效（2021-03-05 或 2021-03）", fmt.Sprintf("invalid date %q (2021-03-05 daily or 2021-03 monthly)", get("date")))
		}
		v.Date, v.Monthly = d, monthly
		typ, ok := parseVisitType(get("visit_type"))
		if !ok {
			bad("visit_type", "就诊类型无效（门诊/急诊/健康体检）", fmt.Sprintf("invalid visit_type %q (outpatient, emergency, health_check)", get("visit_type")))
		}
		v.Type = typ
		n, err := frontpage.ParseInt(get("visits"))
		if err != nil || n < 0 {
			bad("visits", "人次不是非负整数", fmt.Sprintf("visits is not a non-negative integer: %q", get("visits")))
		}
		v.Visits = n
		if rowBad {
			t.rep.RowsBad++
			return nil
		}
		out = append(out, v)
		return nil
	})
	t.rep.RowsGood = len(out)
	if err != nil {
		return nil, t.rep, err
	}
	if err := t.finish(opt, start); err != nil {
		return nil, t.rep, err
	}
	return out, t.rep, nil
}

func parseVisitType(v string) (hospital.VisitType, bool) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "门诊", "outpatient", "op":
		return hospital.Outpatient, true
	case "急诊", "emergency", "er", "ed":
		return hospital.Emergency, true
	case "健康体检", "体检", "health_check", "health check":
		return hospital.HealthCheck, true
	}
	return "", false
}

// parseVisitDate accepts a day (any form frontpage.ParseDateTime reads) or
// a month: 2021-03, 2021/3, 2021.03, 202103, 2021年3月.
func parseVisitDate(v string) (time.Time, bool, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, false, errors.New("empty")
	}
	if t, err := frontpage.ParseDateTime(v); err == nil {
		return t, false, nil
	}
	var groups []string
	cur := ""
	for _, r := range v {
		if r >= '0' && r <= '9' {
			cur += string(r)
			continue
		}
		if cur != "" {
			groups = append(groups, cur)
			cur = ""
		}
	}
	if cur != "" {
		groups = append(groups, cur)
	}
	var y, m int
	switch {
	case len(groups) == 1 && len(groups[0]) == 6:
		y, _ = strconv.Atoi(groups[0][:4])
		m, _ = strconv.Atoi(groups[0][4:])
	case len(groups) == 2 && len(groups[0]) == 4 && len(groups[1]) <= 2:
		y, _ = strconv.Atoi(groups[0])
		m, _ = strconv.Atoi(groups[1])
	default:
		return time.Time{}, false, errors.New("bad date")
	}
	if y < 1900 || y > 2200 || m < 1 || m > 12 {
		return time.Time{}, false, errors.New("bad month")
	}
	return time.Date(y, time.Month(m), 1, 0, 0, 0, 0, time.UTC), true, nil
}
