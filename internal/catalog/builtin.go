package catalog

import "strings"

// builtinComplications is the surgical-complication list used by one open
// implementation of 国考 #8 (standards notes §1.3). It is a starting point,
// not the manual's annex, so its label says "verify". Entries are ICD-10
// prefixes; "a–b" is an inclusive range.
const builtinComplications = `I26 I80.2 I82.8 A40.0 A40.9 A41.0 A41.9 T81.411 B37.700 T81.0 T81.3 R96.0
R96.1 I46.1 J95.8 J96.0 J96.1 J96.9 E89.0 E89.9 T81.4 T81.5 T81.6 T88.2 T88.5 J95.1 J95.4
J95.9 J98.4 J15 J16 J18 T81.2 N17.0 N17.9 N99.0 K91.0 K91.9 I97.x G97.x I60 I64 H59.x
H95.x M96.0 M96.9 N98.0 N99.9 K11.4 T82.0–T87.6 T81.1 T81.7–T81.9`

// BuiltinComplications returns the built-in complication list.
func BuiltinComplications() *Catalogue {
	var es []Entry
	for _, f := range strings.Fields(builtinComplications) {
		if lo, hi, ok := strings.Cut(f, "–"); ok {
			es = append(es, Entry{Code: NormCode(lo), CodeTo: NormCode(hi)})
			continue
		}
		es = append(es, Entry{Code: NormCode(f)})
	}
	c := New(Complication, "builtin", "内置默认 built-in default（国考#8 开源实现清单，请核对操作手册附件 verify against the manual's annex）", es)
	c.Builtin = true
	return c
}

// minInvasiveKeywords is the built-in heuristic for minimally invasive
// procedures when no 国考 微创目录 is imported: the national list is made of
// endoscopic, percutaneous and interventional procedures, which the clinical
// edition names with these words.
var minInvasiveKeywords = []string{"腹腔镜", "胸腔镜", "关节镜", "宫腔镜", "膀胱镜", "输尿管镜", "肾镜", "内镜", "内窥镜", "椎间孔镜", "鼻窦镜", "支气管镜", "经皮", "介入", "经导管", "血管内", "射频消融", "经尿道", "经自然腔道"}

// BuiltinMinInvasive returns the keyword heuristic for minimally invasive
// procedures.
func BuiltinMinInvasive() *Catalogue {
	c := New(MinInvasive, "builtin", "内置默认 built-in default（按手术名称关键词 by procedure-name keywords: "+strings.Join(minInvasiveKeywords, "/")+"）", nil)
	c.Builtin = true
	c.keywords = minInvasiveKeywords
	return c
}
