package qc

import "slices"

// codeSet is a code table as a set. The RC codes are at most six bytes, so
// each is packed into a uint64 (bytes and length) and looked up in a
// sorted slice, which is cheaper than hashing the string; codes longer than
// seven bytes (none in the embedded tables) go to a map.
type codeSet struct {
	packed []uint64
	long   map[string]struct{}
}

func newCodeSet(codes []string) codeSet {
	var s codeSet
	for _, c := range codes {
		if p, ok := packCode(c); ok {
			s.packed = append(s.packed, p)
			continue
		}
		if s.long == nil {
			s.long = map[string]struct{}{}
		}
		s.long[c] = struct{}{}
	}
	slices.Sort(s.packed)
	return s
}

// packCode packs a string of up to seven bytes into a distinct uint64.
func packCode(v string) (uint64, bool) {
	if len(v) > 7 {
		return 0, false
	}
	var p uint64
	for i := 0; i < len(v); i++ {
		p = p<<8 | uint64(v[i])
	}
	return p<<8 | uint64(len(v)), true
}

func (s *codeSet) has(v string) bool {
	p, ok := packCode(v)
	if !ok {
		_, ok = s.long[v]
		return ok
	}
	_, found := slices.BinarySearch(s.packed, p)
	return found
}

// strSet is the value list of an in/not_in condition: a few strings,
// compared directly; long lists use a map.
type strSet struct {
	list []string
	m    map[string]struct{}
}

func newStrSet(vals []string) strSet {
	if len(vals) <= 8 {
		return strSet{list: vals}
	}
	m := make(map[string]struct{}, len(vals))
	for _, v := range vals {
		m[v] = struct{}{}
	}
	return strSet{m: m}
}

func (s *strSet) has(v string) bool {
	if s.m != nil {
		_, ok := s.m[v]
		return ok
	}
	for _, x := range s.list {
		if x == v {
			return true
		}
	}
	return false
}
