package web

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Latency buckets in seconds, as in the Prometheus default histogram but
// starting lower: most API calls here answer in a few milliseconds.
var latencyBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

type routeStats struct {
	buckets []atomic.Int64 // cumulative counts per bucket
	count   atomic.Int64
	sumNano atomic.Int64
	status  sync.Map // "2xx" -> *atomic.Int64
}

// metrics is a hand-written Prometheus text exposition: a request counter by
// route and status class, a latency histogram by route, and import counters.
// A client library would add a dependency for a handful of series.
type metrics struct {
	mu      sync.Mutex
	routes  map[string]*routeStats
	imports sync.Map // status -> *atomic.Int64
	start   time.Time
}

func newMetrics() *metrics {
	return &metrics{routes: map[string]*routeStats{}, start: time.Now()}
}

func (m *metrics) route(name string) *routeStats {
	m.mu.Lock()
	defer m.mu.Unlock()
	rs := m.routes[name]
	if rs == nil {
		rs = &routeStats{buckets: make([]atomic.Int64, len(latencyBuckets))}
		m.routes[name] = rs
	}
	return rs
}

func (m *metrics) observe(name string, status int, d time.Duration) {
	rs := m.route(name)
	sec := d.Seconds()
	for i, b := range latencyBuckets {
		if sec <= b {
			rs.buckets[i].Add(1)
		}
	}
	rs.count.Add(1)
	rs.sumNano.Add(int64(d))
	cls := fmt.Sprintf("%dxx", status/100)
	v, _ := rs.status.LoadOrStore(cls, new(atomic.Int64))
	v.(*atomic.Int64).Add(1)
}

func (m *metrics) importDone(status string) {
	v, _ := m.imports.LoadOrStore(status, new(atomic.Int64))
	v.(*atomic.Int64).Add(1)
}

func promLabel(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
}

func (m *metrics) write(w io.Writer) {
	m.mu.Lock()
	names := make([]string, 0, len(m.routes))
	for n := range m.routes {
		names = append(names, n)
	}
	m.mu.Unlock()
	sort.Strings(names)
	fmt.Fprintln(w, "# HELP yardstick_http_requests_total HTTP requests by route and status class.")
	fmt.Fprintln(w, "# TYPE yardstick_http_requests_total counter")
	for _, n := range names {
		rs := m.route(n)
		var classes []string
		rs.status.Range(func(k, _ any) bool { classes = append(classes, k.(string)); return true })
		sort.Strings(classes)
		for _, c := range classes {
			v, _ := rs.status.Load(c)
			fmt.Fprintf(w, "yardstick_http_requests_total{route=\"%s\",code=\"%s\"} %d\n", promLabel(n), c, v.(*atomic.Int64).Load())
		}
	}
	fmt.Fprintln(w, "# HELP yardstick_http_request_duration_seconds HTTP request latency by route.")
	fmt.Fprintln(w, "# TYPE yardstick_http_request_duration_seconds histogram")
	for _, n := range names {
		rs := m.route(n)
		l := promLabel(n)
		for i, b := range latencyBuckets {
			fmt.Fprintf(w, "yardstick_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %d\n", l, b, rs.buckets[i].Load())
		}
		cnt := rs.count.Load()
		fmt.Fprintf(w, "yardstick_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %d\n", l, cnt)
		fmt.Fprintf(w, "yardstick_http_request_duration_seconds_sum{route=\"%s\"} %g\n", l, time.Duration(rs.sumNano.Load()).Seconds())
		fmt.Fprintf(w, "yardstick_http_request_duration_seconds_count{route=\"%s\"} %d\n", l, cnt)
	}
	fmt.Fprintln(w, "# HELP yardstick_imports_total Browser imports finished, by status.")
	fmt.Fprintln(w, "# TYPE yardstick_imports_total counter")
	var sts []string
	m.imports.Range(func(k, _ any) bool { sts = append(sts, k.(string)); return true })
	sort.Strings(sts)
	if len(sts) == 0 {
		fmt.Fprintln(w, `yardstick_imports_total{status="ok"} 0`)
	}
	for _, st := range sts {
		v, _ := m.imports.Load(st)
		fmt.Fprintf(w, "yardstick_imports_total{status=\"%s\"} %d\n", promLabel(st), v.(*atomic.Int64).Load())
	}
	fmt.Fprintln(w, "# HELP yardstick_uptime_seconds Seconds since the server started.")
	fmt.Fprintln(w, "# TYPE yardstick_uptime_seconds gauge")
	fmt.Fprintf(w, "yardstick_uptime_seconds %g\n", time.Since(m.start).Seconds())
}

func (s *Server) handleMetrics(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	s.metrics.write(w)
}

func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	if err := s.db.SQL().PingContext(r.Context()); err != nil {
		writeErr(w, http.StatusServiceUnavailable, "数据库不可用", "store unavailable")
		return
	}
	writeJSON(w, http.StatusOK, okResp{OK: true})
}
