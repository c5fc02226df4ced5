package ingest

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yardstick-health/yardstick/internal/testutil"
)

// TestPinyinTableMatchesReference checks the compiled-in pinyin table
// against the reference frontpage_pinyin_alias.csv, so the copy cannot drift.
func TestPinyinTableMatchesReference(t *testing.T) {
	f, err := os.Open(filepath.Join(testutil.Standards(t), "frontpage_pinyin_alias.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, r := range rows[1:] {
		py, code := r[0], r[1]
		// Patterned rows (QTZDn, SSJCZBMn (n>=2), QKDJ1+QKYHLB1, RYQ_T/…) are
		// covered by TestHeaderSpellings.
		if strings.ContainsAny(py, "+/ ") || strings.HasSuffix(py, "n") {
			continue
		}
		got, ok := ResolveHeader(py)
		if !ok || got != code {
			t.Errorf("pinyin %s: got %q, %v; reference says %s", py, got, ok, code)
		}
		checked++
	}
	if checked < 100 {
		t.Errorf("only %d reference rows checked", checked)
	}
}
