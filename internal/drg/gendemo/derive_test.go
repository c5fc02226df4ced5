package main

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/yardstick-health/yardstick/internal/drg"
	"github.com/yardstick-health/yardstick/internal/testutil"
)

// TestADRGListUpToDate re-derives the demo ADRG list from the synthetic
// hospitals and the national tables and compares it byte for byte with the
// checked-in adrgs.txt (which internal/drg embeds), so a change to the
// synthetic case mix that needs another ADRG fails here. Fix with
//
//	cd internal/drg && go run ./gendemo -src ../../../shared/reference/chs-drg-1.1 -adrgs gendemo/adrgs.txt -out demo -derive
func TestADRGListUpToDate(t *testing.T) {
	dir := testutil.CHSDRG11(t)
	if testing.Short() {
		t.Skip("derivation generates ~190,000 stays")
	}
	ctx := context.Background()
	nat, err := drg.LoadDir(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	natS, _, err := drg.Compile(nat)
	if err != nil {
		t.Fatal(err)
	}
	old, err := os.ReadFile("adrgs.txt")
	if err != nil {
		t.Fatal(err)
	}
	entries, err := drg.ParseDemoADRGList(string(old))
	if err != nil {
		t.Fatal(err)
	}
	d, err := Derive(ctx, natS, SynthRuns)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d stays, %d ungrouped under the national tables (principal dx %v), %d ADRGs", d.Stays, d.Ungrouped, d.UngroupedDx, len(d.ADRGs))
	listed := map[string]drg.DemoADRGEntry{}
	for _, e := range entries {
		listed[e.ADRG] = e
	}
	for a, n := range d.ADRGs {
		if _, ok := listed[a]; !ok {
			t.Errorf("synthetic stays group into %s (%d stays) but the demo list lacks it", a, n)
		}
	}
	for _, e := range entries {
		if !e.Pinned && d.ADRGs[e.ADRG] == 0 {
			t.Errorf("%s is listed as derived but no synthetic stay groups into it (pin it or re-derive)", e.ADRG)
		}
	}
	if got := d.List(nat, entries); got != string(old) {
		t.Errorf("adrgs.txt is stale (counts or order differ); re-derive with gendemo -derive")
	}
	// The embedded pack is built from exactly this list.
	if strings.Join(drg.DemoADRGs, " ") != strings.Join(adrgsOf(entries), " ") {
		t.Errorf("drg.DemoADRGs differs from adrgs.txt")
	}
}

func adrgsOf(es []drg.DemoADRGEntry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.ADRG
	}
	return out
}

// TestListRendering guards the list renderer: pinned entries keep
// their mark and ADRGs nobody needs are dropped.
func TestListRendering(t *testing.T) {
	nat := &drg.Pack{ADRGs: []drg.ADRGDef{{ADRG: "AH1", Name: "a"}, {ADRG: "BR2", Name: "b"}, {ADRG: "CB1", Name: "c"}, {ADRG: "DZ1", Name: "d"}}}
	d := &Derivation{Stays: 10, ADRGs: map[string]int{"BR2": 7, "AH1": 3}}
	text := d.List(nat, []drg.DemoADRGEntry{{ADRG: "DZ1", Pinned: true}, {ADRG: "CB1", Stays: 4}})
	got, err := drg.ParseDemoADRGList(text)
	if err != nil {
		t.Fatal(err)
	}
	want := []drg.DemoADRGEntry{{ADRG: "AH1", Stays: 3, Name: "a"}, {ADRG: "BR2", Stays: 7, Name: "b"}, {ADRG: "DZ1", Pinned: true, Name: "d"}}
	if len(got) != len(want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("entry %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}
