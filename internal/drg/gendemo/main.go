// Command gendemo regenerates the embedded demo scheme pack of internal/drg
// from the national CHS-DRG 1.1 tables (run through go generate).
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
	flag.Parse()
	if err := run(*src, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gendemo:", err)
		os.Exit(1)
	}
}

func run(src, out string) error {
	nat, err := drg.LoadDir(context.Background(), src, nil)
	if err != nil {
		return err
	}
	demo, err := drg.BuildDemoPack(nat)
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
