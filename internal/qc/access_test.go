package qc

import (
	"strings"
	"testing"
	"unicode"

	"github.com/yardstick-health/yardstick/internal/frontpage"
)

// cleanRef is the plain definition clean must agree with.
func cleanRef(v string) string {
	v = strings.TrimSpace(v)
	if frontpage.IsBlank(v) {
		return ""
	}
	return v
}

// TestCleanMatchesTrimSpace: the byte tests of clean/mayTrim skip
// strings.TrimSpace only when it would change nothing.
func TestCleanMatchesTrimSpace(t *testing.T) {
	var spaces []string
	for r := rune(0); r <= 0x3000; r++ {
		if unicode.IsSpace(r) {
			spaces = append(spaces, string(r))
		}
	}
	bodies := []string{"", "a", "1", "-", "—", "－", "张三", "0701", "。", "\u2030", "\u1681", "\xff", "\xc2", "\xe2\x80", "a\xe3", "Õ", "\u00a1", "x\u00b7"}
	var cases []string
	for _, b := range bodies {
		cases = append(cases, b)
		for _, sp := range spaces {
			cases = append(cases, sp+b, b+sp, sp+b+sp)
		}
	}
	// every short byte string over an alphabet that includes the space lead bytes
	alpha := []byte{' ', 'a', '-', 0x80, 0x85, 0x9a, 0xa0, 0xc2, 0xe1, 0xe2, 0xe3, 0xe4}
	var gen func(prefix []byte, n int)
	gen = func(prefix []byte, n int) {
		cases = append(cases, string(prefix))
		if n == 0 {
			return
		}
		for _, c := range alpha {
			gen(append(prefix, c), n-1)
		}
	}
	gen(nil, 4)
	for _, c := range cases {
		if got, want := clean(c), cleanRef(c); got != want {
			t.Errorf("clean(%q) = %q, want %q", c, got, want)
		}
		if c != "" && !mayTrim(c) && strings.TrimSpace(c) != c {
			t.Errorf("mayTrim(%q) = false but TrimSpace trims it", c)
		}
	}
}
