package ingest

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/yardstick-health/yardstick/internal/frontpage"
)

// special marks header columns that do not map 1:1 onto a registry field.
type special uint8

const (
	spNone         special = iota
	spIncisionCls          // pinyin QKDJn 切口等级 (0/Ⅰ/Ⅱ/Ⅲ), combined with spIncisionHeal into RC014
	spIncisionHeal         // pinyin QKYHLBn 愈合类别 (甲/乙/丙/其他)
	spAgeMonths            // pinyin BZYZSNL: age under one year in months (old interface)
)

// Alias levels: when two spellings collide, the lower level wins; equal
// levels pointing at different fields make the spelling ambiguous, and it is
// dropped (such a header is then reported as ignored, never guessed).
const (
	lvCode    = 0 // national interface code
	lvNameCN  = 1 // the registry's Chinese name
	lvPinyin  = 2 // legacy pinyin name
	lvVariant = 3 // generated Chinese variant
	lvSynonym = 4 // hand-written Chinese synonym
)

// target is what a header resolves to.
type target struct {
	code  string  // registry field code ("" for specials without one)
	sp    special // special handling
	line  int     // procedure line for incision specials (0 = principal)
	level int
}

// pinyinFixed maps the legacy pinyin names (frontpage_pinyin_alias.csv of the
// reference standards, copied here so the product does not read shared/ at run
// time) to national codes. Indexed names (JBDMn, SSJCZBMn, …) are generated in
// buildAliases.
var pinyinFixed = [][2]string{
	{"USERNAME", "A02"}, {"YLFKFS", "A46C"}, {"JKKH", "A47"}, {"ZYCS", "A49"}, {"BAH", "A48"},
	{"XM", "A11"}, {"XB", "A12C"}, {"CSRQ", "A13"}, {"NL", "A14"}, {"GJ", "A15C"},
	{"XSECSTZ", "A18x01"}, {"XSERYTZ", "A17"}, {"CSD", "A22"}, {"GG", "A23C"}, {"MZ", "A19C"},
	{"SFZH", "A20"}, {"ZY", "A38C"}, {"HY", "A21C"}, {"XZZ", "A26"}, {"DH", "A27"}, {"YB1", "A28C"},
	{"HKDZ", "A24"}, {"YB2", "A25C"}, {"GZDWJDZ", "A29"}, {"DWDH", "A30"}, {"YB3", "A31C"},
	{"LXRXM", "A32"}, {"GX", "A33C"}, {"DZ", "A34"}, {"DH2", "A35"},
	{"RYTJ", "B11C"}, {"RYSJ", "B12"}, {"RYKB", "B13C"}, {"RYBF", "B14"}, {"ZKKB", "B21C"},
	{"CYSJ", "B15"}, {"CYKB", "B16C"}, {"CYBF", "B17"}, {"SJZYTS", "B20"},
	{"MZZD", "C02N"}, {"JBBM", "C01C"}, {"ZYZD", "C04N"}, {"JBDM", "C03C"}, {"RYBQ", "C05C"},
	{"WBYY", "C13N"}, {"H23", "C12C"}, {"BLZD", "C10N"}, {"JBMM", "C09C"}, {"BLH", "C11"},
	{"YWGM", "C24C"}, {"GMYW", "C25"}, {"SWHZSJ", "C34C"}, {"XX", "C26C"}, {"RH", "C27C"},
	{"KZR", "B22"}, {"ZRYS", "B23"}, {"ZZYS", "B24"}, {"ZYYS", "B25"}, {"ZRHS", "B26"},
	{"JXYS", "B27"}, {"SXYS", "B28"}, {"BMY", "B29"}, {"BAZL", "B30C"}, {"ZKYS", "B31"},
	{"ZKHS", "B32"}, {"ZKRQ", "B33"},
	{"LYFS", "B34C"}, {"YZZY_YLJG", "B35"}, {"WSY_YLJG", "B35"}, {"SFZZYJH", "B36C"}, {"MD", "B37"},
	{"RYQ_T", "C28"}, {"RYQ_XS", "C29"}, {"RYQ_F", "C30"}, {"RYH_T", "C31"}, {"RYH_XS", "C32"}, {"RYH_F", "C33"},
	{"ZFY", "D01"}, {"ZFJE", "D09"}, {"YLFUF", "D11"}, {"ZLCZF", "D12"}, {"HLF", "D13"}, {"QTFY", "D14"},
	{"BLZDF", "D15"}, {"SYSZDF", "D16"}, {"YXXZDF", "D17"}, {"LCZDXMF", "D18"}, {"FSSZLXMF", "D19"},
	{"WLZLF", "D19x01"}, {"SSZLF", "D20"}, {"MAF", "D20x01"}, {"SSF", "D20x02"}, {"KFF", "D21"},
	{"ZYZLF", "D22"}, {"XYF", "D23"}, {"KJYWF", "D23x01"}, {"ZCYF", "D24"}, {"ZCYF1", "D25"},
	{"XF", "D26"}, {"BDBLZPF", "D27"}, {"QDBLZPF", "D28"}, {"NXYZLZPF", "D29"}, {"XBYZLZPF", "D30"},
	{"HCYYCLF", "D31"}, {"YYCLF", "D32"}, {"YCXYYCLF", "D33"}, {"QTF", "D34"},
}

// pinyinProc lists the per-line pinyin procedure names (suffix n = line;
// line 1 is the principal procedure, line n ≥ 2 is other procedure n−1) with
// the index of the national code in the principal/other code pairs below.
var pinyinProc = []struct {
	prefix           string
	principal, other string // national code (other: with NN placeholder)
}{
	{"SSJCZBM", "C14x01C", "C35xNNC"},
	{"SSJCZMC", "C15x01N", "C36xNNN"},
	{"SSJCZRQ", "C16x01", "C37xNN"},
	{"SSJB", "C17x01", "C38xNN"},
	{"SZ", "C18x01", "C39xNN"},
	{"YZ", "C19x01", "C40xNN"},
	{"EZ", "C20x01", "C41xNN"},
	{"MZFS", "C22x01C", "C43xNNC"},
	{"MZYS", "C23x01", "C44xNN"},
}

// synonyms are common Chinese headers of HIS exports that the generated
// variants of the registry names do not cover.
var synonyms = [][2]string{
	{"机构代码", "A01"}, {"医疗机构代码", "A01"}, {"医院代码", "A01"},
	{"机构名称", "A02"}, {"医院名称", "A02"},
	{"住院病案号", "A48"},
	{"身份证号", "A20"}, {"身份证号码", "A20"},
	{"医疗付款方式", "A46C"}, {"付费方式", "A46C"},
	{"婚姻状况", "A21C"}, {"籍贯", "A23C"}, {"出生地", "A22"},
	{"入院日期", "B12"}, {"出院日期", "B15"},
	{"入院科室", "B13C"}, {"入院科室代码", "B13C"}, {"入院科别代码", "B13C"},
	{"出院科室", "B16C"}, {"出院科室代码", "B16C"}, {"出院科别代码", "B16C"},
	{"转科科室", "B21C"},
	{"实际住院天数", "B20"}, {"住院天数", "B20"},
	{"总费用", "D01"}, {"住院费用", "D01"}, {"自付金额", "D09"},
	{"新生儿出生体重", "A18x01"}, {"新生儿出生体重(克)", "A18x01"},
	{"药物过敏", "C24C"}, {"过敏药物", "C25"}, {"血型", "C26C"},
	{"有创呼吸机使用时间", "C47"}, {"呼吸机使用时间", "C47"},
	{"日间手术", "B38"},
}

var (
	aliasOnce sync.Once
	aliases   map[string]target
	// pinyinOf gives the preferred pinyin header of a code (for the writer).
	pinyinOf map[string]string
)

// normHeader canonicalises a header cell: NFKC (full-width letters, digits
// and parentheses become ASCII, Ⅰ/Ⅱ become I/II), spaces and BOM removed,
// ASCII upper-cased, and a leading "其中" (of which) dropped.
func normHeader(s string) string {
	s = norm.NFKC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\ufeff' || r == '\u200b' || unicode.IsSpace(r):
			continue
		case r >= 'a' && r <= 'z':
			r -= 'a' - 'A'
		}
		b.WriteRune(r)
	}
	out := b.String()
	out = strings.TrimPrefix(out, "其中:")
	out = strings.TrimPrefix(out, "其中")
	return out
}

func buildAliases() {
	aliases = map[string]target{}
	ambiguous := map[string]int{} // spelling → level at which it became ambiguous
	pinyinOf = map[string]string{}
	put := func(name string, t target) {
		k := normHeader(name)
		if k == "" {
			return
		}
		if lv, amb := ambiguous[k]; amb && lv <= t.level {
			return
		}
		old, ok := aliases[k]
		switch {
		case !ok || t.level < old.level:
			aliases[k] = t
		case t.level == old.level && (old.code != t.code || old.sp != t.sp || old.line != t.line):
			delete(aliases, k)
			ambiguous[k] = t.level
		}
	}
	putCode := func(name, code string, level int) { put(name, target{code: code, level: level}) }

	for _, f := range frontpage.Fields() {
		putCode(f.Code, f.Code, lvCode)
		putCode(f.NameCN, f.Code, lvNameCN)
		for _, v := range chineseVariants(f) {
			putCode(v, f.Code, lvVariant)
		}
	}
	for _, p := range pinyinFixed {
		putCode(p[0], p[1], lvPinyin)
		if _, ok := pinyinOf[p[1]]; !ok {
			pinyinOf[p[1]] = p[0]
		}
	}
	put("BZYZSNL", target{code: "A16", sp: spAgeMonths, level: lvPinyin})
	pinyinOf["A16"] = "BZYZSNL"
	for n := 1; n <= frontpage.MaxOtherDiagnoses; n++ {
		for _, p := range [][2]string{{"JBDM", "C06x%02dC"}, {"QTZD", "C07x%02dN"}, {"RYBQ", "C08x%02dC"}} {
			code := fmt.Sprintf(p[1], n)
			putCode(p[0]+strconv.Itoa(n), code, lvPinyin)
			pinyinOf[code] = p[0] + strconv.Itoa(n)
		}
	}
	for n := 1; n <= frontpage.MaxOtherProcedures+1; n++ {
		for _, p := range pinyinProc {
			code := p.principal
			if n > 1 {
				code = strings.Replace(p.other, "NN", fmt.Sprintf("%02d", n-1), 1)
			}
			putCode(p.prefix+strconv.Itoa(n), code, lvPinyin)
			pinyinOf[code] = p.prefix + strconv.Itoa(n)
		}
		put("QKDJ"+strconv.Itoa(n), target{sp: spIncisionCls, line: n - 1, level: lvPinyin})
		put("QKYHLB"+strconv.Itoa(n), target{sp: spIncisionHeal, line: n - 1, level: lvPinyin})
	}
	for _, s := range synonyms {
		putCode(s[0], s[1], lvSynonym)
	}
}

// chineseVariants generates the spellings of a field's Chinese name seen in
// HIS exports: with and without 出院 for diagnoses, the index as N or NN (and
// for procedures after the part name: 其他手术操作编码1), without the
// parenthesised unit, without the parentheses themselves, 代码 for 编码.
func chineseVariants(f *frontpage.Field) []string {
	name := normHeader(f.NameCN)
	var out []string
	bases := []string{name}
	// Procedures: the registry writes 其他手术操作1编码; exports write 其他手术操作编码1.
	if f.Group == "procedure" || (f.Group == "extension" && f.Index > 0) {
		prefix := "主要手术操作"
		if strings.HasPrefix(name, "其他手术操作") {
			prefix = "其他手术操作" + strconv.Itoa(f.Index)
		}
		if part, ok := strings.CutPrefix(name, prefix); ok {
			if prefix == "主要手术操作" {
				bases = append(bases, "主要手术"+part, "主手术"+part)
			} else {
				n, nn := strconv.Itoa(f.Index), fmt.Sprintf("%02d", f.Index)
				for _, p := range []string{"其他手术操作", "其他手术"} {
					bases = append(bases, p+part+n, p+part+nn, p+nn+part)
				}
			}
		}
	}
	// Trailing index N → NN.
	if f.Index > 0 {
		n := strconv.Itoa(f.Index)
		if b, ok := strings.CutSuffix(name, n); ok {
			bases = append(bases, b+fmt.Sprintf("%02d", f.Index), b+"("+n+")")
		}
	}
	// 出院 prefix optional for diagnoses.
	for _, b := range bases {
		if f.Group == "diagnosis" {
			if s, ok := strings.CutPrefix(b, "出院"); ok {
				out = append(out, s)
			}
		}
	}
	out = append(out, bases...)
	var more []string
	for _, v := range out {
		if strings.Contains(v, "(") {
			more = append(more, stripParenGroups(v), strings.NewReplacer("(", "", ")", "").Replace(v))
		}
	}
	out = append(out, more...)
	more = more[:0]
	for _, v := range out {
		if strings.Contains(v, "编码") {
			more = append(more, strings.ReplaceAll(v, "编码", "代码"))
		}
	}
	return append(out, more...)
}

func stripParenGroups(s string) string {
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case r == '(':
			depth++
		case r == ')' && depth > 0:
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// resolveHeader maps a header cell to its target.
func resolveHeader(h string) (target, bool) {
	aliasOnce.Do(buildAliases)
	t, ok := aliases[normHeader(h)]
	return t, ok
}

// PinyinHeader returns the legacy pinyin column name of a national code
// ("" when the old interface has none).
func PinyinHeader(code string) string {
	aliasOnce.Do(buildAliases)
	return pinyinOf[code]
}

// ResolveHeader tells which national field code a header cell (code, Chinese
// or pinyin spelling) stands for. Pinyin columns that need conversion
// (QKDJn, QKYHLBn, BZYZSNL) report the code they feed.
func ResolveHeader(h string) (code string, ok bool) {
	t, ok := resolveHeader(h)
	if !ok {
		return "", false
	}
	if t.code == "" && (t.sp == spIncisionCls || t.sp == spIncisionHeal) {
		return incisionCode(t.line), true
	}
	return t.code, true
}

// incisionCode is the RC014 field of procedure line i (0 = principal).
func incisionCode(i int) string {
	if i == 0 {
		return "C21x01C"
	}
	return fmt.Sprintf("C42x%02dC", i)
}

func styleOf(level int) string {
	switch level {
	case lvCode:
		return "code"
	case lvPinyin:
		return "pinyin"
	default:
		return "chinese"
	}
}
