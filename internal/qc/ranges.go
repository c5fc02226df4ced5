package qc

import (
	"fmt"
	"sort"
	"strings"
)

// Code ranges ("C00-D48", "D07.4-D07.6", "Z37", "68.3-68.9") are compared on
// a 4-byte key of the code's first four significant characters (dots
// dropped): "C50.900x011" → "C509", "I10.x05" → "I10x", "68.4100" → "6841".
// A bound shorter than four characters covers every code it prefixes, so its
// key is padded with 0x00 (lower bound) or 0xFF (upper bound). Ranges compile
// into a sorted, merged interval table searched by binary search.

type interval struct{ lo, hi uint32 }

type rangeSet []interval

func codeKey(code string) uint32 {
	var k uint32
	n := 0
	for i := 0; i < len(code) && n < 4; i++ {
		c := code[i]
		if c == '.' || c == ' ' {
			continue
		}
		if c == '+' || c == '*' {
			break
		}
		if c >= 'a' && c <= 'z' && n == 0 {
			c -= 'a' - 'A'
		}
		k = k<<8 | uint32(c)
		n++
	}
	for ; n < 4; n++ {
		k <<= 8
	}
	return k
}

func boundKey(b string, pad byte) uint32 {
	var k uint32
	n := 0
	for i := 0; i < len(b) && n < 4; i++ {
		c := b[i]
		if c == '.' {
			continue
		}
		if c >= 'a' && c <= 'z' && n == 0 {
			c -= 'a' - 'A'
		}
		k = k<<8 | uint32(c)
		n++
	}
	for ; n < 4; n++ {
		k = k<<8 | uint32(pad)
	}
	return k
}

func compileRanges(specs []string) (rangeSet, error) {
	var out rangeSet
	for _, sp := range specs {
		sp = strings.TrimSpace(sp)
		if sp == "" {
			continue
		}
		lo, hi := sp, sp
		if i := strings.IndexByte(sp, '-'); i > 0 {
			lo, hi = strings.TrimSpace(sp[:i]), strings.TrimSpace(sp[i+1:])
		}
		if lo == "" || hi == "" {
			return nil, fmt.Errorf("编码范围无效 bad code range %q", sp)
		}
		iv := interval{boundKey(lo, 0), boundKey(hi, 0xFF)}
		if iv.lo > iv.hi {
			return nil, fmt.Errorf("编码范围上下界颠倒 code range bounds reversed %q", sp)
		}
		out = append(out, iv)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].lo < out[j].lo })
	merged := out[:0]
	for _, iv := range out {
		if n := len(merged); n > 0 && iv.lo <= merged[n-1].hi {
			if iv.hi > merged[n-1].hi {
				merged[n-1].hi = iv.hi
			}
			continue
		}
		merged = append(merged, iv)
	}
	return merged, nil
}

func (r rangeSet) has(code string) bool {
	if len(r) == 0 || code == "" {
		return false
	}
	return r.hasKey(codeKey(code))
}

// hasKey reports whether a code key lies in one of the intervals.
func (r rangeSet) hasKey(k uint32) bool {
	if len(r) <= 8 {
		// Most rules have one to three ranges: a scan of the sorted,
		// disjoint intervals beats the binary search.
		for _, iv := range r {
			if k < iv.lo {
				return false
			}
			if k <= iv.hi {
				return true
			}
		}
		return false
	}
	// first interval with lo > k, then look at the one before it.
	i := sort.Search(len(r), func(i int) bool { return r[i].lo > k })
	return i > 0 && k <= r[i-1].hi
}

func mustRanges(specs ...string) rangeSet {
	r, err := compileRanges(specs)
	if err != nil {
		panic(err) // only for built-in constants
	}
	return r
}
