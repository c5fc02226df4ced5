package synth

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/yardstick-health/yardstick/internal/drg"
	"github.com/yardstick-health/yardstick/internal/frontpage"
)

// demoScales are small hospitals per profile (both demo years each); the
// seed differs from the one gendemo derives the demo ADRG list from, so
// these are fresh samples of the case mix.
var demoScales = map[string]float64{
	"tertiary-general": 0.02,
	"county-general":   0.05,
	"maternal-child":   0.05,
}

const demoSeed = 77

// eachDemoCase streams both demo years of profile at its demo scale.
func eachDemoCase(t *testing.T, profile string, fn func(c drg.Case, pdx string)) {
	t.Helper()
	scale, ok := demoScales[profile]
	if !ok {
		t.Fatalf("no demo scale for profile %s", profile)
	}
	p, err := LoadProfile(profile)
	if err != nil {
		t.Fatal(err)
	}
	h := hospitalFor(t, profile, demoSeed, scale)
	for _, year := range []int{p.RefYear - 1, p.RefYear} {
		eachStay(t, h, year, func(s *frontpage.Stay) { fn(drg.CaseFromStay(s), s.PrincipalDx()) })
	}
}

func topCounts(m map[string]int, n int) string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	if len(keys) > n {
		keys = keys[:n]
	}
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s ×%d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}

// TestDemoPackCoversSynth groups the synthetic hospitals with the embedded
// demo pack only (no shared/ needed): at least 97% of the stays of every
// profile must reach a DRG other than 0000.
func TestDemoPackCoversSynth(t *testing.T) {
	demo, err := drg.DemoScheme()
	if err != nil {
		t.Fatal(err)
	}
	for _, profile := range Profiles() {
		t.Run(profile, func(t *testing.T) {
			n, grouped := 0, 0
			missing := map[string]int{}
			eachDemoCase(t, profile, func(c drg.Case, pdx string) {
				n++
				if r := demo.Group(c); r.Status == drg.StatusGrouped && r.DRG != "0000" {
					grouped++
				} else {
					missing[pdx]++
				}
			})
			if n < 500 {
				t.Fatalf("only %d stays generated", n)
			}
			share := float64(grouped) / float64(n)
			t.Logf("demo pack: %d of %d stays grouped (%.2f%%); top ungrouped principal dx: %s", grouped, n, 100*share, topCounts(missing, 10))
			if share < 0.97 {
				t.Errorf("demo pack groups only %.2f%% of %s stays (< 97%%); ungrouped: %s", 100*share, profile, topCounts(missing, 20))
			}
		})
	}
}

// TestDemoPackParity groups the same stays with the demo and the national
// packs: the DRG must agree for at least 99% of them, and always when the
// national ADRG is in the demo subset.
func TestDemoPackParity(t *testing.T) {
	nat := nationalScheme(t)
	demo, err := drg.DemoScheme()
	if err != nil {
		t.Fatal(err)
	}
	inDemo := map[string]bool{}
	for _, a := range drg.DemoADRGs {
		inDemo[a] = true
	}
	for _, profile := range Profiles() {
		t.Run(profile, func(t *testing.T) {
			n, same := 0, 0
			diff := map[string]int{}
			eachDemoCase(t, profile, func(c drg.Case, pdx string) {
				n++
				nr, dr := nat.Group(c), demo.Group(c)
				if nr.DRG == dr.DRG {
					same++
					return
				}
				diff[pdx+" national "+nr.DRG+" demo "+dr.DRG]++
				if nr.Status == drg.StatusGrouped && inDemo[nr.ADRG] {
					t.Errorf("%s (%v): national %s is in the demo subset but demo gives %s", c.ID, c.Diagnoses, nr.DRG, dr.DRG)
				}
			})
			if n == 0 {
				t.Fatal("no stays")
			}
			share := float64(same) / float64(n)
			t.Logf("demo = national for %d of %d stays (%.2f%%); differences: %s", same, n, 100*share, topCounts(diff, 10))
			if share < 0.99 {
				t.Errorf("demo agrees with national on only %.2f%% of %s stays (< 99%%)", 100*share, profile)
			}
		})
	}
}
