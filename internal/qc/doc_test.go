package qc

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yardstick-health/yardstick/internal/testutil"
)

// TestQualityRulesDocUpToDate: the rule tables of docs/quality-rules.md are
// generated from the catalogue. Regenerate with
//
//	go run ./cmd/yardstick check rules --format markdown
//
// and paste between the markers (or run with UPDATE_DOCS=1).
func TestQualityRulesDocUpToDate(t *testing.T) {
	path := filepath.Join(testutil.RepoRoot(t), "docs", "quality-rules.md")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	i, j := strings.Index(doc, DocBegin), strings.Index(doc, DocEnd)
	if i < 0 || j < i {
		t.Fatalf("%s: generated-rules markers missing", path)
	}
	want := RulesMarkdown(Catalogue())
	got := doc[i : j+len(DocEnd)+1]
	if got == want {
		return
	}
	if os.Getenv("UPDATE_DOCS") == "1" {
		if err := os.WriteFile(path, []byte(doc[:i]+want+doc[j+len(DocEnd)+1:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s is out of date with the catalogue: run UPDATE_DOCS=1 go test ./internal/qc -run DocUpToDate", path)
}
