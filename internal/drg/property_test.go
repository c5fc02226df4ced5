package drg

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// randomCases draws cases from the scheme's own codes (so they reach deep
// into the tables) mixed with unknown codes and odd values.
func randomCases(s *Scheme, n int, seed uint64) []Case {
	rng := rand.New(rand.NewPCG(seed, 1))
	pickDx := func() string {
		if rng.IntN(20) == 0 {
			return "X" + string(rune('0'+rng.IntN(10)))
		}
		return s.dxCode[rng.IntN(len(s.dxCode))]
	}
	pickPx := func() string {
		if rng.IntN(20) == 0 {
			return "99.99zz"
		}
		return s.pxCode[rng.IntN(len(s.pxCode))]
	}
	out := make([]Case, n)
	for i := range out {
		c := Case{Sex: []string{"1", "2", "1", "2", "", "9"}[rng.IntN(6)], LOS: rng.IntN(60), DischargeWay: []string{"1", "2", "4", "5"}[rng.IntN(4)]}
		if rng.IntN(4) == 0 {
			c.AgeYears, c.AgeDays, c.BirthWeight = 0, rng.IntN(400)-5, rng.IntN(5000)-100
		} else {
			c.AgeYears = rng.IntN(100)
			c.AgeDays = c.AgeYears * 365
		}
		for range rng.IntN(12) + 1 {
			c.Diagnoses = append(c.Diagnoses, pickDx())
		}
		for range rng.IntN(6) {
			c.Procedures = append(c.Procedures, pickPx())
		}
		out[i] = c
	}
	return out
}

func sameGroup(a, b Result) bool {
	return a.Status == b.Status && a.MDC == b.MDC && a.ADRG == b.ADRG && a.DRG == b.DRG && a.CCLevel == b.CCLevel && a.Reason == b.Reason
}

// TestProperties: grouping never panics, is deterministic, every result is
// well formed, and shuffling the secondary diagnoses and procedures (the
// principal ones stay first) never changes the group — nothing in 1.1 looks at
// secondary order. The deciding CC code may change (it is the first one in
// case order); its level may not.
func TestProperties(t *testing.T) {
	_, nat := national(t)
	demo, err := DemoScheme()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, s := range []*Scheme{nat, demo} {
		for _, c := range randomCases(s, 3000, 11) {
			r1 := s.Group(c)
			r2 := s.GroupWith(&c, Options{Trace: true})
			if !sameGroup(r1, r2) {
				t.Fatalf("trace changes result: %+v vs %+v", r1, r2)
			}
			if r2.Trace == nil || r2.Trace.Render("zh") == "" || r2.Trace.Render("en") == "" {
				t.Fatal("empty trace")
			}
			switch r1.Status {
			case StatusGrouped:
				if len(r1.DRG) != 4 || r1.DRG[:3] != r1.ADRG || r1.MDC != "MDC"+r1.DRG[:1] {
					t.Fatalf("malformed grouped result %+v", r1)
				}
				if (r1.CCCode == "") != (r1.CCLevel == LevelNone) {
					t.Fatalf("cc code/level mismatch %+v", r1)
				}
			case StatusAmbiguous:
				t.Fatalf("QY with QY off: %+v", r1)
			case StatusUngroupable:
				if r1.DRG != "0000" || r1.ADRG != "00" || r1.MDC != "0000" {
					t.Fatalf("malformed 0000 %+v", r1)
				}
			case StatusInvalid:
				if r1.Reason == "" {
					t.Fatalf("invalid without reason %+v", r1)
				}
			}
			for range 3 {
				sh := c
				sh.Diagnoses = slices.Clone(c.Diagnoses)
				sh.Procedures = slices.Clone(c.Procedures)
				if len(sh.Diagnoses) > 2 {
					rest := sh.Diagnoses[1:]
					rng.Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })
				}
				if len(sh.Procedures) > 2 {
					rest := sh.Procedures[1:]
					rng.Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })
				}
				if r3 := s.Group(sh); !sameGroup(r1, r3) {
					t.Fatalf("secondary order changed the group:\n%v → %+v\n%v → %+v", c, r1, sh, r3)
				}
			}
		}
	}
}

// FuzzGroup: any input groups without panic into a well-formed result, the
// same twice, and the trace renders. Seed corpus in testdata/fuzz/FuzzGroup.
func FuzzGroup(f *testing.F) {
	f.Add("1", 45, 16425, 0, "J18.900|J96.900x001", "", 7, "1", false)
	f.Add("2", 0, 10, 1499, "P07.200|P22.000", "", 20, "1", true)
	f.Add("", -1, -1, -1, "", "|||", -5, "", true)
	s, err := DemoScheme()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, sex string, age, ageDays, weight int, dxs, pxs string, los int, way string, translate bool) {
		c := Case{Sex: sex, AgeYears: age, AgeDays: ageDays, BirthWeight: weight, Diagnoses: splitList(dxs), Procedures: splitList(pxs), LOS: los, DischargeWay: way}
		r1 := s.GroupWith(&c, Options{Translate: translate})
		r2 := s.GroupWith(&c, Options{Translate: translate, Trace: true})
		if !sameGroup(r1, r2) {
			t.Fatalf("non-deterministic: %+v vs %+v", r1, r2)
		}
		if r1.DRG == "" || r1.MDC == "" || r1.ADRG == "" {
			t.Fatalf("empty codes %+v", r1)
		}
		_ = r2.Trace.Render("zh")
		_ = r2.Trace.Render("en")
	})
}
