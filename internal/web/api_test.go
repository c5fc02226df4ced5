package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/yardstick-health/yardstick/internal/frontpage"
	"github.com/yardstick-health/yardstick/internal/ingest"
	"github.com/yardstick-health/yardstick/internal/store"
)

func jsonField(t testing.TB, body, key string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("decode %q: %v", body, err)
	}
	s, _ := m[key].(string)
	return s
}

type openAPIDoc struct {
	Paths      map[string]map[string]openAPIOp `json:"paths"`
	Components struct {
		Schemas map[string]schema `json:"schemas"`
	} `json:"components"`
}

type openAPIOp struct {
	Access    string `json:"x-access"`
	Responses map[string]struct {
		Content map[string]struct {
			Schema schema `json:"schema"`
		} `json:"content"`
	} `json:"responses"`
}

type schema struct {
	Ref        string            `json:"$ref"`
	Type       string            `json:"type"`
	Required   []string          `json:"required"`
	Properties map[string]schema `json:"properties"`
	Items      *schema           `json:"items"`
}

func loadOpenAPI(t *testing.T) openAPIDoc {
	t.Helper()
	var doc openAPIDoc
	if err := json.Unmarshal(openapiJSON, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	return doc
}

// TestOpenAPIMatchesRoutes walks the router's table and the OpenAPI paths
// and fails on any route or access class that is in one but not the other.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	doc := loadOpenAPI(t)
	f := newFixture(t)
	got := map[string]string{}
	for _, rt := range f.srv.routes() {
		got[strings.ToLower(rt.Method)+" "+rt.Path] = rt.Access.String()
	}
	want := map[string]string{}
	for p, ops := range doc.Paths {
		for m, op := range ops {
			want[m+" "+p] = op.Access
		}
	}
	var diffs []string
	for k, a := range got {
		if w, ok := want[k]; !ok {
			diffs = append(diffs, "route not in openapi.json: "+k)
		} else if w != a {
			diffs = append(diffs, fmt.Sprintf("%s: router access %s, openapi x-access %s", k, a, w))
		}
	}
	for k := range want {
		if _, ok := got[k]; !ok {
			diffs = append(diffs, "openapi.json path not routed: "+k)
		}
	}
	sort.Strings(diffs)
	for _, d := range diffs {
		t.Error(d)
	}
}

func (d openAPIDoc) resolve(s schema) schema {
	for s.Ref != "" {
		s = d.Components.Schemas[strings.TrimPrefix(s.Ref, "#/components/schemas/")]
	}
	return s
}

// checkShape asserts that v has every required property of s, recursing into
// objects and the first element of arrays.
func (d openAPIDoc) checkShape(t *testing.T, where string, s schema, v any) {
	t.Helper()
	s = d.resolve(s)
	switch x := v.(type) {
	case map[string]any:
		for _, r := range s.Required {
			if _, ok := x[r]; !ok {
				t.Errorf("%s: missing required property %q", where, r)
			}
		}
		for name, ps := range s.Properties {
			if pv, ok := x[name]; ok && pv != nil {
				d.checkShape(t, where+"."+name, ps, pv)
			}
		}
	case []any:
		if s.Items != nil && len(x) > 0 {
			d.checkShape(t, where+"[0]", *s.Items, x[0])
		}
	}
}

// TestResponseShapes checks the main endpoints' bodies against the schemas
// of openapi.json.
func TestResponseShapes(t *testing.T) {
	doc := loadOpenAPI(t)
	f := newFixture(t)
	c := f.login("admin")
	cases := []struct{ path, spec string }{
		{"/api/v1/me", "/api/v1/me"},
		{"/api/v1/meta", "/api/v1/meta"},
		{"/api/v1/overview", "/api/v1/overview"},
		{"/api/v1/indicators", "/api/v1/indicators"},
		{"/api/v1/indicators/level4_share", "/api/v1/indicators/{id}"},
		{"/api/v1/indicators/level4_share/stays?dept=" + deptA, "/api/v1/indicators/{id}/stays"},
		{"/api/v1/departments", "/api/v1/departments"},
		{"/api/v1/departments/" + deptA, "/api/v1/departments/{code}"},
		{"/api/v1/drg/summary", "/api/v1/drg/summary"},
		{"/api/v1/stays", "/api/v1/stays"},
		{fmt.Sprintf("/api/v1/stays/%d", f.stayA), "/api/v1/stays/{id}"},
		{"/api/v1/quality/scores", "/api/v1/quality/scores"},
		{"/api/v1/quality/findings", "/api/v1/quality/findings"},
		{"/api/v1/imports", "/api/v1/imports"},
		{"/api/v1/imports/1/errors", "/api/v1/imports/{id}/errors"},
		{"/api/v1/users", "/api/v1/users"},
		{"/api/v1/audit", "/api/v1/audit"},
		{"/healthz", "/healthz"},
	}
	for _, tc := range cases {
		t.Run(tc.path, func(t *testing.T) {
			res, body := c.do("GET", tc.path, "")
			if res.StatusCode != 200 {
				t.Fatalf("status %d: %s", res.StatusCode, body)
			}
			var v any
			if err := json.Unmarshal([]byte(body), &v); err != nil {
				t.Fatalf("not JSON: %v", err)
			}
			op := doc.Paths[tc.spec]["get"]
			s := op.Responses["200"].Content["application/json"].Schema
			if s.Ref == "" && s.Type == "" {
				t.Fatalf("no 200 schema for %s", tc.spec)
			}
			doc.checkShape(t, tc.spec, s, v)
		})
	}
}

// roleCase is one role of the permission matrix ("" = not logged in).
var matrixRoles = []string{"", "admin", "qc", "headA", "viewer"}

func roleOf(user string) string {
	for _, u := range fixtureUsers {
		if u.Username == user {
			return u.Role
		}
	}
	return ""
}

var pathParam = regexp.MustCompile(`\{([a-z]+)\}`)

// requestFor builds a concrete request for a route that points at department
// B wherever the route takes a department or a stay: the permission matrix
// then proves that A's head can never reach B's data.
func (f *fixture) requestFor(rt *route, userID int64) (method, path, body string) {
	p := pathParam.ReplaceAllStringFunc(rt.Path, func(m string) string {
		switch {
		case m == "{code}":
			return deptB
		case strings.HasPrefix(rt.Path, "/api/v1/indicators/"):
			return "level4_share"
		case strings.HasPrefix(rt.Path, "/api/v1/stays/"):
			return fmt.Sprint(f.stayB)
		case strings.HasPrefix(rt.Path, "/api/v1/users/"):
			return fmt.Sprint(userID)
		default:
			return "1"
		}
	})
	switch rt.Method + " " + rt.Path {
	case "POST /api/v1/auth/login":
		body = `{"username":"nobody","password":"x"}`
	case "PATCH /api/v1/users/{id}":
		body = `{"display_name":"改名"}`
	case "POST /api/v1/users":
		body = fmt.Sprintf(`{"username":"new%d","role":"viewer","password":"%s"}`, time.Now().UnixNano(), testPass)
	case "POST /api/v1/imports":
		body = "" // multipart; an empty body is a 400 for allowed roles
	}
	if rt.Method == "GET" && strings.HasPrefix(p, "/api/v1/") {
		p += "?dept=" + deptB + "&year=" + fmt.Sprint(fixtureYr)
	}
	return rt.Method, p, body
}

// leaksB reports whether a response body shows anything of department B.
func leaksB(body string) bool {
	return strings.Contains(body, "BMRN") || strings.Contains(body, "乙") || strings.Contains(body, deptB) || strings.Contains(body, "骨科")
}

// TestPermissionMatrix runs every registered route for every role. The route
// list comes from the router, so a new endpoint is covered automatically.
// A department head (of A) is sent at department B by every route, with and
// without an export format, and must get a refusal or a body without B.
func TestPermissionMatrix(t *testing.T) {
	f := newFixture(t)
	viewer, err := f.db.UserByName(context.Background(), "viewer")
	if err != nil {
		t.Fatal(err)
	}
	for _, user := range matrixRoles {
		c := f.login(user)
		role := roleOf(user)
		for _, rt := range f.srv.routes() {
			if rt.Method+" "+rt.Path == "POST /api/v1/auth/logout" {
				continue // would end the session the loop keeps using; covered in TestLogout
			}
			method, path, body := f.requestFor(rt, viewer.ID)
			variants := []string{path}
			if rt.Method == "GET" && strings.HasPrefix(path, "/api/v1/") {
				variants = append(variants, path+"&format=csv", strings.Replace(path, "?dept="+deptB+"&", "?", 1))
			}
			for _, p := range variants {
				name := fmt.Sprintf("%s/%s %s", user, method, p)
				res, got := c.do(method, p, body)
				switch {
				case rt.Access == accPublic:
					if res.StatusCode >= 500 {
						t.Errorf("%s: status %d", name, res.StatusCode)
					}
				case user == "":
					if res.StatusCode != http.StatusUnauthorized {
						t.Errorf("%s: anonymous got %d, want 401", name, res.StatusCode)
					}
				case !rt.Access.allows(role):
					if res.StatusCode != http.StatusForbidden {
						t.Errorf("%s: role %s got %d, want 403", name, role, res.StatusCode)
					}
				default:
					if res.StatusCode >= 500 {
						t.Errorf("%s: status %d: %s", name, res.StatusCode, got)
					}
					if role == store.RoleDeptHead && res.StatusCode < 300 && leaksB(got) {
						t.Errorf("%s: department head of %s sees department %s data: %.300s", name, deptA, deptB, got)
					}
					if role == store.RoleViewer && strings.Contains(got, "AMRN") {
						t.Errorf("%s: viewer sees a stay: %.300s", name, got)
					}
				}
			}
		}
	}
}

// TestDeptHeadSeesOwnDepartment guards the matrix above against passing
// because everything is refused: A's head does get A's stays and exports.
func TestDeptHeadSeesOwnDepartment(t *testing.T) {
	f := newFixture(t)
	c := f.login("headA")
	for _, p := range []string{
		"/api/v1/stays?year=2024",
		"/api/v1/indicators/level4_share/stays?year=2024",
		"/api/v1/indicators/level4_share/stays?year=2024&dept=" + deptA + "&format=csv",
		fmt.Sprintf("/api/v1/stays/%d", f.stayA),
		"/api/v1/departments/" + deptA,
	} {
		res, body := c.do("GET", p, "")
		if res.StatusCode != 200 {
			t.Errorf("%s: %d", p, res.StatusCode)
			continue
		}
		if !strings.Contains(body, deptA) && !strings.Contains(body, "AMRN") {
			t.Errorf("%s: nothing of department A in %.200s", p, body)
		}
		if leaksB(body) {
			t.Errorf("%s: leaks B", p)
		}
	}
	// The overview of a department head is the sum of their departments only.
	_, body := c.do("GET", "/api/v1/overview?year=2024", "")
	var o struct {
		KPIs []struct {
			ID    string   `json:"id"`
			Value *float64 `json:"value"`
		} `json:"kpis"`
	}
	if err := json.Unmarshal([]byte(body), &o); err != nil {
		t.Fatal(err)
	}
	for _, k := range o.KPIs {
		if k.ID == "discharges" && (k.Value == nil || *k.Value != 60) {
			t.Errorf("head of A: discharges %v, want 60 (A only)", k.Value)
		}
	}
}

func TestCSRFRequired(t *testing.T) {
	f := newFixture(t)
	c := f.login("admin")
	tok := c.csrf
	c.csrf = ""
	res, _ := c.do("POST", "/api/v1/users", `{"username":"x1","role":"viewer","password":"`+testPass+`"}`)
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("POST without CSRF token: %d, want 403", res.StatusCode)
	}
	c.csrf = "wrong"
	if res, _ = c.do("POST", "/api/v1/users", `{"username":"x1","role":"viewer","password":"`+testPass+`"}`); res.StatusCode != http.StatusForbidden {
		t.Fatalf("POST with wrong CSRF token: %d, want 403", res.StatusCode)
	}
	c.csrf = tok
	if res, body := c.do("POST", "/api/v1/users", `{"username":"x1","role":"viewer","password":"`+testPass+`"}`); res.StatusCode != http.StatusCreated {
		t.Fatalf("POST with CSRF token: %d %s", res.StatusCode, body)
	}
}

func TestSessionCookieFlags(t *testing.T) {
	f := newFixture(t)
	c := f.login("")
	res, _ := c.do("POST", "/api/v1/auth/login", `{"username":"admin","password":"`+testPass+`"}`)
	var ck *http.Cookie
	for _, x := range res.Cookies() {
		if x.Name == sessionCookie {
			ck = x
		}
	}
	if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode {
		t.Fatalf("session cookie %+v: want HttpOnly and SameSite=Lax", ck)
	}
	if ck.Secure {
		t.Errorf("cookie Secure over plain HTTP without --secure-cookies")
	}
}

func TestLoginRateLimit(t *testing.T) {
	f := newFixture(t)
	c := f.login("")
	for i := 0; i < 5; i++ {
		res, _ := c.do("POST", "/api/v1/auth/login", `{"username":"qc","password":"wrong-password"}`)
		if res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d, want 401", i, res.StatusCode)
		}
	}
	// The account is now locked even for the right password…
	if res, _ := c.do("POST", "/api/v1/auth/login", `{"username":"qc","password":"`+testPass+`"}`); res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("after 5 failures: %d, want 429", res.StatusCode)
	}
	// …while another account from the same IP still works (per-IP limit is higher).
	if res, _ := c.do("POST", "/api/v1/auth/login", `{"username":"admin","password":"`+testPass+`"}`); res.StatusCode != http.StatusOK {
		t.Fatalf("other account: %d, want 200", res.StatusCode)
	}
	// Per IP: 20 failures over any accounts lock the IP.
	for i := 0; i < 20; i++ {
		c.do("POST", "/api/v1/auth/login", fmt.Sprintf(`{"username":"ghost%d","password":"x"}`, i))
	}
	if res, _ := c.do("POST", "/api/v1/auth/login", `{"username":"viewer","password":"`+testPass+`"}`); res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("after 20 failures from one IP: %d, want 429", res.StatusCode)
	}
}

func TestLogout(t *testing.T) {
	f := newFixture(t)
	c := f.login("qc")
	if res, _ := c.do("POST", "/api/v1/auth/logout", ""); res.StatusCode != 200 {
		t.Fatalf("logout: %d", res.StatusCode)
	}
	if res, _ := c.do("GET", "/api/v1/me", ""); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("after logout: %d, want 401", res.StatusCode)
	}
}

func auditActions(t *testing.T, f *fixture, action string) []store.AuditEntry {
	t.Helper()
	es, err := f.db.AuditLog(context.Background(), store.AuditFilter{Action: action})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

func TestIdentityMasking(t *testing.T) {
	f := newFixture(t)
	st, err := f.db.Stay(context.Background(), f.stayA)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		user, query string
		status      int
		clear       bool
	}{
		{"qc", "", 200, false},
		{"qc", "?unmask=1", 403, false}, // no identity grant
		{"headA", "?unmask=1", 403, false},
		{"admin", "", 200, false},
		{"admin", "?unmask=1", 200, true},
	}
	for _, tc := range cases {
		c := f.login(tc.user)
		for _, p := range []string{fmt.Sprintf("/api/v1/stays/%d", f.stayA), "/api/v1/stays?year=2023&dept=" + deptA, "/api/v1/stays?year=2023&dept=" + deptA + "&format=csv"} {
			res, body := c.do("GET", p+strings.Replace(tc.query, "?", map[bool]string{true: "&", false: "?"}[strings.Contains(p, "?")], 1), "")
			if res.StatusCode != tc.status {
				t.Errorf("%s %s%s: %d, want %d", tc.user, p, tc.query, res.StatusCode, tc.status)
				continue
			}
			if res.StatusCode != 200 {
				continue
			}
			hasName := strings.Contains(body, st.Name)
			if hasName != tc.clear {
				t.Errorf("%s %s%s: name in clear = %v, want %v", tc.user, p, tc.query, hasName, tc.clear)
			}
			if strings.HasPrefix(p, "/api/v1/stays/") && strings.Contains(body, st.IDNumber) != tc.clear {
				t.Errorf("%s %s%s: ID number in clear, want %v", tc.user, p, tc.query, tc.clear)
			}
			if !tc.clear && strings.Contains(body, "测试路") {
				t.Errorf("%s %s: address not masked", tc.user, p)
			}
		}
	}
	var granted, denied int
	for _, e := range auditActions(t, f, store.AuditUnmask) {
		if e.OK {
			granted++
		} else {
			denied++
		}
	}
	if granted != 3 || denied != 6 {
		t.Errorf("identity-view audit: %d granted, %d denied entries; want 3 and 6", granted, denied)
	}
}

func TestMaskFunctions(t *testing.T) {
	cases := []struct {
		code, in, want string
	}{
		{"A11", "张三丰", "张*丰"},
		{"A11", "张三", "张*"},
		{"A11", "欧阳娜娜", "欧**娜"},
		{"A20", "370102199001011234", "3701**********1234"},
		{"A27", "13800138000", "138****8000"},
		{"A26", "山东省济南市历下区某路1号", "山东省济南市****"},
		{"A32", "李四", "李*"},
		{"A48", "BMRN001", "BMRN001"},                       // not an identity field
		{"A47", "320106198412240786", "3201**********0786"}, // health card: masked by the web as well
		{"A29", "南京市宏达实业有限公司", "南京市宏达实****"},
	}
	for _, tc := range cases {
		f, ok := frontpage.FieldByCode(tc.code)
		if !ok {
			t.Fatalf("no field %s", tc.code)
		}
		if got := maskField(f, tc.in); got != tc.want {
			t.Errorf("mask %s %q = %q, want %q", tc.code, tc.in, got, tc.want)
		}
	}
	// Every identity field of the registry is masked to something else.
	for _, fl := range frontpage.Fields() {
		if fl.Identity && maskField(fl, "山东省济南市历下区1234567890") == "山东省济南市历下区1234567890" {
			t.Errorf("identity field %s not masked", fl.Code)
		}
	}
}

func TestExportAudited(t *testing.T) {
	f := newFixture(t)
	c := f.login("qc")
	res, body := c.do("GET", "/api/v1/indicators/level4_share/stays?year=2024&dept="+deptA+"&format=xlsx", "")
	if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Type"), "spreadsheetml") || !strings.HasPrefix(body, "PK") {
		t.Fatalf("xlsx export: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	res, body = c.do("GET", "/api/v1/stays?year=2024&dept="+deptA+"&format=csv", "")
	if res.StatusCode != 200 || strings.Count(body, "\n") != 61 {
		t.Fatalf("csv export: %d, %d lines, want header + 60", res.StatusCode, strings.Count(body, "\n"))
	}
	if n := len(auditActions(t, f, store.AuditExport)); n != 2 {
		t.Errorf("%d export audit entries, want 2", n)
	}
}

func TestIndicatorNumbersAndDrillDown(t *testing.T) {
	f := newFixture(t)
	c := f.login("qc")
	_, body := c.do("GET", "/api/v1/indicators/level4_share?year=2024", "")
	var r struct {
		Hospital *struct {
			Value *float64 `json:"value"`
		} `json:"hospital"`
		Depts []struct {
			Code string  `json:"code"`
			Num  float64 `json:"numerator"`
			Den  float64 `json:"denominator"`
		} `json:"departments"`
	}
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatal(err)
	}
	// Fixture: per department and year, 20 of 60 stays are operated (i%3==0),
	// 10 of them level 4 (i%6==0): 50%.
	if r.Hospital == nil || r.Hospital.Value == nil || *r.Hospital.Value != 50 {
		t.Fatalf("level-4 share %+v, want 50", r.Hospital)
	}
	if len(r.Depts) != 2 {
		t.Fatalf("%d departments, want 2", len(r.Depts))
	}
	for _, d := range r.Depts {
		if d.Num != 10 || d.Den != 20 {
			t.Errorf("dept %s: %v/%v, want 10/20", d.Code, d.Num, d.Den)
		}
		_, body := c.do("GET", "/api/v1/indicators/level4_share/stays?year=2024&dept="+d.Code, "")
		if got := int(mustNum(t, body, "total")); got != int(d.Num) {
			t.Errorf("drill-down %s: %d stays, want %v (the numerator)", d.Code, got, d.Num)
		}
		_, body = c.do("GET", "/api/v1/indicators/level4_share/stays?part=denominator&year=2024&dept="+d.Code, "")
		if got := int(mustNum(t, body, "total")); got != int(d.Den) {
			t.Errorf("drill-down %s denominator: %d stays, want %v", d.Code, got, d.Den)
		}
	}
	// The overview's headline numbers agree with the engine.
	_, body = c.do("GET", "/api/v1/overview?year=2024", "")
	if !strings.Contains(body, `"id":"level4_share"`) || !strings.Contains(body, `"value":50,`) {
		t.Errorf("overview level-4 share is not 50: %.300s", body)
	}
}

func mustNum(t *testing.T, body, key string) float64 {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("decode: %v", err)
	}
	v, ok := m[key].(float64)
	if !ok {
		t.Fatalf("%s missing in %.200s", key, body)
	}
	return v
}

// uploadCSV writes two good stays and one broken row.
func uploadCSV(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := ingest.NewCSVWriter(&buf, ingest.WriteOptions{MaxDx: 2, MaxPx: 1})
	if err != nil {
		t.Fatal(err)
	}
	stays := fixtureStays()[:2]
	for i := range stays {
		stays[i].MRN = fmt.Sprintf("UP%03d", i)
		if err := w.Write(&stays[i]); err != nil {
			t.Fatal(err)
		}
	}
	bad := stays[0]
	bad.MRN = "UPBAD"
	if err := w.Write(&bad); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	// Break the admission time of the last row.
	lines := strings.Split(strings.TrimRight(buf.String(), "\n"), "\n")
	last := lines[len(lines)-1]
	lines[len(lines)-1] = strings.Replace(last, stays[0].AdmTime.Format("2006-01-02 15:04:05"), "2024-13-45 99:00:00", 1)
	return []byte(strings.Join(lines, "\n") + "\n")
}

func (c *client) upload(name string, data []byte) (*http.Response, string) {
	c.f.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", c.f.ts.URL+"/api/v1/imports?kind=frontpage", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set(csrfHeader, c.csrf)
	res, err := c.hc.Do(req)
	if err != nil {
		c.f.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func TestUploadWithErrors(t *testing.T) {
	f := newFixture(t)
	c := f.login("qc")
	res, body := c.upload("首页.csv", uploadCSV(t))
	if res.StatusCode != http.StatusAccepted {
		t.Fatalf("upload: %d %s", res.StatusCode, body)
	}
	id := jsonField(t, body, "id")
	var job uploadJob
	for i := 0; i < 200 && !job.Done; i++ {
		_, b := c.do("GET", "/api/v1/imports/"+id, "")
		if err := json.Unmarshal([]byte(b), &job); err != nil {
			t.Fatal(err)
		}
		if !job.Done {
			time.Sleep(50 * time.Millisecond)
		}
	}
	if !job.Done || job.Status != "ok" || job.RowsGood != 2 || job.RowsBad != 1 || job.ImportID == 0 {
		t.Fatalf("job %+v: want done ok with 2 good and 1 bad row", job)
	}
	_, b := c.do("GET", fmt.Sprintf("/api/v1/imports/%d/errors", job.ImportID), "")
	var er struct {
		Errors []importError `json:"errors"`
	}
	if err := json.Unmarshal([]byte(b), &er); err != nil {
		t.Fatal(err)
	}
	if len(er.Errors) != 1 || er.Errors[0].Line != 4 || er.Errors[0].File != "首页.csv" || er.Errors[0].ReasonCN == "" {
		t.Fatalf("errors %+v: want one error on line 4 of 首页.csv", er.Errors)
	}
	// The new stays are visible at once (the aggregate cache was dropped).
	_, b = c.do("GET", "/api/v1/stays?year=2023&q=UP", "")
	if n := mustNum(t, b, "total"); n != 2 {
		t.Errorf("uploaded stays visible: %v, want 2", n)
	}
	if n := len(auditActions(t, f, store.AuditImport)); n != 1 {
		t.Errorf("import audit entries: %d, want 1", n)
	}
	// A department head may not upload.
	h := f.login("headA")
	if res, _ := h.upload("x.csv", uploadCSV(t)); res.StatusCode != http.StatusForbidden {
		t.Errorf("department head upload: %d, want 403", res.StatusCode)
	}
}

func TestUserAdministration(t *testing.T) {
	f := newFixture(t)
	admin := f.login("admin")
	res, body := admin.do("POST", "/api/v1/users", `{"username":"head2","role":"depthead","depts":["B02"],"password":"`+testPass+`"}`)
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d %s", res.StatusCode, body)
	}
	id := int64(mustNum(t, body, "id"))
	h := f.login("head2")
	if res, _ := h.do("GET", "/api/v1/departments/B02", ""); res.StatusCode != 200 {
		t.Fatalf("head2 own department: %d", res.StatusCode)
	}
	// Disabling drops the live session at once and blocks new logins.
	if res, body := admin.do("PATCH", fmt.Sprintf("/api/v1/users/%d", id), `{"disabled":true}`); res.StatusCode != 200 {
		t.Fatalf("disable: %d %s", res.StatusCode, body)
	}
	if res, _ := h.do("GET", "/api/v1/me", ""); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("disabled user's session: %d, want 401", res.StatusCode)
	}
	if res, _ := f.login("").do("POST", "/api/v1/auth/login", `{"username":"head2","password":"`+testPass+`"}`); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("disabled user login: %d, want 401", res.StatusCode)
	}
	// Bad input is a 400 with a message, not a 500.
	for _, b := range []string{`{"username":"a b","role":"viewer","password":"` + testPass + `"}`, `{"username":"z","role":"king","password":"` + testPass + `"}`, `{"username":"z","role":"viewer","password":"short"}`, `not json`} {
		if res, _ := admin.do("POST", "/api/v1/users", b); res.StatusCode != http.StatusBadRequest {
			t.Errorf("create %s: %d, want 400", b, res.StatusCode)
		}
	}
	// An admin cannot lock themselves out.
	me, _ := f.db.UserByName(context.Background(), "admin")
	if res, _ := admin.do("PATCH", fmt.Sprintf("/api/v1/users/%d", me.ID), `{"disabled":true}`); res.StatusCode != http.StatusBadRequest {
		t.Errorf("self-disable: %d, want 400", res.StatusCode)
	}
	if n := len(auditActions(t, f, store.AuditUserChange)); n != 2 {
		t.Errorf("user-change audit entries: %d, want 2", n)
	}
	if n := len(auditActions(t, f, store.AuditLogin)); n < 2 {
		t.Errorf("login audit entries: %d, want ≥ 2", n)
	}
}

func TestMetricsAndHealth(t *testing.T) {
	f := newFixture(t)
	c := f.login("viewer")
	c.do("GET", "/api/v1/overview", "")
	res, body := c.do("GET", "/metrics", "")
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("metrics: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	for _, want := range []string{
		`yardstick_http_requests_total{route="GET /api/v1/overview",code="2xx"} 1`,
		`yardstick_http_request_duration_seconds_count{route="GET /api/v1/overview"} 1`,
		`yardstick_imports_total`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if res, _ := c.do("GET", "/healthz", ""); res.StatusCode != 200 {
		t.Errorf("healthz: %d", res.StatusCode)
	}
}

func TestSPAFallback(t *testing.T) {
	f := newFixture(t)
	c := f.login("")
	for _, p := range []string{"/", "/overview", "/assets/app.js"} {
		res, body := c.do("GET", p, "")
		if res.StatusCode != 200 || len(body) < 20 {
			t.Errorf("%s: %d (%d bytes)", p, res.StatusCode, len(body))
		}
	}
	if res, _ := c.do("GET", "/api/v1/nothing", ""); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown API path: %d, want 404", res.StatusCode)
	}
}

func (c *client) uploadKind(query, name string, data []byte) (*http.Response, string) {
	c.f.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", c.f.ts.URL+"/api/v1/imports?"+query, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set(csrfHeader, c.csrf)
	res, err := c.hc.Do(req)
	if err != nil {
		c.f.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func (c *client) waitJob(id string) uploadJob {
	c.f.t.Helper()
	var job uploadJob
	for i := 0; i < 400 && !job.Done; i++ {
		_, b := c.do("GET", "/api/v1/imports/"+id, "")
		if err := json.Unmarshal([]byte(b), &job); err != nil {
			c.f.t.Fatal(err)
		}
		if !job.Done {
			time.Sleep(50 * time.Millisecond)
		}
	}
	return job
}

// TestCatalogueUpload imports a level-4 catalogue that does not list the
// fixture's operation: the level-4 share, computed by the fallback (手术级别
// = 4) before, drops to 0 once the catalogue decides, and every cached
// aggregate follows.
func TestCatalogueUpload(t *testing.T) {
	f := newFixture(t)
	c := f.login("qc")
	level4 := func() float64 {
		_, body := c.do("GET", "/api/v1/indicators/level4_share?year=2024", "")
		var r struct {
			Hospital struct {
				Value *float64 `json:"value"`
			} `json:"hospital"`
		}
		if err := json.Unmarshal([]byte(body), &r); err != nil || r.Hospital.Value == nil {
			t.Fatalf("level-4 share: %v %.200s", err, body)
		}
		return *r.Hospital.Value
	}
	if v := level4(); v != 50 {
		t.Fatalf("before: %v, want 50", v)
	}
	csv := "国家临床版3.0手术编码,国家临床版3.0手术名称,绩效考核四级手术标识\n51.2300,腹腔镜胆囊切除术,是\n,缺编码,是\n"
	for _, bad := range []string{"kind=catalogue&catalog=nonsense&version=2024", "kind=catalogue&catalog=level4"} {
		if res, _ := c.uploadKind(bad, "l4.csv", []byte(csv)); res.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", bad, res.StatusCode)
		}
	}
	res, body := c.uploadKind("kind=catalogue&catalog=level4&version=2024", "四级目录.csv", []byte(csv))
	if res.StatusCode != http.StatusAccepted {
		t.Fatalf("upload: %d %s", res.StatusCode, body)
	}
	job := c.waitJob(jsonField(t, body, "id"))
	if job.Status != "ok" || job.RowsGood != 1 {
		t.Fatalf("job %+v", job)
	}
	if v := level4(); v != 0 {
		t.Errorf("after the catalogue: %v, want 0", v)
	}
	_, body = c.do("GET", "/api/v1/imports", "")
	if !strings.Contains(body, `"kind":"level4","version":"2024"`) {
		t.Errorf("catalogue not listed: %.300s", body)
	}
}
