// Command gendemo regenerates the embedded demo scheme pack of internal/drg
// from the national CHS-DRG 1.1 tables (run through go generate).
//
// The ADRGs of the demo pack are listed in adrgs.txt (embedded by
// internal/drg as DemoADRGs). With -derive the list is first rebuilt: the
// synthetic hospitals of internal/synth (every profile, both years of the
// demo, fixed seed, see SynthRuns) are grouped with the full national tables
// and every ADRG a stay falls into is written to adrgs.txt, together with the
// ADRGs marked "pinned" in the existing file. Then the pack is built from the
// list:
//
//	go run ./gendemo -src ../../../shared/reference/chs-drg-1.1 -adrgs gendemo/adrgs.txt -out demo [-derive]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/yardstick-health/yardstick/internal/drg"
)

func main() {
	src := flag.String("src", "", "national tables folder")
	out := flag.String("out", "demo", "output folder (replaced)")
	list := flag.String("adrgs", "gendemo/adrgs.txt", "ADRG list file (read; rewritten with -derive)")
	derive := flag.Bool("derive", false, "rebuild the ADRG list from the synthetic hospitals grouped with the national tables")
	flag.Parse()
	if err := run(*src, *out, *list, *derive); err != nil {
		fmt.Fprintln(os.Stderr, "gendemo:", err)
		os.Exit(1)
	}
}

func run(src, out, listPath string, derive bool) error {
	ctx := context.Background()
	nat, err := drg.LoadDir(ctx, src, nil)
	if err != nil {
		return err
	}
	old, err := os.ReadFile(listPath)
	if err != nil {
		return err
	}
	entries, err := drg.ParseDemoADRGList(string(old))
	if err != nil {
		return fmt.Errorf("%s: %w", listPath, err)
	}
	if derive {
		natS, _, err := drg.Compile(nat)
		if err != nil {
			return err
		}
		d, err := Derive(ctx, natS, SynthRuns)
		if err != nil {
			return err
		}
		text := d.List(nat, entries)
		if err := os.WriteFile(listPath, []byte(text), 0o644); err != nil {
			return err
		}
		if entries, err = drg.ParseDemoADRGList(text); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "gendemo: %d stays, %d ADRGs from synth, %d in %s\n", d.Stays, len(d.ADRGs), len(entries), listPath)
	}
	var adrgs []string
	for _, e := range entries {
		adrgs = append(adrgs, e.ADRG)
	}
	demo, err := drg.BuildDemoPackFrom(nat, adrgs)
	if err != nil {
		return err
	}
	if _, _, err := drg.Compile(demo); err != nil {
		return err
	}
	if err := os.RemoveAll(out); err != nil {
		return err
	}
	return drg.WritePack(demo, out)
}
