package codes

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yardstick-health/yardstick/internal/frontpage"
	"github.com/yardstick-health/yardstick/internal/testutil"
)

func TestRead(t *testing.T) {
	tests := []struct {
		name, system, in string
		wantErr          bool
		has, hasnt       []string
		crosswalk        bool
	}{
		{"names with header", frontpage.DxYibao2, "dx_code,name\nA00.000,霍乱\nI10.x05,高血压\n", false, []string{"A00.000", "I10.x05"}, []string{"A00.001", "dx_code"}, false},
		{"no header", frontpage.PxYibao2, "00.0100,超声\n", false, []string{"00.0100"}, []string{"00.01"}, false},
		{"crosswalk", frontpage.DxGuolin2, "guolin_code,yibao_code\nA00.000,A00.000\n", false, []string{"A00.000"}, nil, true},
		{"dagger pair by dagger part", frontpage.DxGuolin2, "A18.005,结核\n", false, []string{"A18.005+M49.0*"}, []string{"M49.0*"}, false},
		{"bad system", "ICD11", "A00,x\n", true, nil, nil, false},
		{"empty", frontpage.DxYibao2, "dx_code,name\n", true, nil, nil, false},
		{"not a code", frontpage.DxYibao2, "dx_code,name\nhello,world\n", true, nil, nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Read(context.Background(), tc.system, "v", strings.NewReader(tc.in))
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			if err != nil {
				return
			}
			for _, c := range tc.has {
				if !d.Has(c) {
					t.Errorf("Has(%q) = false", c)
				}
			}
			for _, c := range tc.hasnt {
				if d.Has(c) {
					t.Errorf("Has(%q) = true", c)
				}
			}
			if (len(d.Crosswalk) > 0) != tc.crosswalk {
				t.Errorf("crosswalk = %v", d.Crosswalk)
			}
		})
	}
}

func TestGreyThroughCrosswalk(t *testing.T) {
	ctx := context.Background()
	gl, err := Read(ctx, frontpage.DxGuolin2, "gl", strings.NewReader("guolin_code,yibao_code\nR69.x00x001,R69.x00\nA00.000,A00.000\n"))
	if err != nil {
		t.Fatal(err)
	}
	yb, err := Read(ctx, frontpage.DxYibao2, "yb", strings.NewReader("R69.x00,x\nA00.000,y\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := yb.ReadGrey(ctx, strings.NewReader("dx_code,name\nR69.x00,x\n")); err != nil {
		t.Fatal(err)
	}
	s := Set{gl.System: gl, yb.System: yb}
	if !s.Grey(frontpage.DxGuolin2, "R69.x00x001") {
		t.Error("GL code mapped to a YB grey code is not grey")
	}
	if s.Grey(frontpage.DxGuolin2, "A00.000") || s.Grey(frontpage.DxYibao2, "A00.000") {
		t.Error("non-grey code reported grey")
	}
	if !s.Grey(frontpage.DxYibao2, "R69.x00") {
		t.Error("YB grey code not grey")
	}
}

func TestReadReferenceDictionaries(t *testing.T) {
	dir := filepath.Join(testutil.CHSDRG11(t), "codes")
	ctx := context.Background()
	tests := []struct {
		system, file, grey, code string
		min                      int
	}{
		{frontpage.DxYibao2, "icd10_yibao2_names.csv", "icd10_yibao2_grey.csv", "I10.x05", 30000},
		{frontpage.PxYibao2, "icd9cm3_yibao2_names.csv", "icd9cm3_yibao2_grey.csv", "00.0100", 13000},
		{frontpage.DxGuolin2, "icd10_guolin2_to_yibao2.csv", "", "A00.000", 35000},
		{frontpage.PxGuolin3, "icd9cm3_guolin3_to_yibao2.csv", "", "00.0100", 13000},
	}
	for _, tc := range tests {
		d, err := ReadFile(ctx, tc.system, "test", filepath.Join(dir, tc.file))
		if err != nil {
			t.Fatal(err)
		}
		if d.Len() < tc.min || !d.Has(tc.code) {
			t.Errorf("%s: %d codes, has %s = %v", tc.file, d.Len(), tc.code, d.Has(tc.code))
		}
		if tc.grey != "" {
			g, err := ReadFile(ctx, tc.system, "test", filepath.Join(dir, tc.grey))
			if err != nil {
				t.Fatal(err)
			}
			for c := range g.Names {
				d.Grey[c] = true
			}
			if len(d.Grey) < 2000 {
				t.Errorf("%s: %d grey codes", tc.grey, len(d.Grey))
			}
		}
	}
}
