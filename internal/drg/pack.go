package drg

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"
)

// Manifest is pack.json: identity and switches of a scheme pack.
type Manifest struct {
	ID            string    `json:"id"`
	Name          string    `json:"name,omitempty"`
	Version       string    `json:"version,omitempty"`
	EffectiveFrom string    `json:"effective_from,omitempty"` // YYYY-MM-DD, inclusive; empty = open
	EffectiveTo   string    `json:"effective_to,omitempty"`   // YYYY-MM-DD, inclusive; empty = open
	Parent        string    `json:"parent,omitempty"`         // id of the pack this one overlays
	QY            *QYConfig `json:"qy,omitempty"`             // nil = inherit (base packs: off)
	Demo          bool      `json:"demo,omitempty"`           // an authored subset, not a full scheme
	Description   string    `json:"description,omitempty"`
}

// QYConfig switches the ambiguous-group (歧义组) check. It never applies to
// MDCA, whatever the configuration says: every ordinary operation enters MDCA,
// so a QY check there would turn them all into AQY.
type QYConfig struct {
	Enabled bool     `json:"enabled"`
	MDCs    []string `json:"mdcs,omitempty"` // letters; empty = every MDC that has a qy_check
}

const dateLayout = "2006-01-02"

func (m Manifest) dates() (from, to time.Time, err error) {
	if m.EffectiveFrom != "" {
		if from, err = time.Parse(dateLayout, m.EffectiveFrom); err != nil {
			return from, to, fmt.Errorf("effective_from %q: %w", m.EffectiveFrom, err)
		}
	}
	if m.EffectiveTo != "" {
		if to, err = time.Parse(dateLayout, m.EffectiveTo); err != nil {
			return from, to, fmt.Errorf("effective_to %q: %w", m.EffectiveTo, err)
		}
	}
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		return from, to, fmt.Errorf("effective_to %s 早于 before effective_from %s", m.EffectiveTo, m.EffectiveFrom)
	}
	return from, to, nil
}

// CondDef is one condition as written in mdc.json / adrg.json.
type CondDef struct {
	Op           string          `json:"op"`
	List         string          `json:"list,omitempty"`
	Value        json.RawMessage `json:"value,omitempty"`
	Code         string          `json:"code,omitempty"`
	Min          *int            `json:"min,omitempty"`
	MaxExclusive *int            `json:"max_exclusive,omitempty"`
	AnyOf        [][]string      `json:"any_of,omitempty"`
	Values       []string        `json:"values,omitempty"`
}

// QYCheckDef is the position of the ambiguous-group test inside an MDC.
type QYCheckDef struct {
	PositionAfter  *string `json:"position_after"`
	PositionBefore *string `json:"position_before"`
	DRGCode        string  `json:"drg_code"`
	EnabledOpenDRG bool    `json:"enabled_in_opendrg_chs_drg_11,omitempty"`
}

// MDCDef is one object of mdc.json.
type MDCDef struct {
	MDC         string      `json:"mdc"`
	Code        string      `json:"code"`
	Name        string      `json:"name"`
	EvalOrder   int         `json:"eval_order"`
	Entry       []CondDef   `json:"entry"`
	MainDxCount int         `json:"main_dx_count,omitempty"`
	ADRGOrder   []string    `json:"adrg_order"`
	QYCheck     *QYCheckDef `json:"qy_check"`
}

// ADRGDef is one object of adrg.json.
type ADRGDef struct {
	ADRG       string         `json:"adrg"`
	MDC        string         `json:"mdc"`
	Name       string         `json:"name"`
	Kind       string         `json:"kind,omitempty"`
	EvalOrder  int            `json:"eval_order_in_mdc,omitempty"`
	Conditions []CondDef      `json:"conditions"`
	ListSizes  map[string]int `json:"list_sizes,omitempty"`
	DRGs       []string       `json:"drgs,omitempty"`
}

// Pack is a scheme pack as data: the manifest, the two JSON structures and
// every CSV file by its path inside the pack. An overlay pack holds only the
// files it changes; Resolve merges it onto its parent.
type Pack struct {
	Manifest Manifest
	MDCs     []MDCDef
	ADRGs    []ADRGDef
	Tables   map[string]*table // "drg.csv", "codes/…", "weights/…", "adrg_codes.add.csv", …
	// Extra holds other files carried along on import (README, LICENSE) so
	// attribution travels with the data.
	Extra map[string][]byte
	// hasMDCJSON/hasADRGJSON tell an overlay patch from "file absent".
	hasMDCJSON, hasADRGJSON bool
}

// File names of the pack format.
const (
	fileManifest  = "pack.json"
	fileMDC       = "mdc.json"
	fileADRG      = "adrg.json"
	fileMainDx    = "mdc_main_dx.csv"
	fileADRGCodes = "adrg_codes.csv"
	fileDRG       = "drg.csv"
	fileCCMCC     = "cc_mcc.csv"
	fileCCExcl    = "cc_exclusion.csv"
	fileORProc    = "or_procedures.csv"
	fileTiers     = "tiers.csv"
	fileDxNames   = "codes/icd10_yibao2_names.csv"
	filePxNames   = "codes/icd9cm3_yibao2_names.csv"
	fileDxXwalk   = "codes/icd10_guolin2_to_yibao2.csv"
	filePxXwalk   = "codes/icd9cm3_guolin3_to_yibao2.csv"
)

// requiredTables must be present in a base (non-overlay) pack.
var requiredTables = []string{fileMainDx, fileADRGCodes, fileDRG, fileCCMCC, fileCCExcl, fileORProc}

// tableKeys names the key columns used by overlays (.add.csv upserts by key,
// .remove.csv deletes by key). Tables not listed here key on their first column.
var tableKeys = map[string][]string{
	fileMainDx:    {"mdc", "dx_code"},
	fileADRGCodes: {"adrg", "list", "code"},
	fileDRG:       {"drg"},
	fileCCMCC:     {"dx_code"},
	fileCCExcl:    {"main_dx_code"},
	fileORProc:    {"proc_code"},
	fileTiers:     {"drg"},
}

func keyColumns(name string, t *table) []string {
	if k, ok := tableKeys[name]; ok {
		return k
	}
	if strings.HasPrefix(name, "weights/") {
		return []string{"region", "year", "drg"}
	}
	if len(t.Header) == 0 {
		return nil
	}
	return t.Header[:1]
}

// ReadPack reads a pack from a file system (a directory via os.DirFS, or the
// embedded demo). A folder without pack.json (such as the national tables as
// published) is read with an empty manifest; the caller fills in the id.
func ReadPack(fsys fs.FS) (*Pack, error) {
	p := &Pack{Tables: map[string]*table{}, Extra: map[string][]byte{}}
	if b, err := fs.ReadFile(fsys, fileManifest); err == nil {
		if err := json.Unmarshal(b, &p.Manifest); err != nil {
			return nil, fmt.Errorf("%s: %w", fileManifest, err)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read %s: %w", fileManifest, err)
	}
	if b, err := fs.ReadFile(fsys, fileMDC); err == nil {
		if err := json.Unmarshal(b, &p.MDCs); err != nil {
			return nil, fmt.Errorf("%s: %w", fileMDC, err)
		}
		p.hasMDCJSON = true
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read %s: %w", fileMDC, err)
	}
	if b, err := fs.ReadFile(fsys, fileADRG); err == nil {
		if err := json.Unmarshal(b, &p.ADRGs); err != nil {
			return nil, fmt.Errorf("%s: %w", fileADRG, err)
		}
		p.hasADRGJSON = true
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read %s: %w", fileADRG, err)
	}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			// Only the root, codes/ and weights/ belong to the format.
			if name != "." && name != "codes" && name != "weights" {
				return fs.SkipDir
			}
			return nil
		}
		switch {
		case strings.HasSuffix(name, ".csv"):
			b, err := fs.ReadFile(fsys, name)
			if err != nil {
				return fmt.Errorf("read %s: %w", name, err)
			}
			t, err := parseTable(name, b)
			if err != nil {
				return err
			}
			p.Tables[name] = t
		case name == fileManifest || name == fileMDC || name == fileADRG:
		case path.Dir(name) == "." && (strings.HasSuffix(name, ".md") || strings.HasPrefix(name, "LICENSE") || strings.HasPrefix(name, "NOTICE")):
			b, err := fs.ReadFile(fsys, name)
			if err != nil {
				return fmt.Errorf("read %s: %w", name, err)
			}
			p.Extra[name] = b
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read pack: %w", err)
	}
	return p, nil
}

// isOverlay reports whether the pack names a parent.
func (p *Pack) isOverlay() bool { return p.Manifest.Parent != "" }

// Resolve merges an overlay pack onto its (already resolved) parent and
// returns a complete pack. The parent is not modified. Rules:
//   - X.csv in the overlay replaces the parent's X.csv entirely;
//   - X.add.csv rows are upserted into X.csv by the table's key columns
//     (a row with an existing key replaces it in place, others are appended);
//   - X.remove.csv rows delete the rows of X.csv with the same key;
//   - mdc.json / adrg.json objects replace the parent's object with the same
//     mdc / adrg code, or are appended when new;
//   - manifest: id, name, version, dates and description come from the
//     overlay; qy is inherited unless the overlay sets it.
func Resolve(parent, overlay *Pack) (*Pack, error) {
	out := &Pack{
		Manifest: overlay.Manifest,
		Tables:   make(map[string]*table, len(parent.Tables)),
		Extra:    map[string][]byte{},
	}
	if out.Manifest.QY == nil {
		out.Manifest.QY = parent.Manifest.QY
	}
	for k, v := range parent.Extra {
		out.Extra[k] = v
	}
	for k, v := range overlay.Extra {
		out.Extra[k] = v
	}
	out.MDCs = append([]MDCDef(nil), parent.MDCs...)
	out.ADRGs = append([]ADRGDef(nil), parent.ADRGs...)
	for _, m := range overlay.MDCs {
		replaced := false
		for i := range out.MDCs {
			if out.MDCs[i].MDC == m.MDC {
				out.MDCs[i], replaced = m, true
			}
		}
		if !replaced {
			out.MDCs = append(out.MDCs, m)
		}
	}
	for _, a := range overlay.ADRGs {
		replaced := false
		for i := range out.ADRGs {
			if out.ADRGs[i].ADRG == a.ADRG {
				out.ADRGs[i], replaced = a, true
			}
		}
		if !replaced {
			out.ADRGs = append(out.ADRGs, a)
		}
	}
	for k, v := range parent.Tables {
		out.Tables[k] = v // shared read-only; copied before modification below
	}
	// Full replacements first, then removals, then additions, in name order so
	// the result does not depend on map iteration.
	names := make([]string, 0, len(overlay.Tables))
	for k := range overlay.Tables {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, n := range names {
		if !strings.HasSuffix(n, ".add.csv") && !strings.HasSuffix(n, ".remove.csv") {
			out.Tables[n] = overlay.Tables[n]
		}
	}
	for _, pass := range []string{".remove.csv", ".add.csv"} {
		for _, n := range names {
			if !strings.HasSuffix(n, pass) {
				continue
			}
			base := strings.TrimSuffix(n, pass) + ".csv"
			delta := overlay.Tables[n]
			cur, ok := out.Tables[base]
			if !ok {
				if pass == ".remove.csv" {
					return nil, fmt.Errorf("%s: 上级方案没有 parent has no %s", n, base)
				}
				out.Tables[base] = delta
				continue
			}
			merged, err := mergeTable(base, cur, delta, pass == ".add.csv")
			if err != nil {
				return nil, fmt.Errorf("%s: %w", n, err)
			}
			out.Tables[base] = merged
		}
	}
	return out, nil
}

// mergeTable returns a copy of cur with delta's rows upserted (add) or
// removed, matching rows on the key columns of the base table.
func mergeTable(base string, cur, delta *table, add bool) (*table, error) {
	keys := keyColumns(base, cur)
	ci, err := cur.requireColumns(base, keys...)
	if err != nil {
		return nil, err
	}
	di, err := delta.requireColumns("overlay", keys...)
	if err != nil {
		return nil, err
	}
	key := func(row []string, idx []int) string {
		var b strings.Builder
		for _, i := range idx {
			b.WriteString(row[i])
			b.WriteByte(0)
		}
		return b.String()
	}
	out := &table{Header: cur.Header}
	if !add {
		drop := make(map[string]bool, len(delta.Rows))
		for _, r := range delta.Rows {
			drop[key(r, di)] = true
		}
		for i, r := range cur.Rows {
			if !drop[key(r, ci)] {
				out.Rows = append(out.Rows, r)
				out.Lines = append(out.Lines, cur.Lines[i])
			}
		}
		return out, nil
	}
	// Re-order the delta's columns to the base header so an overlay may list
	// columns in any order (missing columns are empty).
	remap := make([]int, len(cur.Header))
	for i, h := range cur.Header {
		remap[i] = delta.col(h)
	}
	conv := func(r []string) []string {
		row := make([]string, len(cur.Header))
		for i, j := range remap {
			if j >= 0 && j < len(r) {
				row[i] = r[j]
			}
		}
		return row
	}
	pos := make(map[string]int, len(cur.Rows))
	out.Rows = append(out.Rows, cur.Rows...)
	out.Lines = append(out.Lines, cur.Lines...)
	for i, r := range out.Rows {
		pos[key(r, ci)] = i
	}
	for _, r := range delta.Rows {
		row := conv(r)
		k := key(row, ci)
		if i, ok := pos[k]; ok {
			out.Rows[i] = row
			out.Lines[i] = 0
			continue
		}
		pos[k] = len(out.Rows)
		out.Rows = append(out.Rows, row)
		out.Lines = append(out.Lines, 0)
	}
	return out, nil
}
