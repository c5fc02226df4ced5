package drg

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"sync"
)

// The demo pack is generated from the national tables (a folder laid out like
// ../shared/reference/chs-drg-1.1) by BuildDemoPack; TestDemoPackMatchesNational
// checks the embedded copy against a fresh build whenever the tables are present.
//go:generate go run ./gendemo -src ../../../shared/reference/chs-drg-1.1 -out demo

//go:embed all:demo
var demoFS embed.FS

// DemoADRGs are the ADRGs of the embedded demo pack: what a synthetic general
// hospital's case mix needs, with their real code lists and DRGs.
var DemoADRGs = []string{
	"AH1",
	"PK1", "PR1", "PS1", "PS2", "PS3", "PS4", "PU1", "PV1",
	"NC1", "NE1", "NZ1",
	"BE2", "BL1", "BM1", "BR1", "BR2", "BX2",
	"DE2", "DT1",
	"ER1", "ES3", "ET2", "EX2",
	"FM1", "FM3", "FR1", "FR2", "FR3", "FR4", "FU2", "FV2",
	"GB2", "GD1", "GD2", "GE1", "GK2", "GK3", "GW1", "GZ1",
	"HC2", "HC3", "HU1",
	"IC2", "IF3", "IR2", "IU2",
	"KS1",
	"LR1", "LU1", "LX1",
	"OB1", "OC1", "OF1", "OR1",
	"RC1", "RE1",
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

Included: the MDC entry rules and complete main-diagnosis lists of the MDCs below, the complete
CC/MCC list, exclusion tables and OR-procedure list, and for each ADRG its real code lists and
DRGs, copied unchanged from the national tables by BuildDemoPack (internal/drg/demo.go).

ADRGs: %v

Data: CHS-DRG 1.1 (NHSA) as published in tables by the OpenDRG project (Apache-2.0,
github.com/OpenDRG), see LICENSE-Apache-2.0.
`

// BuildDemoPack derives the demo pack from a national pack: the ADRGs in
// DemoADRGs with their code lists and DRGs, the MDCs they belong to (entry
// rules, full main-diagnosis lists, ADRG order restricted to the subset, QY
// position moved to the nearest kept neighbours), and the complete CC/MCC,
// exclusion and OR-procedure tables (any secondary code or procedure can
// matter). Weight rows of the kept DRGs are carried along. Output is
// deterministic so the embedded copy can be compared with a fresh build.
func BuildDemoPack(nat *Pack) (*Pack, error) {
	keep := map[string]bool{}
	for _, a := range DemoADRGs {
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
	for _, a := range DemoADRGs {
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
	out.Extra["README.md"] = []byte(fmt.Sprintf(demoReadme, len(DemoADRGs), len(keepDRG), len(DemoADRGs), len(keepDRG), DemoADRGs))
	if lic, ok := nat.Extra["LICENSE-Apache-2.0"]; ok {
		out.Extra["LICENSE-Apache-2.0"] = lic
	}
	return out, nil
}
