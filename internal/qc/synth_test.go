package qc_test

import (
	"context"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/yardstick-health/yardstick/internal/codes"
	"github.com/yardstick-health/yardstick/internal/frontpage"
	"github.com/yardstick-health/yardstick/internal/qc"
	"github.com/yardstick-health/yardstick/internal/synth"
	"github.com/yardstick-health/yardstick/internal/testutil"
)

// defectRules maps each injected defect kind of the synthetic generator to
// the rules that must catch it. Kinds that make a row unusable at import
// (duplicate_stay_unusable) are the importer's business, not a rule's.
var defectRules = map[string][]string{
	synth.DefectMissingField:             {"C-01a", "C-11"},
	synth.DefectInvalidCode:              {"V-02d", "V-02e"},
	synth.DefectSexDiagnosis:             {"L-01"},
	synth.DefectAgeDiagnosis:             {"L-03a"},
	synth.DefectDischargeBeforeAdmission: {"D-02a"},
	synth.DefectCostSum:                  {"F-02a", "F-02b"},
	synth.DefectNewbornNoWeight:          {"C-02b", "C-03a", "C-03b", "C-03c", "C-03d"},
	synth.DefectDeathNoCause:             {"C-01a"},
	synth.DefectMojibakeName:             {"V-11"},
}

// fieldMatters: the finding must be on the defect's field.
var fieldMatters = map[string]bool{synth.DefectMissingField: true, synth.DefectDeathNoCause: true, synth.DefectSexDiagnosis: true, synth.DefectAgeDiagnosis: true}

func referenceDicts(t testing.TB) codes.Set {
	dir := filepath.Join(testutil.CHSDRG11(t), "codes")
	ctx := context.Background()
	dx, err := codes.ReadFile(ctx, frontpage.DxYibao2, "test", filepath.Join(dir, "icd10_yibao2_names.csv"))
	if err != nil {
		t.Fatal(err)
	}
	px, err := codes.ReadFile(ctx, frontpage.PxYibao2, "test", filepath.Join(dir, "icd9cm3_yibao2_names.csv"))
	if err != nil {
		t.Fatal(err)
	}
	return codes.Set{dx.System: dx, px.System: px}
}

type synthOutcome struct {
	total, hit    map[string]int
	missed        map[string][]string
	cleanStays    int
	falseErrors   map[string]int // rule field → count, on stays without an injected defect
	cleanWarnings map[string]int
}

func runSynth(t *testing.T, profile string, scale, rate float64) *synthOutcome {
	t.Helper()
	p, err := synth.LoadProfile(profile)
	if err != nil {
		t.Fatal(err)
	}
	h, err := synth.NewHospital(p, 7, scale)
	if err != nil {
		t.Fatal(err)
	}
	e, err := qc.New(qc.Options{Dicts: referenceDicts(t)})
	if err != nil {
		t.Fatal(err)
	}
	k := e.NewChecker()
	o := &synthOutcome{total: map[string]int{}, hit: map[string]int{}, missed: map[string][]string{},
		falseErrors: map[string]int{}, cleanWarnings: map[string]int{}}
	err = h.Stays(context.Background(), 2021, synth.StreamOptions{DefectRate: rate}, func(s *frontpage.Stay, d *synth.Defect) error {
		fs := k.Check(s)
		if d == nil {
			o.cleanStays++
			for _, f := range fs {
				switch f.Severity() {
				case qc.Error:
					o.falseErrors[f.Rule.ID+" "+f.Field+" "+f.Value]++
				case qc.Warning:
					o.cleanWarnings[f.Rule.ID]++
				}
			}
			return nil
		}
		rules, ok := defectRules[d.Kind]
		if !ok {
			return nil
		}
		o.total[d.Kind]++
		for _, f := range fs {
			for _, id := range rules {
				if f.Rule.ID == id && (!fieldMatters[d.Kind] || f.Field == d.Field) {
					o.hit[d.Kind]++
					return nil
				}
			}
		}
		if len(o.missed[d.Kind]) < 5 {
			o.missed[d.Kind] = append(o.missed[d.Kind], d.Field+" "+s.PrincipalDx())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// TestSynthDefectRecall: every injected defect kind is caught (recall ≥ 99%
// per kind) by the rules mapped to it.
func TestSynthDefectRecall(t *testing.T) {
	seen := map[string]int{}
	for _, profile := range synth.Profiles() {
		t.Run(profile, func(t *testing.T) {
			o := runSynth(t, profile, 0.02, 0.5)
			for k, n := range o.total {
				seen[k] += n
			}
			all, allHit := 0, 0
			for kind := range defectRules {
				n, hit := o.total[kind], o.hit[kind]
				all += n
				allHit += hit
				if n == 0 {
					t.Logf("%s: no defect of this kind at this scale", kind)
					continue
				}
				if float64(hit) < 0.99*float64(n) {
					t.Errorf("%s: recall %d/%d; missed e.g. %v", kind, hit, n, o.missed[kind])
				}
			}
			if all == 0 {
				t.Fatal("no defects injected")
			}
			t.Logf("recall %d/%d (%.2f%%)", allHit, all, 100*float64(allHit)/float64(all))
		})
	}
	for kind := range defectRules {
		if seen[kind] == 0 {
			t.Errorf("defect kind %s never injected: the recall test does not cover it", kind)
		}
	}
}

// TestSynthCleanNoFalseErrors: a defect-free file has no error-level
// findings (warnings are allowed and counted).
func TestSynthCleanNoFalseErrors(t *testing.T) {
	for _, profile := range synth.Profiles() {
		t.Run(profile, func(t *testing.T) {
			o := runSynth(t, profile, 0.02, 0)
			if o.cleanStays == 0 {
				t.Fatal("no stays generated")
			}
			if len(o.falseErrors) > 0 {
				var list []string
				for k, v := range o.falseErrors {
					list = append(list, k+" ×"+itoa(v))
				}
				sort.Strings(list)
				if len(list) > 20 {
					list = list[:20]
				}
				t.Errorf("%d clean stays, false errors: %s", o.cleanStays, strings.Join(list, "; "))
			}
			var ws []string
			for id, n := range o.cleanWarnings {
				ws = append(ws, id+"="+itoa(n))
			}
			sort.Strings(ws)
			t.Logf("%d clean stays, warnings: %s", o.cleanStays, strings.Join(ws, " "))
		})
	}
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	return string(b[i:])
}
