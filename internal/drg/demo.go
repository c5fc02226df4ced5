package drg

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// The demo pack is generated from the national tables (a folder laid out like
// ../shared/reference/chs-drg-1.1) by BuildDemoPack; TestDemoPackMatchesNational
// checks the embedded copy against a fresh build whenever the tables are present.
// To re-derive the ADRG list from the synthetic hospitals as well, run
// go run ./gendemo -src ../../../shared/reference/chs-drg-1.1 -adrgs gendemo/adrgs.txt -out demo -derive
//go:generate go run ./gendemo -src ../../../shared/reference/chs-drg-1.1 -adrgs gendemo/adrgs.txt -out demo

//go:embed all:demo
var demoFS embed.FS

// demoADRGList is the ADRG list of the demo pack, written by gendemo -derive.
//
//go:embed gendemo/adrgs.txt
var demoADRGList string

// DemoADRGs are the ADRGs of the embedded demo pack (gendemo/adrgs.txt):
// every ADRG the synthetic hospitals of internal/synth group into under the
// full national tables, plus a few pinned by hand, with their real code lists
// and DRGs.
var DemoADRGs = mustDemoADRGs()

func mustDemoADRGs() []string {
	entries, err := ParseDemoADRGList(demoADRGList)
	if err != nil {
		panic("gendemo/adrgs.txt: " + err.Error())
	}
	out := make([]string, len(entries))
	for i, e := range entries {
		out[i] = e.ADRG
	}
	return out
}

// DemoADRGEntry is one line of the demo ADRG list file: the ADRG and either
// the number of synthetic stays it was derived from or Pinned.
type DemoADRGEntry struct {
	ADRG   string
	Stays  int
	Pinned bool
	Name   string
}

// ParseDemoADRGList reads the demo ADRG list format: one ADRG a line,
// "ADRG<TAB>stays|pinned<TAB>name", blank lines and lines starting with #
// ignored. Duplicates and malformed lines are errors.
func ParseDemoADRGList(text string) ([]DemoADRGEntry, error) {
	var out []DemoADRGEntry
	seen := map[string]bool{}
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.SplitN(line, "\t", 3)
		if len(f) < 2 || len(f[0]) != 3 {
			return nil, fmt.Errorf("line %d: want ADRG<TAB>stays|pinned<TAB>name, got %q", i+1, line)
		}
		e := DemoADRGEntry{ADRG: f[0]}
		if len(f) == 3 {
			e.Name = f[2]
		}
		if f[1] == "pinned" {
			e.Pinned = true
		} else if n, err := strconv.Atoi(f[1]); err == nil && n > 0 {
			e.Stays = n
		} else {
			return nil, fmt.Errorf("line %d: %q is neither a stay count nor \"pinned\"", i+1, f[1])
		}
		if seen[e.ADRG] {
			return nil, fmt.Errorf("line %d: ADRG %s listed twice", i+1, e.ADRG)
		}
		seen[e.ADRG] = true
		out = append(out, e)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no ADRGs listed")
	}
	return out, nil
}

var (
	demoOnce sync.Once
	demoPack *Pack
	demoErr  error
)

// DemoPack returns the embedded demo pack (shared, read-only).
func DemoPack() (*Pack, error) {
	demoOnce.Do(func() {
		sub, err := fs.Sub(demoFS, "demo")
		if err != nil {
			demoErr = fmt.Errorf("demo pack: %w", err)
			return
		}
		demoPack, demoErr = ReadPack(sub)
		if demoErr != nil {
			demoErr = fmt.Errorf("demo pack: %w", demoErr)
		}
	})
	return demoPack, demoErr
}

var (
	demoSchemeOnce sync.Once
	demoScheme     *Scheme
	demoSchemeErr  error
)

// DemoScheme returns the compiled embedded demo scheme.
func DemoScheme() (*Scheme, error) {
	demoSchemeOnce.Do(func() {
		p, err := DemoPack()
		if err != nil {
			demoSchemeErr = err
			return
		}
		demoScheme, _, demoSchemeErr = Compile(p)
	})
	return demoScheme, demoSchemeErr
}

func demoManifest() Manifest {
	if p, err := DemoPack(); err == nil {
		return p.Manifest
	}
	return Manifest{ID: DemoID, Demo: true}
}

const demoReadme = `# demo-chs-drg-1.1 — 演示子集 DEMO SUBSET of CHS-DRG 1.1

本方案包只是国家 CHS-DRG 1.1 的一个子集 (%d 个 ADRG / %d 个 DRG), 供没有完整方案时演示用;
不在子集中的病例会得到 0000 或与正式方案不同的结果。正式使用请导入完整方案:
    yardstick scheme import <按国家分组表格式组织的文件夹>

This pack is a SUBSET of the national CHS-DRG 1.1 scheme (%d ADRGs / %d DRGs), shipped so the
product runs without the full tables. Cases outside the subset get 0000 or a different group
than under the full scheme. Import the full official scheme for real use (see docs/drg.md).

Which ADRGs: every ADRG that the synthetic hospitals of ` + "`yardstick demo` / `yardstick synth`" + `
(all profiles, both demo years) fall into when grouped with the full national tables, plus a
few pinned by hand — listed in internal/drg/gendemo/adrgs.txt, re-derived with
` + "`go run ./gendemo -derive`" + ` (see docs/drg.md). Real hospital data will hit ADRGs outside it.

Included: the MDC entry rules and complete main-diagnosis lists of the MDCs below, the complete
CC/MCC list, exclusion tables and OR-procedure list, and for each ADRG its real code lists and
DRGs, copied unchanged from the national tables by BuildDemoPack (internal/drg/demo.go), and
the regional weight rows of those DRGs.

ADRGs:
%s
Data: CHS-DRG 1.1 (NHSA) as published in tables by the OpenDRG project (Apache-2.0,
github.com/OpenDRG), see LICENSE-Apache-2.0.
`

// wrapList joins items with spaces into lines of at most width bytes.
func wrapList(items []string, width int) string {
	var b strings.Builder
	n := 0
	for _, it := range items {
		if n > 0 && n+1+len(it) > width {
			b.WriteByte('\n')
			n = 0
		}
		if n > 0 {
			b.WriteByte(' ')
			n++
		}
		b.WriteString(it)
		n += len(it)
	}
	if n > 0 {
		b.WriteByte('\n')
	}
	return b.String()
}

// BuildDemoPack derives the demo pack from a national pack: the ADRGs in
// DemoADRGs with their code lists and DRGs, the MDCs they belong to (entry
// rules, full main-diagnosis lists, ADRG order restricted to the subset, QY
// position moved to the nearest kept neighbours), and the complete CC/MCC,
// exclusion and OR-procedure tables (any secondary code or procedure can
// matter). Weight rows of the kept DRGs are carried along. Output is
// deterministic so the embedded copy can be compared with a fresh build.
func BuildDemoPack(nat *Pack) (*Pack, error) {
	return BuildDemoPackFrom(nat, DemoADRGs)
}

// BuildDemoPackFrom is BuildDemoPack with an explicit ADRG list (gendemo uses
// it right after re-deriving the list).
func BuildDemoPackFrom(nat *Pack, adrgs []string) (*Pack, error) {
	keep := map[string]bool{}
	for _, a := range adrgs {
		keep[a] = true
	}
	out := &Pack{
		Manifest: Manifest{
			ID:          DemoID,
			Name:        "CHS-DRG 1.1 演示子集 demo subset",
			Version:     "1.1-demo",
			Demo:        true,
			Description: "国家 CHS-DRG 1.1 的演示子集, 非完整方案 a demo subset of the national CHS-DRG 1.1 scheme, not the full scheme",
		},
		Tables:      map[string]*table{},
		Extra:       map[string][]byte{},
		hasMDCJSON:  true,
		hasADRGJSON: true,
	}
	found := map[string]bool{}
	mdcKeep := map[string]bool{}
	for _, a := range nat.ADRGs {
		if keep[a.ADRG] {
			out.ADRGs = append(out.ADRGs, a)
			found[a.ADRG] = true
			mdcKeep[a.MDC] = true
		}
	}
	for _, a := range adrgs {
		if !found[a] {
			return nil, fmt.Errorf("demo ADRG %s 不在国家方案中 not in the national pack", a)
		}
	}
	for _, m := range nat.MDCs {
		if !mdcKeep[m.MDC] {
			continue
		}
		var order []string
		qyAt := -1
		if q := m.QYCheck; q != nil {
			for i, a := range m.ADRGOrder {
				if q.PositionBefore != nil && a == *q.PositionBefore {
					qyAt = i
				}
				if q.PositionBefore == nil && q.PositionAfter != nil && a == *q.PositionAfter {
					qyAt = i + 1
				}
			}
			if q.PositionBefore == nil && q.PositionAfter == nil {
				qyAt = 0
			}
		}
		newQY := -1
		for i, a := range m.ADRGOrder {
			if i == qyAt {
				newQY = len(order)
			}
			if keep[a] {
				order = append(order, a)
			}
		}
		if qyAt == len(m.ADRGOrder) {
			newQY = len(order)
		}
		m.ADRGOrder = order
		if m.QYCheck != nil {
			q := *m.QYCheck
			q.PositionAfter, q.PositionBefore = nil, nil
			if newQY > 0 {
				q.PositionAfter = &order[newQY-1]
			}
			if newQY >= 0 && newQY < len(order) {
				q.PositionBefore = &order[newQY]
			}
			m.QYCheck = &q
		}
		out.MDCs = append(out.MDCs, m)
	}
	filter := func(name string, pred func(t *table, r []string) bool) error {
		t, ok := nat.Tables[name]
		if !ok {
			return fmt.Errorf("国家方案缺少 national pack lacks %s", name)
		}
		nt := &table{Header: t.Header}
		for i, r := range t.Rows {
			if pred == nil || pred(t, r) {
				nt.Rows = append(nt.Rows, r)
				nt.Lines = append(nt.Lines, t.Lines[i])
			}
		}
		out.Tables[name] = nt
		return nil
	}
	colIs := func(col string, set map[string]bool) func(*table, []string) bool {
		return func(t *table, r []string) bool {
			i := t.col(col)
			return i >= 0 && set[r[i]]
		}
	}
	keepDRG := map[string]bool{}
	if t := nat.Tables[fileDRG]; t != nil {
		ai, di := t.col("adrg"), t.col("drg")
		for _, r := range t.Rows {
			if ai >= 0 && di >= 0 && keep[r[ai]] {
				keepDRG[r[di]] = true
			}
		}
	}
	for _, f := range []struct {
		name string
		pred func(*table, []string) bool
	}{
		{fileMainDx, colIs("mdc", mdcKeep)},
		{fileADRGCodes, colIs("adrg", keep)},
		{fileDRG, colIs("adrg", keep)},
		{fileCCMCC, nil},
		{fileCCExcl, nil},
		{fileORProc, nil},
	} {
		if err := filter(f.name, f.pred); err != nil {
			return nil, err
		}
	}
	var wnames []string
	for n := range nat.Tables {
		if len(n) > 8 && n[:8] == "weights/" {
			wnames = append(wnames, n)
		}
	}
	sort.Strings(wnames)
	for _, n := range wnames {
		if err := filter(n, colIs("drg", keepDRG)); err != nil {
			return nil, err
		}
	}
	// Recount main_dx_count for the kept MDCs so the JSON stays truthful.
	counts := map[string]int{}
	for _, r := range out.Tables[fileMainDx].Rows {
		counts[r[0]]++
	}
	for i := range out.MDCs {
		out.MDCs[i].MainDxCount = counts[out.MDCs[i].MDC]
	}
	order := make([]string, len(out.ADRGs))
	for i, a := range out.ADRGs {
		order[i] = a.ADRG
	}
	out.Extra["README.md"] = []byte(fmt.Sprintf(demoReadme, len(order), len(keepDRG), len(order), len(keepDRG), wrapList(order, 96)))
	if lic, ok := nat.Extra["LICENSE-Apache-2.0"]; ok {
		out.Extra["LICENSE-Apache-2.0"] = lic
	}
	return out, nil
}
