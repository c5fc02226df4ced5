package synth

import (
	"bytes"
	"context"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/yardstick-health/yardstick/internal/frontpage"
	"github.com/yardstick-health/yardstick/internal/hospital"
)

func hospitalFor(t testing.TB, profile string, seed uint64, scale float64) *Hospital {
	t.Helper()
	p, err := LoadProfile(profile)
	if err != nil {
		t.Fatal(err)
	}
	h, err := NewHospital(p, seed, scale)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// eachStay streams one clean year.
func eachStay(t testing.TB, h *Hospital, year int, fn func(s *frontpage.Stay)) {
	t.Helper()
	err := h.Stays(context.Background(), year, StreamOptions{}, func(s *frontpage.Stay, d *Defect) error {
		fn(s)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestProfiles(t *testing.T) {
	tests := []struct {
		name             string
		minDept, maxDept int // clinical departments with inpatients
	}{
		{"tertiary-general", 25, 40},
		{"county-general", 15, 30},
		{"maternal-child", 6, 20},
	}
	if got := Profiles(); len(got) < len(tests) {
		t.Fatalf("Profiles() = %v", got)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := hospitalFor(t, tc.name, 1, 0.01)
			if n := len(h.depts); n < tc.minDept || n > tc.maxDept {
				t.Errorf("%d inpatient departments, want %d–%d", n, tc.minDept, tc.maxDept)
			}
			codes := map[string]bool{}
			for _, d := range h.Profile.DepartmentList() {
				if codes[d.Code] {
					t.Errorf("duplicate department code %s", d.Code)
				}
				codes[d.Code] = true
				if d.Kind == hospital.Clinical && d.Beds == 0 && d.NationalCode != "01" && d.NationalCode != "09" && d.NationalCode != "06" {
					t.Errorf("clinical department %s %s without beds", d.Code, d.Name)
				}
			}
		})
	}
	if _, err := LoadProfile("no-such-hospital"); err == nil {
		t.Error("unknown profile accepted")
	}
}

func TestParseProfileRejects(t *testing.T) {
	tests := []struct{ name, json string }{
		{"not json", `{`},
		{"unknown field", `{"name":"x","bogus":1}`},
		{"no discharges", `{"name":"x","org_code":"1","org_name":"y","ref_year":2021,"summary":{}}`},
		{"unknown specialty", `{"name":"x","org_code":"1","org_name":"y","ref_year":2021,"summary":{"discharges":10},
			"departments":[{"code":"1","name":"a","discharge_share":1,"case_mix":[{"specialty":"nope","weight":1}]}]}`},
	}
	for _, tc := range tests {
		if _, err := ParseProfile([]byte(tc.json)); err == nil {
			t.Errorf("%s: accepted", tc.name)
		}
	}
}

// TestDeterministic checks that a seed gives byte-identical files whatever
// the number of workers, and that another seed gives different ones.
func TestDeterministic(t *testing.T) {
	gen := func(seed uint64, workers int, format, enc string) string {
		dir := t.TempDir()
		_, err := Generate(context.Background(), Config{Profile: "county-general", Years: []int{2020, 2021}, Seed: seed,
			Scale: 0.05, Defects: 0.05, Workers: workers, Format: format, Encoding: enc}, dir)
		if err != nil {
			t.Fatal(err)
		}
		return dir
	}
	read := func(dir string) map[string][]byte {
		out := map[string][]byte{}
		ents, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			b, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			out[e.Name()] = b
		}
		return out
	}
	a, b, c := read(gen(7, 1, "csv", "utf-8")), read(gen(7, 4, "csv", "utf-8")), read(gen(8, 2, "csv", "utf-8"))
	if len(a) != 7 {
		t.Fatalf("%d files, want 7: %v", len(a), keys(a))
	}
	for name, data := range a {
		if !bytes.Equal(data, b[name]) {
			t.Errorf("%s differs between runs with the same seed", name)
		}
	}
	if bytes.Equal(a["frontpages_2021.csv"], c["frontpages_2021.csv"]) {
		t.Error("different seeds gave the same front pages")
	}
	g := read(gen(7, 2, "csv", "gbk"))
	if bytes.Equal(g["frontpages_2021.csv"], a["frontpages_2021.csv"]) || len(g["frontpages_2021.csv"]) >= len(a["frontpages_2021.csv"]) {
		t.Error("GBK file is not smaller than the UTF-8 one")
	}
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestCalibrationTertiary generates the tertiary-general profile at full
// scale for the reference year and the year before, and compares figures
// counted from the front pages with the published summary (within 2%).
func TestCalibrationTertiary(t *testing.T) {
	h := hospitalFor(t, "tertiary-general", 20240601, 1)
	pub := h.Profile.Summary
	ref := h.Profile.RefYear
	type counts struct{ n, ops, l4, day, losDays int }
	count := func(year int) counts {
		var c counts
		eachStay(t, h, year, func(s *frontpage.Stay) {
			c.n++
			c.losDays += s.LOS.V
			if s.DaySurgery == "1" {
				c.day++
			}
			op, top := false, ""
			for _, p := range s.Procedures {
				k := ProcedureKind(p.Code)
				if (k == KindSurgery || k == KindInterventional) && p.Level >= "1" && p.Level <= "4" {
					op = true
					top = max(top, p.Level)
				}
			}
			if op {
				c.ops++
				if top == "4" {
					c.l4++
				}
			}
		})
		return c
	}
	cur, prev := count(ref), count(ref-1)
	los := float64(cur.losDays) / float64(cur.n)
	losPrev := float64(prev.losDays) / float64(prev.n)
	visits := 0
	for _, v := range h.Visits(ref) {
		if v.Type != hospital.HealthCheck {
			visits += v.Visits
		}
	}
	tests := []struct {
		name      string
		got, want float64
	}{
		{"discharges", float64(cur.n), float64(pub.Discharges)},
		{"operations", float64(cur.ops), float64(pub.Operations)},
		{"level-4 share", float64(cur.l4) / float64(cur.ops), pub.Level4Share},
		{"day surgeries", float64(cur.day), float64(pub.DaySurgeries)},
		{"mean LOS", los, pub.MeanLOS},
		{"mean LOS year before", losPrev, pub.MeanLOSPrev},
		{"LOS change", los - losPrev, pub.MeanLOS - pub.MeanLOSPrev},
		{"OP+ED visits", float64(visits), float64(pub.Visits)},
	}
	for _, tc := range tests {
		rel := math.Abs(tc.got-tc.want) / math.Abs(tc.want)
		t.Logf("%-22s generated %12.3f published %12.3f (%+.2f%%)", tc.name, tc.got, tc.want, 100*(tc.got-tc.want)/math.Abs(tc.want))
		if rel > 0.02 {
			t.Errorf("%s: generated %.3f, published %.3f: off by %.1f%% (> 2%%)", tc.name, tc.got, tc.want, 100*rel)
		}
	}
}

func TestSanityProfiles(t *testing.T) {
	tests := []struct {
		profile    string
		scale      float64
		births     float64 // expected births at this scale (0 = no target)
		minNeonate float64 // minimum share of neonate stays
		maxDeath   float64 // maximum in-hospital death rate
	}{
		{"county-general", 0.2, 0, 0.005, 0.02},
		{"maternal-child", 0.2, 10000 * 0.2, 0.05, 0.01},
	}
	for _, tc := range tests {
		t.Run(tc.profile, func(t *testing.T) {
			h := hospitalFor(t, tc.profile, 3, tc.scale)
			var st YearStats
			var deliveries, deliveriesZ37 int
			eachStay(t, h, h.Profile.RefYear, func(s *frontpage.Stay) {
				st.Add(s)
				neonate := s.AgeYears.V == 0 && s.AgeDays.Valid && s.AgeDays.V <= 28
				if neonate && (!s.BirthWeights[0].Valid || !s.NewbornAdmWeight.Valid) {
					t.Fatalf("neonate %s without birth/admission weight", s.MRN)
				}
				if dx := s.PrincipalDx(); len(dx) >= 3 && dx[0] == 'O' && dx[:3] >= "O80" && dx[:3] <= "O84" {
					deliveries++
					if !s.BirthWeights[0].Valid {
						t.Fatalf("delivery %s without birth weight", s.MRN)
					}
					for _, d := range s.Diagnoses[1:] {
						if strings.HasPrefix(d.Code, "Z37") {
							deliveriesZ37++
							break
						}
					}
				}
			})
			if want := float64(h.discharges(h.Profile.RefYear)); float64(st.Discharges) != want {
				t.Errorf("discharges %d, want %.0f", st.Discharges, want)
			}
			if tc.births > 0 && math.Abs(float64(st.Births)-tc.births)/tc.births > 0.03 {
				t.Errorf("births %d, want %.0f ± 3%%", st.Births, tc.births)
			}
			if deliveries == 0 || deliveriesZ37 != deliveries {
				t.Errorf("%d deliveries, %d with an outcome-of-delivery code", deliveries, deliveriesZ37)
			}
			if share := float64(st.Neonates) / float64(st.Discharges); share < tc.minNeonate {
				t.Errorf("neonate share %.3f < %.3f", share, tc.minNeonate)
			}
			if rate := float64(st.Deaths) / float64(st.Discharges); rate > tc.maxDeath || st.Deaths == 0 {
				t.Errorf("death rate %.4f (%d deaths), want (0, %.3f]", rate, st.Deaths, tc.maxDeath)
			}
			if got, want := st.MeanLOS(), h.targetLOS(h.Profile.RefYear); math.Abs(got-want) > 0.05*want {
				t.Errorf("mean LOS %.2f, want %.2f", got, want)
			}
		})
	}
}

// TestSeasonality checks the weekly and seasonal patterns: fewer elective
// admissions at weekends, fewer visits in the Spring Festival week, more
// respiratory admissions in winter than in summer.
func TestSeasonality(t *testing.T) {
	h := hospitalFor(t, "tertiary-general", 5, 0.1)
	year := 2021
	var weekday, weekend, winterResp, summerResp int
	eachStay(t, h, year, func(s *frontpage.Stay) {
		if s.AdmTime.Year() != year {
			return
		}
		if s.AdmRoute == "2" {
			if wd := s.AdmTime.Weekday(); wd == time.Saturday || wd == time.Sunday {
				weekend++
			} else {
				weekday++
			}
		}
		if strings.HasPrefix(s.PrincipalDx(), "J") {
			switch s.AdmTime.Month() {
			case time.December, time.January:
				winterResp++
			case time.June, time.July:
				summerResp++
			}
		}
	})
	if perWeekend, perWeekday := float64(weekend)/2, float64(weekday)/5; perWeekend > 0.7*perWeekday {
		t.Errorf("elective admissions per weekend day %.0f vs weekday %.0f: no weekly pattern", perWeekend, perWeekday)
	}
	if float64(winterResp) < 1.2*float64(summerResp) {
		t.Errorf("respiratory admissions winter %d vs summer %d: no winter peak", winterResp, summerResp)
	}
	sf := springFestivalDay(year)
	start := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
	perDay := map[int]int{}
	for _, v := range h.Visits(year) {
		if v.Type == hospital.Outpatient {
			perDay[int(v.Date.Sub(start).Hours()/24)] += v.Visits
		}
	}
	festival, before := 0, 0
	for d := sf - 1; d <= sf+5; d++ {
		festival += perDay[d]
	}
	for d := sf - 35; d <= sf-29; d++ {
		before += perDay[d]
	}
	if float64(festival) > 0.8*float64(before) {
		t.Errorf("outpatient visits in the Spring Festival week %d vs a month before %d: no dip", festival, before)
	}
}

func TestStayWriterMatchesRegistry(t *testing.T) {
	h := hospitalFor(t, "maternal-child", 9, 0.02)
	cols := Columns(frontpage.MaxOtherDiagnoses, frontpage.MaxOtherProcedures)
	var buf bytes.Buffer
	sw, err := NewStayWriter(&buf, cols)
	if err != nil {
		t.Fatal(err)
	}
	var want [][]string
	err = h.Stays(context.Background(), 2021, StreamOptions{DefectRate: 0.2}, func(s *frontpage.Stay, d *Defect) error {
		row := make([]string, len(cols))
		for i, f := range cols {
			row[i] = f.Get(s)
		}
		want = append(want, row)
		return sw.Write(s)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	got, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want)+1 {
		t.Fatalf("%d rows, want %d", len(got), len(want)+1)
	}
	for i, f := range cols {
		if got[0][i] != f.Code {
			t.Fatalf("header column %d = %q, want %q", i, got[0][i], f.Code)
		}
	}
	for r, row := range want {
		for i := range row {
			if got[r+1][i] != row[i] {
				t.Fatalf("row %d column %s = %q, registry gives %q", r+1, cols[i].Code, got[r+1][i], row[i])
			}
		}
	}
}

// TestDefectsTruth checks that every defect kind is injected and that the
// truth file points at the right rows.
func TestDefectsTruth(t *testing.T) {
	dir := t.TempDir()
	res, err := Generate(context.Background(), Config{Profile: "tertiary-general", Years: []int{2021}, Seed: 4, Scale: 0.05, Defects: 0.1}, dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range DefectKinds() {
		if res.Defects[k] == 0 {
			t.Errorf("no defect of kind %s injected", k)
		}
	}
	rows := readCSVFile(t, filepath.Join(dir, FrontPageFile(2021, "csv")))
	truth := readCSVFile(t, filepath.Join(dir, TruthFile))
	col := map[string]int{}
	for i, c := range rows[0] {
		col[c] = i
	}
	if len(truth) < 2 {
		t.Fatal("empty truth file")
	}
	for _, tr := range truth[1:] {
		// file,line,org_code,mrn,admission_no,field,kind
		line := atoiT(t, tr[1])
		if line < 2 || line > len(rows) {
			t.Fatalf("truth line %d outside the file", line)
		}
		row := rows[line-1]
		if row[col["A48"]] != tr[3] || row[col["A49"]] != tr[4] {
			t.Fatalf("truth row %v does not match line %d (%s/%s)", tr, line, row[col["A48"]], row[col["A49"]])
		}
		if _, ok := frontpage.FieldByCode(tr[5]); !ok {
			t.Errorf("truth field %q is not a field code", tr[5])
		}
		switch tr[6] {
		case DefectMissingField:
			if c, ok := col[tr[5]]; ok && row[c] != "" {
				t.Errorf("line %d: %s should be empty, is %q", line, tr[5], row[c])
			}
		case DefectDuplicateStay:
			if prev := rows[line-2]; strings.Join(prev, ",") != strings.Join(row, ",") {
				t.Errorf("line %d: duplicate differs from the line before", line)
			}
		case DefectDischargeBeforeAdmission:
			if row[col["B15"]] >= row[col["B12"]] {
				t.Errorf("line %d: discharge %s not before admission %s", line, row[col["B15"]], row[col["B12"]])
			}
		}
	}
	// A clean run has an empty truth file.
	clean := t.TempDir()
	if _, err := Generate(context.Background(), Config{Profile: "county-general", Years: []int{2021}, Seed: 4, Scale: 0.01}, clean); err != nil {
		t.Fatal(err)
	}
	if n := len(readCSVFile(t, filepath.Join(clean, TruthFile))); n != 1 {
		t.Errorf("clean run: truth file has %d lines, want header only", n)
	}
}

func readCSVFile(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows
}

func atoiT(t *testing.T, s string) int {
	t.Helper()
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			t.Fatalf("not a number: %q", s)
		}
		n = n*10 + int(c-'0')
	}
	return n
}

func TestIDNumbers(t *testing.T) {
	tests := []struct{ first17, want string }{
		{"11010519491231002", "X"}, // the GB 11643 example
		{"44052418800101001", "4"}, // the other example of the standard
	}
	for _, tc := range tests {
		if got := string(IDCheckChar(tc.first17)); got != tc.want {
			t.Errorf("IDCheckChar(%s) = %s, want %s", tc.first17, got, tc.want)
		}
	}
	h := hospitalFor(t, "county-general", 2, 0.01)
	n := 0
	eachStay(t, h, 2021, func(s *frontpage.Stay) {
		if s.IDType != "1" {
			return
		}
		n++
		id := s.IDNumber
		if len(id) != 18 || IDCheckChar(id[:17]) != id[17] {
			t.Fatalf("bad ID number checksum on stay %s", s.MRN)
		}
		if id[6:14] != s.BirthDate.Format("20060102") {
			t.Fatalf("ID birth date %s differs from A13 %s", id[6:14], s.BirthDate.Format("20060102"))
		}
		if (id[16]-'0')%2 == 1 != (s.Sex == "1") {
			t.Fatalf("ID sex digit disagrees with A12C on stay %s", s.MRN)
		}
	})
	if n == 0 {
		t.Fatal("no ID numbers generated")
	}
}

func TestVisitsFile(t *testing.T) {
	h := hospitalFor(t, "maternal-child", 1, 0.01)
	visits := h.Visits(2020)
	if len(visits) == 0 {
		t.Fatal("no visits")
	}
	var hc, op int
	for _, v := range visits {
		switch v.Type {
		case hospital.HealthCheck:
			hc += v.Visits
		case hospital.Outpatient, hospital.Emergency:
			op += v.Visits
		}
		if v.Visits <= 0 || v.Date.Year() != 2020 {
			t.Fatalf("bad visit row %+v", v)
		}
	}
	if hc == 0 || op == 0 {
		t.Errorf("health checks %d, OP/ED %d: both must be present and apart", hc, op)
	}
	var buf bytes.Buffer
	if err := WriteVisits(&buf, visits); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != "机构代码,日期,科室代码,就诊类型,人次" || len(rows) != len(visits)+1 {
		t.Errorf("header %v, %d rows", rows[0], len(rows))
	}
}

// TestReadmissions checks that returning patients keep their identity and
// get increasing 住院次数, and that (planned) readmissions within 31 days
// exist, as the readmission indicators need.
func TestReadmissions(t *testing.T) {
	h := hospitalFor(t, "tertiary-general", 17, 0.05)
	type visit struct {
		no              int
		name, id, birth string
		sex             string
		adm, dis        time.Time
	}
	byMRN := map[string][]visit{}
	keys := map[frontpage.Key]bool{}
	eachStay(t, h, 2021, func(s *frontpage.Stay) {
		if keys[s.Key()] {
			t.Fatalf("duplicate key %v", s.Key())
		}
		keys[s.Key()] = true
		byMRN[s.MRN] = append(byMRN[s.MRN], visit{s.AdmissionNo, s.Name, s.IDNumber, frontpage.FormatDate(s.BirthDate), s.Sex, s.AdmTime, s.DisTime})
	})
	patients, within31 := 0, 0
	for mrn, vs := range byMRN {
		if len(vs) < 2 {
			continue
		}
		patients++
		sort.Slice(vs, func(i, j int) bool { return vs[i].adm.Before(vs[j].adm) })
		for i := 1; i < len(vs); i++ {
			a, b := vs[i-1], vs[i]
			if a.name != b.name || a.id != b.id || a.birth != b.birth || a.sex != b.sex {
				t.Fatalf("MRN %s: identity changes between stays", mrn)
			}
			if b.no != a.no+1 {
				t.Errorf("MRN %s: 住院次数 %d after %d", mrn, b.no, a.no)
			}
			if !b.adm.After(a.dis) {
				t.Errorf("MRN %s: readmitted %v before discharge %v", mrn, b.adm, a.dis)
			}
			if b.adm.Sub(a.dis) <= 31*24*time.Hour {
				within31++
			}
		}
	}
	if patients == 0 || within31 == 0 {
		t.Errorf("%d patients with several stays, %d readmissions within 31 days", patients, within31)
	}
	t.Logf("%d stays, %d patients with several stays, %d readmissions within 31 days", len(keys), patients, within31)
}

// TestTransfers checks 转科 records: the chain of B21C ends at the discharge
// department, and every code is a department of the dictionary.
func TestTransfers(t *testing.T) {
	h := hospitalFor(t, "tertiary-general", 23, 0.05)
	depts := map[string]bool{}
	for _, d := range h.Profile.DepartmentList() {
		depts[d.Code] = true
	}
	n := 0
	eachStay(t, h, 2021, func(s *frontpage.Stay) {
		if !depts[s.AdmDept] || !depts[s.DisDept] {
			t.Fatalf("stay %s: departments %s/%s not in the dictionary", s.MRN, s.AdmDept, s.DisDept)
		}
		if len(s.TransferDepts) == 0 {
			if s.AdmDept != s.DisDept {
				t.Fatalf("stay %s: changes department without a transfer", s.MRN)
			}
			return
		}
		n++
		if last := s.TransferDepts[len(s.TransferDepts)-1]; last != s.DisDept {
			t.Fatalf("stay %s: transfers %v do not end at the discharge department %s", s.MRN, s.TransferDepts, s.DisDept)
		}
		for _, d := range s.TransferDepts {
			if !depts[d] {
				t.Fatalf("stay %s: transfer to unknown department %s", s.MRN, d)
			}
		}
	})
	if n == 0 {
		t.Error("no transfers between departments")
	}
	t.Logf("%d stays with transfers", n)
}
