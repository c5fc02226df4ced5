// Package codes holds the diagnosis and procedure code dictionaries a
// hospital imports (ICD-10 / ICD-9-CM-3, 国家临床版 or 医保版) and answers the
// two questions the quality rules ask: does this code exist in the version
// the stay is coded in, and is it a grey code (灰码) for insurance settlement.
//
// The package is pure: reading a dictionary file and looking codes up. The
// store persists dictionaries (internal/store/codes.go); the product ships
// no dictionary of its own because the code versions are licensed by the
// issuing bodies and hospitals use the version their region prescribes.
package codes

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/yardstick-health/yardstick/internal/frontpage"
)

// Systems that can be imported.
var Systems = []string{frontpage.DxYibao2, frontpage.DxGuolin2, frontpage.PxYibao2, frontpage.PxGuolin3}

// ValidSystem reports whether s is one of Systems.
func ValidSystem(s string) bool {
	for _, x := range Systems {
		if x == s {
			return true
		}
	}
	return false
}

// IsDiagnosis reports whether the system is an ICD-10 (diagnosis) system.
func IsDiagnosis(system string) bool { return strings.HasPrefix(system, "ICD10") }

// Dict is one imported dictionary.
type Dict struct {
	System  string // e.g. ICD10-GL2.0
	Version string // free label given at import, e.g. "国临2.0 2023-05"
	Names   map[string]string
	// Grey codes (灰码) of the 医保版: not acceptable as settlement codes.
	Grey map[string]bool
	// Crosswalk to the 医保版 code when the imported file was a 国临→医保
	// crosswalk (guolin_code,yibao_code). Empty otherwise.
	Crosswalk map[string]string
}

// Has reports whether the code exists in the dictionary. Matching is exact on
// the trimmed code, as in the CHS-DRG tables; a dagger/asterisk pair written
// as one code ("A18.005+M49.0*") is accepted when the pair itself or its
// dagger part exists, because dictionaries list pairs inconsistently.
func (d *Dict) Has(code string) bool {
	if d == nil {
		return false
	}
	if _, ok := d.Names[code]; ok {
		return true
	}
	if i := strings.IndexByte(code, '+'); i > 0 {
		_, ok := d.Names[code[:i]]
		return ok
	}
	return false
}

// IsGrey reports whether the code is a grey code of this dictionary.
func (d *Dict) IsGrey(code string) bool { return d != nil && d.Grey[code] }

// Len is the number of codes.
func (d *Dict) Len() int {
	if d == nil {
		return 0
	}
	return len(d.Names)
}

// Codes returns the codes in sorted order (for storing and listing).
func (d *Dict) Codes() []string {
	out := make([]string, 0, len(d.Names))
	for c := range d.Names {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// Set is the dictionaries in use, by system.
type Set map[string]*Dict

// For returns the dictionary of a system, or nil.
func (s Set) For(system string) *Dict {
	if s == nil {
		return nil
	}
	return s[system]
}

// Grey looks a code up in the grey lists: directly in the system's own
// dictionary, and for a 国临 code through its crosswalk in the 医保 grey list
// (grey lists are published for the 医保版 only).
func (s Set) Grey(system, code string) bool {
	d := s.For(system)
	if d.IsGrey(code) {
		return true
	}
	if d == nil || len(d.Crosswalk) == 0 {
		return false
	}
	yb := d.Crosswalk[code]
	if yb == "" {
		return false
	}
	target := frontpage.DxYibao2
	if !IsDiagnosis(system) {
		target = frontpage.PxYibao2
	}
	return s.For(target).IsGrey(yb)
}

// ErrFormat marks a file that is not a code dictionary.
var ErrFormat = errors.New("不是编码字典文件 not a code dictionary file")

// ReadFile reads a dictionary file. See Read.
func ReadFile(ctx context.Context, system, version, path string) (*Dict, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open dictionary: %w", err)
	}
	defer f.Close()
	d, err := Read(ctx, system, version, f)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return d, nil
}

// Read reads a UTF-8 CSV whose first column is the code. The second column
// is taken as the name, unless its header says it is a 医保 code
// (yibao_code / 医保编码), in which case the file is a 国临→医保 crosswalk and
// the pairs are kept for the grey-code lookup. A header row is recognised by
// a first cell that does not look like a code.
func Read(ctx context.Context, system, version string, r io.Reader) (*Dict, error) {
	if !ValidSystem(system) {
		return nil, fmt.Errorf("未知编码体系 unknown code system %q (use %s)", system, strings.Join(Systems, ", "))
	}
	d := &Dict{System: system, Version: version, Names: map[string]string{}, Grey: map[string]bool{}}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	crosswalk := false
	for line := 1; ; line++ {
		if line%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if len(rec) == 0 {
			continue
		}
		code := strings.TrimSpace(strings.TrimPrefix(rec[0], "\ufeff"))
		if line == 1 && !looksLikeCode(code) {
			if len(rec) > 1 {
				h := strings.ToLower(strings.TrimSpace(rec[1]))
				crosswalk = strings.Contains(h, "yibao") || strings.Contains(h, "医保")
			}
			continue
		}
		if code == "" {
			continue
		}
		if !looksLikeCode(code) {
			return nil, fmt.Errorf("line %d: %w: %q", line, ErrFormat, code)
		}
		name := ""
		if len(rec) > 1 {
			name = strings.TrimSpace(rec[1])
		}
		if crosswalk {
			if d.Crosswalk == nil {
				d.Crosswalk = map[string]string{}
			}
			if name != "" {
				d.Crosswalk[code] = name
			}
			name = ""
		}
		d.Names[code] = name
	}
	if len(d.Names) == 0 {
		return nil, fmt.Errorf("%w: no codes", ErrFormat)
	}
	return d, nil
}

// ReadGrey reads a grey-code list (same CSV layout, code in the first column)
// into the dictionary.
func (d *Dict) ReadGrey(ctx context.Context, r io.Reader) error {
	g, err := Read(ctx, d.System, d.Version, r)
	if err != nil {
		return fmt.Errorf("grey list: %w", err)
	}
	for c := range g.Names {
		d.Grey[c] = true
	}
	return nil
}

// looksLikeCode accepts ICD-10 (letter + digits) and ICD-9-CM-3 (digits)
// codes; header cells such as "dx_code" or "编码" are rejected.
func looksLikeCode(s string) bool {
	if len(s) < 2 {
		return false
	}
	c := s[0]
	isLetter := c >= 'A' && c <= 'Z'
	isDigit := c >= '0' && c <= '9'
	if !isLetter && !isDigit {
		return false
	}
	return s[1] >= '0' && s[1] <= '9'
}
