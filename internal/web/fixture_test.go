package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/yardstick-health/yardstick/internal/frontpage"
	"github.com/yardstick-health/yardstick/internal/store"
	"golang.org/x/crypto/bcrypt"
)

// The fixture hospital has two departments. Stays of department B carry
// MRNs starting with "BMRN" and patient names starting with "乙", so a test
// can tell by the body alone whether anything of B leaked to A's head.
const (
	deptA     = "A01"
	deptB     = "B02"
	testPass  = "correct-horse-9"
	fixtureYr = 2024
)

var fixtureUsers = []store.User{
	{Username: "admin", Role: store.RoleAdmin, CanViewIdentity: true},
	{Username: "qc", Role: store.RoleQuality},
	{Username: "headA", Role: store.RoleDeptHead, Depts: []string{deptA}},
	{Username: "viewer", Role: store.RoleViewer},
}

// fixtureStays builds n stays per department per year for two years.
func fixtureStays() []frontpage.Stay {
	var out []frontpage.Stay
	for _, yr := range []int{fixtureYr - 1, fixtureYr} {
		for i := 0; i < 60; i++ {
			for _, d := range []string{deptA, deptB} {
				prefix, name := "AMRN", "甲"
				if d == deptB {
					prefix, name = "BMRN", "乙"
				}
				adm := time.Date(yr, time.Month(i%12+1), 3+i%20, 9, 0, 0, 0, time.UTC)
				los := 3 + i%9
				s := frontpage.Stay{
					OrgCode: "12345678", OrgName: "测试医院", MRN: fmt.Sprintf("%s%d%03d", prefix, yr, i), AdmissionNo: 1,
					Name: name + "测试" + string(rune('一'+i%5)), Sex: []string{"1", "2"}[i%2], AgeYears: frontpage.Some(30 + i%50),
					IDNumber: fmt.Sprintf("37010219800101%04d", i), Address: "山东省济南市历下区测试路" + fmt.Sprint(i) + "号", Phone: "13800138000",
					AdmTime: adm, DisTime: adm.AddDate(0, 0, los), AdmDept: d, DisDept: d, LOS: frontpage.Some(los),
					DischargeWay: "1", Coder: []string{"王编码", "李编码"}[i%2],
					Diagnoses: []frontpage.Diagnosis{{Code: "I47.100", Name: "室上性心动过速", POA: "1"}},
				}
				if i%10 == 0 {
					s.DischargeWay = frontpage.DischargeDeath
				}
				if i%3 == 0 {
					lvl := "3"
					if i%6 == 0 {
						lvl = "4"
					}
					s.Procedures = []frontpage.Procedure{{Code: "36.0601", Name: "冠状动脉支架置入", Date: adm.AddDate(0, 0, 1), Level: lvl}}
				}
				s.Costs[frontpage.CostTotal] = frontpage.Some(10000 + float64(i)*100)
				s.Costs[frontpage.CostWesternDrugs] = frontpage.Some(3000 + float64(i)*10)
				out = append(out, s)
			}
		}
	}
	return out
}

type fixture struct {
	t   testing.TB
	db  *store.DB
	srv *Server
	ts  *httptest.Server
	// one stay id of each department
	stayA, stayB int64
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	store.BcryptCost = bcrypt.MinCost
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "test.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	stays := fixtureStays()
	_, err = db.ImportStays(ctx, store.ImportMeta{File: "fixture.csv"}, func(ctx context.Context, emit func([]frontpage.Stay) error) (*store.ImportOutcome, error) {
		return &store.ImportOutcome{RowsRead: len(stays), RowsGood: len(stays)}, emit(stays)
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range [][2]string{{deptA, "心内科"}, {deptB, "骨科"}} {
		if _, err := db.SQL().ExecContext(ctx, `INSERT INTO departments (org_code, dept_code, dept_name, kind) VALUES ('12345678', ?, ?, 'clinical')`, d[0], d[1]); err != nil {
			t.Fatal(err)
		}
	}
	for _, u := range fixtureUsers {
		if _, err := db.CreateUser(ctx, u, testPass); err != nil {
			t.Fatal(err)
		}
	}
	srv, err := New(Config{DB: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), UploadDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, db: db, srv: srv}
	f.ts = httptest.NewServer(srv.Handler())
	t.Cleanup(f.ts.Close)
	for _, d := range []struct {
		dept string
		id   *int64
	}{{deptA, &f.stayA}, {deptB, &f.stayB}} {
		if err := db.SQL().QueryRowContext(ctx, `SELECT min(stay_id) FROM stays WHERE dis_dept = ?`, d.dept).Scan(d.id); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// client is a logged-in browser-like client.
type client struct {
	f    *fixture
	hc   *http.Client
	csrf string
}

func (f *fixture) login(user string) *client {
	f.t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &client{f: f, hc: &http.Client{Jar: jar}}
	if user == "" {
		return c
	}
	res, body := c.do("POST", "/api/v1/auth/login", `{"username":"`+user+`","password":"`+testPass+`"}`)
	if res.StatusCode != 200 {
		f.t.Fatalf("login %s: %d %s", user, res.StatusCode, body)
	}
	c.csrf = jsonField(f.t, body, "csrf")
	return c
}

func (c *client) do(method, path, body string) (*http.Response, string) {
	c.f.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, c.f.ts.URL+path, rd)
	if err != nil {
		c.f.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.csrf != "" {
		req.Header.Set(csrfHeader, c.csrf)
	}
	res, err := c.hc.Do(req)
	if err != nil {
		c.f.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}
