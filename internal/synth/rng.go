package synth

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"sort"
	"unsafe"
)

// rng is a small, allocation-free random source: a PCG generator with the
// few distributions the generator needs. Each stay gets its own seed so the
// output does not depend on how the work is split between goroutines.
type rng struct {
	pcg rand.PCG
	ar  *strArena // where str puts strings; nil = ordinary allocations
}

// strArena hands out the generated strings of front pages (names, ID
// numbers, addresses, phone numbers, ...) carved from large byte chunks, so
// a page costs one allocation per few hundred pages instead of a dozen. A
// chunk is only ever appended to, never rewritten: the strings stay valid
// (and immutable) for as long as anything refers to them.
type strArena struct{ buf []byte }

const arenaChunk = 32 << 10

// str returns b as a string, from r's arena when it has one.
func (r *rng) str(b []byte) string {
	a := r.ar
	if a == nil || len(b) == 0 {
		return string(b)
	}
	if cap(a.buf)-len(a.buf) < len(b) {
		a.buf = make([]byte, 0, max(arenaChunk, len(b)))
	}
	n := len(a.buf)
	a.buf = append(a.buf, b...)
	return unsafe.String(&a.buf[n], len(b))
}

// cat concatenates parts (see str).
func (r *rng) cat(parts ...string) string {
	var buf [128]byte
	b := buf[:0]
	for _, p := range parts {
		b = append(b, p...)
	}
	return r.str(b)
}

func newRNG(a, b uint64) *rng {
	r := &rng{}
	r.pcg.Seed(a, b)
	return r
}

func (r *rng) seed(a, b uint64) { r.pcg.Seed(a, b) }

func (r *rng) u64() uint64 { return r.pcg.Uint64() }

// float returns a uniform number in [0, 1).
func (r *rng) float() float64 { return float64(r.pcg.Uint64()>>11) / (1 << 53) }

// intn returns a uniform integer in [0, n); n must be > 0.
func (r *rng) intn(n int) int {
	hi, _ := bits.Mul64(r.pcg.Uint64(), uint64(n))
	return int(hi)
}

func (r *rng) chance(p float64) bool { return r.float() < p }

// norm returns a standard normal deviate (Box–Muller; one value per call
// keeps the stream simple and deterministic).
func (r *rng) norm() float64 {
	u1 := r.float()
	if u1 < 1e-300 {
		u1 = 1e-300
	}
	return math.Sqrt(-2*math.Log(u1)) * math.Cos(2*math.Pi*r.float())
}

// lognormMean1 returns a log-normal factor with mean 1 and the given sigma of
// the underlying normal: the long right tail of lengths of stay and costs.
func (r *rng) lognormMean1(sigma float64) float64 {
	return math.Exp(sigma*r.norm() - sigma*sigma/2)
}

// poisson returns a Poisson deviate (Knuth; means here are small).
func (r *rng) poisson(mean float64) int {
	if mean <= 0 {
		return 0
	}
	l := math.Exp(-mean)
	k, p := 0, 1.0
	for {
		p *= r.float()
		if p <= l {
			return k
		}
		k++
		if k > 60 {
			return k
		}
	}
}

// triangular draws from a triangular distribution on [lo, hi] with the mode m.
func (r *rng) triangular(lo, hi, m float64) float64 {
	if hi <= lo {
		return lo
	}
	if m < lo {
		m = lo
	}
	if m > hi {
		m = hi
	}
	u := r.float()
	f := (m - lo) / (hi - lo)
	if u < f {
		return lo + math.Sqrt(u*(hi-lo)*(m-lo))
	}
	return hi - math.Sqrt((1-u)*(hi-lo)*(hi-m))
}

// cumTable picks indexes with probabilities proportional to weights, by
// binary search over precomputed cumulative weights.
type cumTable struct{ cum []float64 }

func newCumTable(w []float64) cumTable {
	c := make([]float64, len(w))
	s := 0.0
	for i, x := range w {
		if x > 0 {
			s += x
		}
		c[i] = s
	}
	return cumTable{c}
}

func (t cumTable) total() float64 {
	if len(t.cum) == 0 {
		return 0
	}
	return t.cum[len(t.cum)-1]
}

func (t cumTable) pick(r *rng) int {
	x := r.float() * t.total()
	i := sort.SearchFloat64s(t.cum, x)
	if i < len(t.cum) && t.cum[i] == x {
		i++
	}
	if i >= len(t.cum) {
		i = len(t.cum) - 1
	}
	return i
}

// mix64 is splitmix64: derives independent stream seeds from (seed, year,
// department, ...) so streams never overlap.
func mix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

func streamSeed(parts ...uint64) uint64 {
	h := uint64(0x5eed)
	for _, p := range parts {
		h = mix64(h ^ p)
	}
	return h
}

// allocate splits total into integer parts proportional to weights (largest
// remainder), so per-department counts add up exactly to the target.
func allocate(total int, w []float64) []int {
	out := make([]int, len(w))
	s := 0.0
	for _, x := range w {
		s += x
	}
	if s <= 0 || total <= 0 {
		return out
	}
	type rem struct {
		i int
		f float64
	}
	rems := make([]rem, len(w))
	used := 0
	for i, x := range w {
		exact := float64(total) * x / s
		out[i] = int(exact)
		used += out[i]
		rems[i] = rem{i, exact - float64(out[i])}
	}
	sort.SliceStable(rems, func(a, b int) bool { return rems[a].f > rems[b].f })
	for k := 0; used < total; k++ {
		out[rems[k%len(rems)].i]++
		used++
	}
	return out
}
