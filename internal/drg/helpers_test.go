package drg

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/yardstick-health/yardstick/internal/testutil"
)

var (
	natOnce   sync.Once
	natPack   *Pack
	natScheme *Scheme
	natErr    error
)

// national loads and compiles the full CHS-DRG 1.1 tables once per test binary.
func national(t testing.TB) (*Pack, *Scheme) {
	t.Helper()
	dir := testutil.CHSDRG11(t)
	natOnce.Do(func() {
		natPack, natErr = LoadDir(context.Background(), dir, nil)
		if natErr == nil {
			natScheme, _, natErr = Compile(natPack)
		}
	})
	if natErr != nil {
		t.Fatalf("load national pack: %v", natErr)
	}
	return natPack, natScheme
}

// sampleCase is one row of samples/opendrg_input_30.txt.
type sampleCase struct {
	c    Case
	want string
}

func readSamples(t testing.TB) []sampleCase {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testutil.CHSDRG11(t), "samples", "opendrg_input_30.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var out []sampleCase
	for i, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if i == 0 {
			continue
		}
		f := strings.Split(strings.TrimRight(line, "\r"), ",")
		// Index,gender,age,ageDay,weight,dept,LOS,leavingType,dx,proc,<empty>,drg
		if len(f) < 11 {
			t.Fatalf("sample line %d: %d fields", i+1, len(f))
		}
		atoi := func(s string) int { n, _ := strconv.Atoi(s); return n }
		split := func(s string) []string {
			if s == "" {
				return nil
			}
			return strings.Split(s, "|")
		}
		out = append(out, sampleCase{
			c: Case{ID: f[0], Sex: f[1], AgeYears: atoi(f[2]), AgeDays: atoi(f[3]), BirthWeight: atoi(f[4]),
				Dept: f[5], LOS: atoi(f[6]), DischargeWay: f[7], Diagnoses: split(f[8]), Procedures: split(f[9])},
			want: f[len(f)-1],
		})
	}
	return out
}
