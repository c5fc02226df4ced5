package ingest

import (
	"strings"

	"golang.org/x/text/unicode/norm"
)

// The pre-2019 interfaces split RC014 切口愈合等级 into 切口等级 (0/Ⅰ/Ⅱ/Ⅲ) and
// 愈合类别 (甲/乙/丙/其他). incisionTable combines them: rows are the class
// (Ⅰ, Ⅱ, Ⅲ), columns the healing grade (甲, 乙, 丙, 其他).
var incisionTable = [3][4]string{
	{"1", "2", "3", "10"},
	{"4", "5", "6", "20"},
	{"7", "8", "9", "30"},
}

var healNames = [4]string{"甲", "乙", "丙", "其他"}

// incisionClass reads 0/Ⅰ/Ⅱ/Ⅲ (also I/II/III, 1/2/3): -1 for class 0,
// 0..2 for Ⅰ..Ⅲ, -2 when unrecognised.
func incisionClass(v string) int {
	v = strings.ToUpper(norm.NFKC.String(strings.TrimSpace(v))) // Ⅰ → I
	v = strings.TrimSuffix(strings.TrimSuffix(v, "类"), "类切口")
	switch v {
	case "0", "O":
		return -1
	case "1", "I", "一":
		return 0
	case "2", "II", "二":
		return 1
	case "3", "III", "三":
		return 2
	}
	return -2
}

func healGrade(v string) int {
	v = strings.TrimSpace(v)
	for i, h := range healNames {
		if v == h {
			return i
		}
	}
	switch v {
	case "1":
		return 0
	case "2":
		return 1
	case "3":
		return 2
	case "4", "9":
		return 3
	}
	return -1
}

// combineIncision returns the RC014 code for a split class/healing pair.
// Unrecognised pairs are kept as "class/healing" text so the quality rules
// report them as invalid codes (a code-table problem, not an unusable row).
func combineIncision(cls, heal string) string {
	cls, heal = strings.TrimSpace(cls), strings.TrimSpace(heal)
	if cls == "" && heal == "" {
		return ""
	}
	c := incisionClass(cls)
	if c == -1 {
		return "0"
	}
	h := healGrade(heal)
	if c >= 0 && h >= 0 {
		return incisionTable[c][h]
	}
	return cls + "/" + heal
}

// splitIncision is the inverse, used by the pinyin writer.
func splitIncision(code string) (cls, heal string) {
	if code == "" {
		return "", ""
	}
	if code == "0" {
		return "0", ""
	}
	romans := [3]string{"Ⅰ", "Ⅱ", "Ⅲ"}
	for c := range incisionTable {
		for h := range incisionTable[c] {
			if incisionTable[c][h] == code {
				return romans[c], healNames[h]
			}
		}
	}
	if a, b, ok := strings.Cut(code, "/"); ok {
		return a, b
	}
	return code, ""
}
