package drg

import (
	"io/fs"
	"runtime"
	"strings"
	"testing"
)

// loadDemoFresh reads and compiles the embedded demo pack without the
// package-level cache, as `yardstick demo` / `group` do once at start.
func loadDemoFresh(t testing.TB) *Scheme {
	t.Helper()
	sub, err := fs.Sub(demoFS, "demo")
	if err != nil {
		t.Fatal(err)
	}
	p, err := ReadPack(sub)
	if err != nil {
		t.Fatal(err)
	}
	s, _, err := Compile(p)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestDemoADRGList checks that the embedded ADRG list and the embedded pack
// agree, and that the list is the authored demo subset (not the 57-ADRG
// seed list it replaced, and not the full scheme).
func TestDemoADRGList(t *testing.T) {
	entries, err := ParseDemoADRGList(demoADRGList)
	if err != nil {
		t.Fatal(err)
	}
	p, err := DemoPack()
	if err != nil {
		t.Fatal(err)
	}
	inPack := map[string]bool{}
	for _, a := range p.ADRGs {
		inPack[a.ADRG] = true
	}
	derived, pinned := 0, 0
	for _, e := range entries {
		if !inPack[e.ADRG] {
			t.Errorf("listed ADRG %s missing from the embedded pack (run go generate ./internal/drg)", e.ADRG)
		}
		delete(inPack, e.ADRG)
		if e.Pinned {
			pinned++
		} else {
			derived++
		}
	}
	for a := range inPack {
		t.Errorf("embedded pack has ADRG %s that gendemo/adrgs.txt does not list", a)
	}
	if len(DemoADRGs) != len(entries) {
		t.Errorf("DemoADRGs has %d entries, list file %d", len(DemoADRGs), len(entries))
	}
	t.Logf("demo pack: %d ADRGs (%d derived from synth, %d pinned), %d MDCs", len(entries), derived, pinned, len(p.MDCs))
	if len(entries) < 120 || len(entries) > 300 {
		t.Errorf("%d demo ADRGs: expected the synthetic case mix (~150), not the seed list or the full scheme", len(entries))
	}
	if !p.Manifest.Demo || !strings.Contains(p.Manifest.Name, "demo subset") || !strings.Contains(string(p.Extra["README.md"]), "DEMO SUBSET") {
		t.Errorf("demo pack not labelled as a demo subset: %+v", p.Manifest)
	}
}

func TestParseDemoADRGList(t *testing.T) {
	good := "# comment\n\nAH1\t12\t名字\nPK1\tpinned\n"
	got, err := ParseDemoADRGList(good)
	if err != nil {
		t.Fatal(err)
	}
	want := []DemoADRGEntry{{ADRG: "AH1", Stays: 12, Name: "名字"}, {ADRG: "PK1", Pinned: true}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("got %+v, want %+v", got, want)
	}
	for _, bad := range []string{
		"",                          // nothing listed
		"# only a comment\n",        // nothing listed
		"AH1\n",                     // no count
		"AH1\t0\tx\n",               // zero stays
		"AH1\tmany\tx\n",            // not a number
		"AH12\t3\tx\n",              // a DRG, not an ADRG
		"AH1\t3\tx\nAH1\tpinned\n",  // duplicate
		"AH1 3 x\n",                 // spaces, not tabs
		"AH1\t-4\tx\n",              // negative
		"AH1\t3\tx\nBR2\tpinnedx\n", // typo
	} {
		if _, err := ParseDemoADRGList(bad); err == nil {
			t.Errorf("ParseDemoADRGList(%q) accepted", bad)
		}
	}
}

// TestDemoPackMemory checks the heap the compiled demo scheme retains (it is
// loaded at the start of `yardstick demo` and `group` when no pack is
// installed). Load time is measured by BenchmarkLoadDemo, not asserted here:
// timing does not belong in pass/fail tests.
func TestDemoPackMemory(t *testing.T) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	s := loadDemoFresh(t)
	runtime.GC()
	runtime.ReadMemStats(&after)
	mb := float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / (1 << 20)
	t.Logf("compiled demo scheme retains %.1f MB of heap (%+v)", mb, s.Stats())
	if mb > 50 {
		t.Errorf("demo scheme retains %.1f MB, budget 50 MB", mb)
	}
	runtime.KeepAlive(s)
}

// BenchmarkLoadDemo: one op = read, validate and compile the embedded demo
// pack.
func BenchmarkLoadDemo(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		loadDemoFresh(b)
	}
}
