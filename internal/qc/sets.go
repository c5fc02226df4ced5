package qc

// codeSet is a code table as a set. The RC codes are at most six bytes, so
// each is packed into a uint64 (bytes and length) and looked up in a small
// open-addressing table, which is cheaper than hashing the string; codes
// longer than seven bytes (none in the embedded tables) go to a map.
type codeSet struct {
	table []uint64 // packed codes, 0 = free; len is a power of two, at most half full
	shift uint     // 64 - log2(len(table))
	empty bool     // "" is in the set (it packs to 0)
	long  map[string]struct{}
}

func newCodeSet(codes []string) codeSet {
	s := codeSet{shift: 63}
	n := 2
	for n < 2*len(codes) {
		n *= 2
		s.shift--
	}
	s.table = make([]uint64, n)
	for _, c := range codes {
		p, ok := packCode(c)
		switch {
		case !ok:
			if s.long == nil {
				s.long = map[string]struct{}{}
			}
			s.long[c] = struct{}{}
		case p == 0:
			s.empty = true
		default:
			i := s.slot(p)
			for s.table[i] != 0 && s.table[i] != p {
				i = (i + 1) & uint64(n-1)
			}
			s.table[i] = p
		}
	}
	return s
}

// packCode packs a string of up to seven bytes into a distinct uint64 (0
// only for "").
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

// slot is the home slot of a packed code (Fibonacci hashing).
func (s *codeSet) slot(p uint64) uint64 { return (p * 0x9E3779B97F4A7C15) >> s.shift }

func (s *codeSet) has(v string) bool {
	p, ok := packCode(v)
	if !ok {
		_, ok = s.long[v]
		return ok
	}
	if p == 0 {
		return s.empty
	}
	mask := uint64(len(s.table) - 1)
	for i := s.slot(p); ; i = (i + 1) & mask {
		switch s.table[i] {
		case p:
			return true
		case 0:
			return false
		}
	}
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
