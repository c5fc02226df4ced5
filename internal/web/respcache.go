package web

import (
	"bytes"
	"net/http"
	"strings"
	"sync"
)

// respCache keeps the JSON answers of aggregate endpoints (no stay-level
// data, no identities) until the next import. The key holds the caller's
// department scope, so a department head never gets an answer computed for
// another scope. It is bounded: when full it is simply emptied.
type respCache struct {
	mu  sync.Mutex
	gen int64
	m   map[string]cachedResp
}

type cachedResp struct {
	body        []byte
	contentType string
}

const respCacheMax = 4096

func (rc *respCache) invalidate() {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.gen++
	rc.m = nil
}

func (rc *respCache) get(key string) (cachedResp, int64, bool) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	c, ok := rc.m[key]
	return c, rc.gen, ok
}

func (rc *respCache) put(key string, gen int64, c cachedResp) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.gen != gen {
		return // an import happened while this answer was computed
	}
	if rc.m == nil || len(rc.m) >= respCacheMax {
		rc.m = map[string]cachedResp{}
	}
	rc.m[key] = c
}

func cacheKey(r *http.Request, c *reqCtx) string {
	scope := "*"
	if sc := c.scope(); sc != nil {
		scope = "[" + strings.Join(sc, ",") + "]"
	}
	// Encode sorts the parameters, so equal queries share an entry.
	return r.Pattern + "?" + r.URL.Query().Encode() + "|" + r.PathValue("id") + r.PathValue("code") + "|" + scope
}

// recorder captures a handler's answer for the cache.
type recorder struct {
	http.ResponseWriter
	status int
	buf    bytes.Buffer
}

func (w *recorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.buf.Write(b)
	return w.ResponseWriter.Write(b)
}

// cached serves an aggregate GET from the cache or runs h and stores a 200.
func (s *Server) cached(w http.ResponseWriter, r *http.Request, c *reqCtx, h func(http.ResponseWriter, *http.Request, *reqCtx)) {
	key := cacheKey(r, c)
	if e, _, ok := s.resps.get(key); ok {
		w.Header().Set("Content-Type", e.contentType)
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(e.body)
		return
	}
	_, gen, _ := s.resps.get("")
	rec := &recorder{ResponseWriter: w}
	h(rec, r, c)
	if rec.status == http.StatusOK {
		s.resps.put(key, gen, cachedResp{body: rec.buf.Bytes(), contentType: w.Header().Get("Content-Type")})
	}
}

// nameCache keeps the department dictionary and the list of years, read on
// almost every request, until the next import. Callers must not modify the
// returned values.
type nameCache struct {
	mu    sync.Mutex
	depts map[string]deptInfo
	years []int
}

func (nc *nameCache) invalidate() {
	nc.mu.Lock()
	defer nc.mu.Unlock()
	nc.depts, nc.years = nil, nil
}

func (nc *nameCache) getDepts() (map[string]deptInfo, bool) {
	nc.mu.Lock()
	defer nc.mu.Unlock()
	return nc.depts, nc.depts != nil
}

func (nc *nameCache) putDepts(m map[string]deptInfo) {
	nc.mu.Lock()
	defer nc.mu.Unlock()
	nc.depts = m
}

func (nc *nameCache) getYears() ([]int, bool) {
	nc.mu.Lock()
	defer nc.mu.Unlock()
	return nc.years, nc.years != nil
}

func (nc *nameCache) putYears(ys []int) {
	nc.mu.Lock()
	defer nc.mu.Unlock()
	nc.years = ys
}
