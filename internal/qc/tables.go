package qc

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
)

//go:embed data/frontpage_codesets.csv
var codesetsCSV []byte

//go:embed data/sex_restricted_icd10.csv
var sexCSV []byte

//go:embed data/frontpage_qc_score_2016.csv
var scoreCSV []byte

// codeTables are the RC tables by id: code → label.
var codeTables = sync.OnceValue(func() map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, r := range readCSV(codesetsCSV)[1:] {
		if len(r) < 4 || strings.HasPrefix(r[2], "<") {
			continue // RC040 placeholder row: GB/T 2659 is not reproduced
		}
		t := out[r[0]]
		if t == nil {
			t = map[string]string{}
			out[r[0]] = t
		}
		t[r[2]] = r[3]
	}
	return out
})

// CodeTable returns the embedded RC table (code → label), or nil.
func CodeTable(id string) map[string]string { return codeTables()[id] }

// CodeTableIDs lists the embedded RC tables.
func CodeTableIDs() []string {
	var ids []string
	for id := range codeTables() {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// sexTables are the sex-restricted diagnosis ranges: femaleOnly (flag for
// A12C=1) and maleOnly (flag for A12C=2).
var sexTables = sync.OnceValue(func() [2]rangeSet {
	var female, male []string
	for _, r := range readCSV(sexCSV)[1:] {
		if len(r) < 2 {
			continue
		}
		switch r[0] {
		case "2":
			female = append(female, r[1])
		case "1":
			male = append(male, r[1])
		}
	}
	return [2]rangeSet{mustRanges(female...), mustRanges(male...)}
})

// ScoreItem is one item of the 2016 scoring standard.
type ScoreItem struct {
	Section       string
	SectionPoints float64
	Class         string // A B C D
	Item          string
	Fields        []string // national field codes (patterns for repeated fields)
	Points        float64
	CapGroup      string
	CapPoints     float64
}

// DefaultScoreItems returns the embedded scoring table.
func DefaultScoreItems() []ScoreItem {
	var out []ScoreItem
	for _, r := range readCSV(scoreCSV)[1:] {
		if len(r) < 8 {
			continue
		}
		it := ScoreItem{Section: r[0], Class: r[2], Item: r[3], CapGroup: r[6]}
		it.SectionPoints, _ = strconv.ParseFloat(r[1], 64)
		it.Points, _ = strconv.ParseFloat(r[5], 64)
		it.CapPoints, _ = strconv.ParseFloat(r[7], 64)
		it.Fields = expandScoreFields(r[4])
		out = append(out, it)
	}
	return out
}

// expandScoreFields turns "A14/A16", "C28-C33", "B36C/B37" into field codes.
func expandScoreFields(s string) []string {
	var out []string
	for _, p := range strings.Split(s, "/") {
		p = strings.TrimSpace(p)
		if i := strings.IndexByte(p, '-'); i > 0 && p[0] == 'C' {
			lo, err1 := strconv.Atoi(p[1:i])
			hi, err2 := strconv.Atoi(strings.TrimPrefix(p[i+1:], "C"))
			if err1 == nil && err2 == nil {
				for n := lo; n <= hi; n++ {
					out = append(out, fmt.Sprintf("C%d", n))
				}
				continue
			}
		}
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

func readCSV(b []byte) [][]string {
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		panic("qc: embedded table: " + err.Error()) // compiled-in data, covered by tests
	}
	return recs
}
