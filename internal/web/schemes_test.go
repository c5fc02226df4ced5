package web

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yardstick-health/yardstick/internal/drg"
)

func zipDir(t *testing.T, dir, prefix string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		w, err := zw.Create(prefix + filepath.ToSlash(rel))
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestSchemeAndWeightsUpload installs a pack uploaded as a zip, adds a
// weight table to it, and refuses an archive that tries to escape its folder.
func TestSchemeAndWeightsUpload(t *testing.T) {
	f := newFixture(t)
	f.srv.cfg.SchemeDir = filepath.Join(t.TempDir(), "schemes")
	c := f.login("qc")
	p, err := drg.DemoPack()
	if err != nil {
		t.Fatal(err)
	}
	p.Manifest.ID, p.Manifest.Demo = "web-test-pack", false
	src := t.TempDir()
	if err := drg.WritePack(p, src); err != nil {
		t.Fatal(err)
	}
	res, body := c.uploadKind("kind=scheme", "pack.zip", zipDir(t, src, "web-test-pack/"))
	if res.StatusCode != 202 {
		t.Fatalf("upload: %d %s", res.StatusCode, body)
	}
	job := c.waitJob(jsonField(t, body, "id"))
	if job.Status != "ok" || !strings.Contains(job.Message, "web-test-pack") {
		t.Fatalf("pack job %+v", job)
	}
	if _, err := os.Stat(filepath.Join(f.srv.cfg.SchemeDir, "web-test-pack")); err != nil {
		t.Fatalf("pack not installed: %v", err)
	}
	// A weight table for the installed pack, then one for an unknown pack.
	csv := "region,year,drg,rw\n测试,2024,FU25,1.5\n"
	res, body = c.uploadKind("kind=weights&scheme=web-test-pack", "test-weights.csv", []byte(csv))
	if res.StatusCode != 202 {
		t.Fatalf("weights upload: %d %s", res.StatusCode, body)
	}
	if job := c.waitJob(jsonField(t, body, "id")); job.Status != "ok" || !strings.Contains(job.Message, "2024") {
		t.Errorf("weights job %+v", job)
	}
	_, body = c.uploadKind("kind=weights&scheme=no-such-pack", "w.csv", []byte(csv))
	if job := c.waitJob(jsonField(t, body, "id")); job.Status != "failed" {
		t.Errorf("weights for an unknown pack: %+v", job)
	}
	if res, _ := c.uploadKind("kind=weights", "w.csv", []byte(csv)); res.StatusCode != 400 {
		t.Errorf("weights without scheme: %d, want 400", res.StatusCode)
	}
	// Path traversal inside the archive is refused and nothing is written outside.
	var evil bytes.Buffer
	zw := zip.NewWriter(&evil)
	w, _ := zw.Create("../../escaped.txt")
	_, _ = w.Write([]byte("x"))
	zw.Close()
	_, body = c.uploadKind("kind=scheme", "evil.zip", evil.Bytes())
	job = c.waitJob(jsonField(t, body, "id"))
	if job.Status != "failed" || !strings.Contains(job.Message, "invalid path") {
		t.Errorf("traversal archive: %+v", job)
	}
	if res, _ := c.uploadKind("kind=scheme", "pack.csv", []byte("x")); res.StatusCode != 400 {
		t.Errorf("scheme as csv: %d, want 400", res.StatusCode)
	}
	// The regrouped store now has DRG results.
	_, body = c.do("GET", "/api/v1/meta", "")
	var meta struct {
		Grouped bool `json:"grouped"`
	}
	if err := json.Unmarshal([]byte(body), &meta); err != nil || !meta.Grouped {
		var n, g int
		_ = f.db.SQL().QueryRow(`SELECT count(*) FROM drg_results WHERE drg NOT IN ('', '0000')`).Scan(&n)
		_ = f.db.SQL().QueryRow(`SELECT count(*) FROM stay_facts WHERE grouped`).Scan(&g)
		t.Errorf("after installing a pack the store is not grouped (%d drg_results, %d grouped facts): %s", n, g, body)
	}
}
