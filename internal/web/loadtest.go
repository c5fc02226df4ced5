package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"sort"
	"strings"
	"sync"
	"time"
)

// LoadConfig drives a load test against a running server: each simulated
// user logs in once and then replays the requests a browser makes when it
// walks the main pages, until the duration is over.
type LoadConfig struct {
	BaseURL  string
	Users    []LoadUser
	Duration time.Duration
	Think    time.Duration // pause between two page views of one user (reading time)
	Year     int
	Dept     string // a department for the department and drill-down pages
	StayID   int64  // a stay for the stay page
}

// LoadUser is one account the simulated users log in with.
type LoadUser struct{ Name, Password string }

// LoadReport holds latency percentiles by request class ("api", "page").
type LoadReport struct {
	Users    int
	Duration time.Duration
	Classes  map[string]*LoadStats
	Paths    map[string]*LoadStats // by request path (query string cut)
	Errors   int
	ErrorMsg []string // first few errors
}

// LoadStats are the figures of one request class.
type LoadStats struct {
	Requests      int
	P50, P95, P99 time.Duration
	Max           time.Duration
	durations     []time.Duration
}

type loadReq struct {
	class, path string
	needsStays  bool
}

// pages is what a browser fetches for each page a user opens, in the order
// of a typical walk through the dashboard.
func (c LoadConfig) pages() [][]loadReq {
	y := fmt.Sprint(c.Year)
	return [][]loadReq{
		{{"page", "/", false}, {"page", "/assets/app.js", false}, {"page", "/assets/index.css", false},
			{"api", "/api/v1/me", false}, {"api", "/api/v1/meta", false}, {"api", "/api/v1/overview?year=" + y, false}},
		{{"api", "/api/v1/indicators?year=" + y, false}},
		{{"api", "/api/v1/indicators/level4_share?year=" + y, false}},
		{{"api", "/api/v1/indicators/level4_share/stays?limit=1000&year=" + y + "&dept=" + c.Dept, true},
			{"api", "/api/v1/indicators/level4_share?year=" + y, false}},
		{{"api", fmt.Sprintf("/api/v1/stays/%d", c.StayID), true}},
		{{"api", "/api/v1/overview?year=" + y, false}, {"api", "/api/v1/departments?year=" + y, false}},
		{{"api", "/api/v1/departments/" + c.Dept + "?year=" + y, false}},
		{{"api", "/api/v1/drg/summary?year=" + y, false}},
		{{"api", "/api/v1/quality/scores?year=" + y, false}, {"api", "/api/v1/quality/findings?limit=2000&year=" + y + "&dept=" + c.Dept, true}},
	}
}

// RunLoad runs the load test. Errors are non-2xx answers or transport
// failures; a department head asking for another department's data would
// count as one, so the script only sends what each role may see.
func RunLoad(ctx context.Context, cfg LoadConfig) (*LoadReport, error) {
	rep := &LoadReport{Users: len(cfg.Users), Classes: map[string]*LoadStats{}, Paths: map[string]*LoadStats{}}
	var mu sync.Mutex
	record := func(class, path string, d time.Duration, err error) {
		mu.Lock()
		defer mu.Unlock()
		path, _, _ = strings.Cut(path, "?")
		for _, x := range []struct {
			m map[string]*LoadStats
			k string
		}{{rep.Classes, class}, {rep.Paths, path}} {
			st := x.m[x.k]
			if st == nil {
				st = &LoadStats{}
				x.m[x.k] = st
			}
			st.durations = append(st.durations, d)
		}
		if err != nil {
			rep.Errors++
			if len(rep.ErrorMsg) < 5 {
				rep.ErrorMsg = append(rep.ErrorMsg, err.Error())
			}
		}
	}
	// No gzip: decompressing the bundle in this process would take CPU from the
	// server under test; a real browser decompresses on its own machine.
	tr := &http.Transport{MaxIdleConnsPerHost: len(cfg.Users) + 8, DisableCompression: true}
	defer tr.CloseIdleConnections()
	// Log everyone in first: the test measures browsing, not bcrypt.
	type user struct {
		hc       *http.Client
		seeStays bool
	}
	users := make([]user, len(cfg.Users))
	for i, u := range cfg.Users {
		jar, _ := cookiejar.New(nil)
		hc := &http.Client{Jar: jar, Transport: tr, Timeout: 30 * time.Second}
		res, err := hc.Post(cfg.BaseURL+"/api/v1/auth/login", "application/json",
			strings.NewReader(fmt.Sprintf(`{"username":%q,"password":%q}`, u.Name, u.Password)))
		if err != nil {
			return nil, fmt.Errorf("login %s: %w", u.Name, err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			return nil, fmt.Errorf("login %s: %d %s", u.Name, res.StatusCode, b)
		}
		users[i] = user{hc: hc, seeStays: !strings.Contains(string(b), `"sees_stays":false`)}
	}
	pages := cfg.pages()
	// Warm up: one walk through every page, unmeasured, so the figures are
	// those of a server in steady state (aggregates are computed once per
	// import and then served from memory).
	for _, u := range users {
		if !u.seeStays {
			continue
		}
		for _, pg := range pages {
			for _, r := range pg {
				if res, err := u.hc.Get(cfg.BaseURL + r.path); err == nil {
					_, _ = io.Copy(io.Discard, res.Body)
					res.Body.Close()
				}
			}
		}
		break
	}
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, cfg.Duration)
	defer cancel()
	var wg sync.WaitGroup
	for i := range users {
		wg.Add(1)
		go func(u user, offset int) {
			defer wg.Done()
			for k := offset; ctx.Err() == nil; k++ {
				for _, r := range pages[k%len(pages)] {
					if r.needsStays && !u.seeStays {
						continue
					}
					req, _ := http.NewRequestWithContext(ctx, "GET", cfg.BaseURL+r.path, nil)
					t0 := time.Now()
					res, err := u.hc.Do(req)
					if err == nil {
						_, err = io.Copy(io.Discard, res.Body)
						res.Body.Close()
						if err == nil && res.StatusCode >= 300 {
							err = fmt.Errorf("GET %s: status %d", r.path, res.StatusCode)
						}
					}
					d := time.Since(t0)
					if ctx.Err() != nil {
						return // the deadline cut this request short: not a server error
					}
					record(r.class, r.path, d, err)
				}
				if cfg.Think > 0 {
					select {
					case <-ctx.Done():
						return
					case <-time.After(cfg.Think):
					}
				}
			}
		}(users[i], i)
	}
	wg.Wait()
	rep.Duration = time.Since(start)
	all := []*LoadStats{}
	for _, m := range []map[string]*LoadStats{rep.Classes, rep.Paths} {
		for _, st := range m {
			all = append(all, st)
		}
	}
	for _, st := range all {
		sort.Slice(st.durations, func(i, j int) bool { return st.durations[i] < st.durations[j] })
		n := len(st.durations)
		st.Requests = n
		if n == 0 {
			continue
		}
		pct := func(p float64) time.Duration { return st.durations[min(n-1, int(float64(n)*p))] }
		st.P50, st.P95, st.P99, st.Max = pct(0.50), pct(0.95), pct(0.99), st.durations[n-1]
	}
	return rep, nil
}

// Write prints the report as a table.
func (r *LoadReport) Write(w io.Writer, verbose bool) {
	fmt.Fprintf(w, "%d 用户 users, %.1fs, 错误 errors: %d\n", r.Users, r.Duration.Seconds(), r.Errors)
	fmt.Fprintf(w, "%-6s %9s %9s %9s %9s %9s %9s\n", "class", "requests", "req/s", "p50", "p95", "p99", "max")
	classes := make([]string, 0, len(r.Classes))
	for c := range r.Classes {
		classes = append(classes, c)
	}
	sort.Strings(classes)
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }
	for _, c := range classes {
		st := r.Classes[c]
		fmt.Fprintf(w, "%-6s %9d %9.0f %9s %9s %9s %9s\n", c, st.Requests, float64(st.Requests)/r.Duration.Seconds(), ms(st.P50), ms(st.P95), ms(st.P99), ms(st.Max))
	}
	if verbose {
		paths := make([]string, 0, len(r.Paths))
		for p := range r.Paths {
			paths = append(paths, p)
		}
		sort.Strings(paths)
		for _, p := range paths {
			st := r.Paths[p]
			fmt.Fprintf(w, "  %-44s %7d %9s %9s %9s\n", p, st.Requests, ms(st.P50), ms(st.P95), ms(st.P99))
		}
	}
	for _, e := range r.ErrorMsg {
		fmt.Fprintln(w, "  error:", e)
	}
}
