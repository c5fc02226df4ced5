package qc

import (
	"context"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/yardstick-health/yardstick/internal/frontpage"
	"github.com/yardstick-health/yardstick/internal/synth"
)

// badIDNumberRef is the original form of badIDNumber.
func badIDNumberRef(v string, birthDate time.Time) bool {
	id := strings.ToUpper(strings.TrimSpace(v))
	if id == "" {
		return false
	}
	var birth string
	switch len(id) {
	case 18:
		weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
		sum := 0
		for i := 0; i < 17; i++ {
			c := id[i]
			if c < '0' || c > '9' {
				return true
			}
			sum += int(c-'0') * weights[i]
		}
		if id[17] != "10X98765432"[sum%11] {
			return true
		}
		birth = id[6:14]
	case 15:
		for i := 0; i < 15; i++ {
			if id[i] < '0' || id[i] > '9' {
				return true
			}
		}
		birth = "19" + id[6:12]
	default:
		return true
	}
	if birthDate.IsZero() {
		return false
	}
	return !(len(birth) == 8 && atoiN(birth[0:4]) == birthDate.Year() && atoiN(birth[4:6]) == int(birthDate.Month()) && atoiN(birth[6:8]) == birthDate.Day())
}

// TestBadIDNumber: badIDNumber agrees with the original on valid numbers,
// every check character, case, white space, non-ASCII letters whose upper
// case is ASCII (ſ → S) or longer, broken UTF-8, and birth dates.
func TestBadIDNumber(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	bad := 0
	for i := 0; i < 200000; i++ {
		birth := time.Date(1900+r.IntN(125), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
		var b strings.Builder
		b.WriteString("110105")
		b.WriteString(birth.Format("20060102"))
		for j := 0; j < 3; j++ {
			b.WriteByte(byte('0' + r.IntN(10)))
		}
		sum := 0
		for j, c := range []byte(b.String()) {
			sum += int(c-'0') * weights[j]
		}
		check := "10X98765432"[sum%11]
		if r.IntN(3) == 0 {
			check = "0123456789Xxſ"[r.IntN(13)]
		}
		b.WriteByte(check)
		id := b.String()
		switch r.IntN(12) {
		case 0:
			id = strings.ToLower(id[:17]) + "x"
		case 1:
			id = " " + id + "\u3000"
		case 2:
			id = id[:17] + "ſ" // upper case S, one byte shorter
		case 3:
			id = id[:16] + "ı" // upper case I
		case 4:
			id = id[:17] + "\xff"
		case 5:
			id = id[:6] + id[8:14] + id[14:17] // 15 digits
		case 6:
			id = id[:10] + "a" + id[11:]
		case 7:
			id = id[:17] + "ｘ"
		case 8:
			id = ""
		case 9:
			id = "ǆ" + id[2:]
		}
		bd := birth
		switch r.IntN(4) {
		case 0:
			bd = time.Time{}
		case 1:
			bd = bd.AddDate(0, 0, r.IntN(3)-1)
		case 2:
			bd = bd.AddDate(-100, 0, 0)
		}
		got, want := badIDNumber(id, bd), badIDNumberRef(id, bd)
		if got != want {
			t.Fatalf("badIDNumber(%q, %v) = %v, want %v", id, bd, got, want)
		}
		if want {
			bad++
		}
	}
	if bad < 20000 || bad > 180000 {
		t.Fatalf("%d bad of 200000: the cases do not exercise both outcomes", bad)
	}
}

// TestEvalTextFastPath: eval of conditions on stay text fields, read from
// the copied slot, agrees with evalAcc through the accessor for every
// operator, on clean, filler, padded and empty values.
func TestEvalTextFastPath(t *testing.T) {
	rules := Catalogue()
	n := 0
	for _, f := range []string{"C01C", "B13C", "A11", "C12C", "C09C", "C03C", "C05C", "B16C"} {
		for _, w := range []Cond{{Op: "present"}, {Op: "absent"}, {Op: "eq", Value: "K35.800"}, {Op: "ne", Value: "1"},
			{Op: "in", Values: []string{"1", "0701", "K35.800", "张三"}}, {Op: "not_in", Values: []string{"1", "2"}},
			{Op: "in_ranges", Values: []string{"A00-K34", "O"}}, {Op: "in_ranges", Values: []string{"K35.8"}}, {Op: "not_in_ranges", Value: "C00-D48,Z37"}} {
			w.Field = f
			n++
			rules = append(rules, &Rule{ID: "X" + strconv.Itoa(n), Category: Logic, Severity: Error, Check: CheckWhen, Fields: []string{f}, When: []Cond{w}})
		}
	}
	e, err := Compile(rules, nil)
	if err != nil {
		t.Fatal(err)
	}
	k := e.NewChecker()
	vals := []string{"", " ", "-", "—", "1", " 1 ", "0701", "K35.800", "k35.800", "O80.000", "C50.900", "Z37.000", "张三", "\xff"}
	fast := 0
	for x := 0; x < 400; x++ {
		mut := m{}
		for j, f := range []string{"C01C", "B13C", "A11", "C12C", "C09C", "C03C", "C05C", "B16C"} {
			mut[f] = vals[(x*(j+3)+j*j)%len(vals)]
		}
		s := build(t, mut)
		k.Check(s)
		for _, c := range e.compiled {
			for j := range c.when {
				w := &c.when[j]
				for i := 0; i < 3; i++ {
					if w.textSlot > 0 {
						fast++
					}
					if got, want := k.eval(w, s, i), k.evalAcc(w, s, i); got != want {
						t.Fatalf("%s %s %s on %q: eval %v, evalAcc %v", c.r.ID, w.a.code, w.val, k.text(w.a, s, i), got, want)
					}
				}
			}
		}
	}
	if fast == 0 {
		t.Fatal("no condition took the fast path")
	}
}

// TestSlotPathsMatchAccessorPaths: the checks that read loaded slots
// directly (required, range, sum over c.slots) find what they find through
// the accessors, on synthetic stays with defects.
func TestSlotPathsMatchAccessorPaths(t *testing.T) {
	p, err := synth.LoadProfile("tertiary-general")
	if err != nil {
		t.Fatal(err)
	}
	h, err := synth.NewHospital(p, 5, 0.02)
	if err != nil {
		t.Fatal(err)
	}
	fast, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	slow, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	direct := 0
	for _, c := range slow.compiled {
		if c.slots != nil {
			direct++
		}
		c.slots, c.kinds, c.numSlots = nil, nil, false
	}
	if direct == 0 {
		t.Fatal("no rule reads slots directly")
	}
	kf, ks := fast.NewChecker(), slow.NewChecker()
	n := 0
	err = h.Stays(context.Background(), 2021, synth.StreamOptions{DefectRate: 0.6}, func(s *frontpage.Stay, _ *synth.Defect) error {
		got, want := kf.Check(s), ks.Check(s)
		if len(got) != len(want) {
			t.Fatalf("stay %d: %d findings, want %d", n, len(got), len(want))
		}
		for j := range got {
			g, w := got[j], want[j]
			if g.Rule.ID != w.Rule.ID || g.Field != w.Field || g.Value != w.Value || g.Expect != w.Expect {
				t.Fatalf("stay %d finding %d: %+v, want %+v", n, j, g, w)
			}
		}
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// isICD10Ref is isICD10 without the plain-code shortcut.
func isICD10Ref(v string) bool {
	for {
		part, rest, more := strings.Cut(v, "+")
		if !isICD10Part(part) {
			return false
		}
		if !more {
			return true
		}
		v = rest
	}
}

// TestICD10Shortcut: isICD10 agrees with the plain definition on codes,
// pairs, morphology combinations and every short string over an alphabet
// of the characters the forms use.
func TestICD10Shortcut(t *testing.T) {
	cases := []string{"", "A01", "A01.0", "A01.000", "I10.x05", "A01.000x003", "A18.005+M49.0*", "M49.0*", "B37.600I39.8",
		"C22.101M81600/3", "A01†", "A01*", "a01", "A0", "A01.", "A01.0000", "A01.000x00", "A01.000X003", "K35.800x002+", "+A01"}
	alpha := []byte{'A', 'M', '0', '1', '.', 'x', 'X', '*', '+', '/', 'a'}
	cases = appendByteStrings(cases, "A0", alpha, 5)
	cases = appendByteStrings(cases, "C50.9", alpha, 4)
	cases = appendByteStrings(cases, "", alpha, 4)
	for _, c := range cases {
		if got, want := isICD10(c), isICD10Ref(c); got != want {
			t.Fatalf("isICD10(%q) = %v, want %v", c, got, want)
		}
	}
}
