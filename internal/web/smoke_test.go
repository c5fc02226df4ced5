package web

import (
	"encoding/json"
	"testing"
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

func TestSmoke(t *testing.T) {
	f := newFixture(t)
	c := f.login("admin")
	for _, p := range []string{"/api/v1/overview", "/api/v1/indicators/level4_share", "/api/v1/indicators/level4_share/stays?dept=A01", "/api/v1/departments/A01", "/api/v1/stays/1", "/api/v1/drg/summary", "/api/v1/quality/scores", "/api/v1/imports", "/api/v1/meta"} {
		res, body := c.do("GET", p, "")
		if len(body) > 600 {
			body = body[:600]
		}
		t.Logf("%s %d %s", p, res.StatusCode, body)
	}
}
