package qc_test

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/yardstick-health/yardstick/internal/frontpage"
	"github.com/yardstick-health/yardstick/internal/ingest"
	"github.com/yardstick-health/yardstick/internal/qc"
	"github.com/yardstick-health/yardstick/internal/synth"
)

// TestSynthTruthFile runs the whole path a hospital would: the generator
// writes a front-page CSV with injected defects and its truth file
// (defects_truth.csv), the importer's reader parses the CSV, the rules check
// the stays, and every defect of the truth file must be caught by its rules
// (defects that make a row unusable must be rejected by the reader instead).
// A clean file of the same hospital must have no error-level finding.
func TestSynthTruthFile(t *testing.T) {
	ctx := context.Background()
	e, err := qc.New(qc.Options{Dicts: referenceDicts(t)})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		defects float64
	}{{"defects", 0.2}, {"clean", 0}} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			_, err := synth.Generate(ctx, synth.Config{Profile: "county-general", Years: []int{2021}, Seed: 5, Scale: 0.02, Defects: tc.defects}, dir)
			if err != nil {
				t.Fatal(err)
			}
			type key struct {
				org, mrn string
				adm      int
			}
			findings := map[key][]qc.Finding{}
			k := e.NewChecker()
			rep, err := ingest.ReadFrontPages(ctx, filepath.Join(dir, synth.FrontPageFile(2021, "csv")), ingest.Options{}, func(b []frontpage.Stay) error {
				for i := range b {
					s := &b[i]
					fs := k.Check(s)
					findings[key{s.OrgCode, s.MRN, s.AdmissionNo}] = append([]qc.Finding(nil), fs...)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			badLines := map[int]bool{}
			for _, re := range rep.Errors {
				badLines[re.Line] = true
			}
			if tc.defects == 0 {
				for kk, fs := range findings {
					for _, f := range fs {
						if f.Severity() == qc.Error {
							t.Errorf("clean stay %s/%d: %s %s %s", kk.mrn, kk.adm, f.Rule.ID, f.Field, f.Value)
						}
					}
				}
				if rep.RowsBad != 0 {
					t.Errorf("clean file: %d bad rows", rep.RowsBad)
				}
				return
			}
			tf, err := os.Open(filepath.Join(dir, synth.TruthFile))
			if err != nil {
				t.Fatal(err)
			}
			defer tf.Close()
			recs, err := csv.NewReader(tf).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			total, hit := map[string]int{}, map[string]int{}
			for _, r := range recs[1:] {
				line, _ := strconv.Atoi(r[1])
				adm, _ := strconv.Atoi(r[4])
				field, kind := r[5], r[6]
				total[kind]++
				if strings.HasSuffix(kind, "_unusable") { // the reader must reject the row
					if badLines[line] {
						hit[kind]++
					}
					continue
				}
				rules := defectRules[kind]
				for _, f := range findings[key{r[2], r[3], adm}] {
					if containsRule(rules, f.Rule.ID) && (!fieldMatters[kind] || f.Field == field) {
						hit[kind]++
						break
					}
				}
			}
			if len(total) == 0 {
				t.Fatal("truth file lists no defects")
			}
			for kind, n := range total {
				if float64(hit[kind]) < 0.99*float64(n) {
					t.Errorf("%s: %d/%d caught", kind, hit[kind], n)
				}
				t.Logf("%s: %d/%d", kind, hit[kind], n)
			}
		})
	}
}

func containsRule(ids []string, id string) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}
