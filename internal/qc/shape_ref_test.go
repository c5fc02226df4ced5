package qc

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/yardstick-health/yardstick/internal/codes"
	"github.com/yardstick-health/yardstick/internal/frontpage"
	"github.com/yardstick-health/yardstick/internal/testutil"
)

// TestShapesAcceptReferenceDictionaries: every code of the 医保版 and 国临版
// dictionaries passes the shape check of its system (the shape rules are a
// first pass and must never reject a real code).
func TestShapesAcceptReferenceDictionaries(t *testing.T) {
	dir := filepath.Join(testutil.CHSDRG11(t), "codes")
	for _, tc := range []struct {
		system, file, pattern string
	}{
		{frontpage.DxYibao2, "icd10_yibao2_names.csv", "icd10"},
		{frontpage.DxGuolin2, "icd10_guolin2_to_yibao2.csv", "icd10"},
		{frontpage.PxYibao2, "icd9cm3_yibao2_names.csv", "icd9cm3"},
		{frontpage.PxGuolin3, "icd9cm3_guolin3_to_yibao2.csv", "icd9cm3"},
	} {
		d, err := codes.ReadFile(context.Background(), tc.system, "t", filepath.Join(dir, tc.file))
		if err != nil {
			t.Fatal(err)
		}
		bad := 0
		for _, c := range d.Codes() {
			if !shapes[tc.pattern](c) {
				if bad < 10 {
					t.Errorf("%s: %q rejected by %s", tc.file, c, tc.pattern)
				}
				bad++
			}
		}
		if bad > 0 {
			t.Errorf("%s: %d codes rejected", tc.file, bad)
		}
	}
}
