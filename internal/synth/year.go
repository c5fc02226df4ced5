package synth

import (
	"cmp"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// springFestival gives 春节 (lunar new year's day) for the years profiles are
// likely to be generated for: admissions and visits dip around it.
var springFestival = map[int]string{
	2015: "2015-02-19", 2016: "2016-02-08", 2017: "2017-01-28", 2018: "2018-02-16", 2019: "2019-02-05",
	2020: "2020-01-25", 2021: "2021-02-12", 2022: "2022-02-01", 2023: "2023-01-22", 2024: "2024-02-10",
	2025: "2025-01-29", 2026: "2026-02-17", 2027: "2027-02-06", 2028: "2028-01-26", 2029: "2029-02-13",
	2030: "2030-02-03",
}

func springFestivalDay(year int) int {
	s, ok := springFestival[year]
	if !ok {
		s = "2021-02-05" // a typical date when the year is outside the table
		t, _ := time.Parse("2006-01-02", s)
		return t.YearDay() - 1
	}
	t, _ := time.Parse("2006-01-02", s)
	return t.YearDay() - 1
}

// dayWeights returns a weight per day of the year: month seasonality, a
// weekday profile, the Spring Festival dip and, for respiratory cases, a
// winter peak.
func dayWeights(year int, sea *Seasonality, weekday [7]float64, resp bool) []float64 {
	start := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
	n := daysIn(year)
	sf := springFestivalDay(year)
	w := make([]float64, n)
	for d := 0; d < n; d++ {
		t := start.AddDate(0, 0, d)
		x := 1.0
		if m := sea.Month[t.Month()-1]; m > 0 {
			x *= m
		}
		wd := (int(t.Weekday()) + 6) % 7 // Monday = 0
		if weekday[wd] > 0 {
			x *= weekday[wd]
		}
		if dist := d - sf; dist >= -7 && dist <= 12 && sea.SpringFestivalDip > 0 {
			// deepest on the eve and the first days, recovering over the Lantern week
			depth := sea.SpringFestivalDip * math.Exp(-float64(dist*dist)/18)
			if dist > 0 {
				depth = sea.SpringFestivalDip * math.Exp(-float64(dist*dist)/40)
			}
			x *= 1 - depth
		}
		if resp && sea.WinterRespPeak > 0 {
			// peak in mid-January, trough in mid-July
			x *= 1 + sea.WinterRespPeak*math.Cos(2*math.Pi*float64(d-15)/float64(n))
		}
		w[d] = x
	}
	return w
}

func daysIn(year int) int {
	return time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC).YearDay()
}

// skel is the skeleton of a stay decided when the year is planned; the rest
// of the front page is filled from its seed.
type skel struct {
	seed      uint64
	admMin    int32 // minutes from the start of the year (negative: admitted the year before)
	disMin    int32
	los       int16
	dept      uint16
	ct        uint16
	nPlain    uint8
	nCC       uint8
	nMCC      uint8
	emergency bool
	day       bool
	died      bool
	neonDays  int8
	age       float32 // years
	rawLOS    float32
	seq       int32 // sequence inside the department (tie-break)
	head      int32 // index (discharge order) of the patient\'s first stay of the year; -1 = this one
	chainPos  int16 // number of earlier stays of the patient this year
}

// yearPlan holds the skeletons of one year, sorted in discharge order.
type yearPlan struct {
	year     int
	start    time.Time
	stays    []skel
	losMult  float64
	costMult float64   // brings the mean cost to the profile's level
	baseCost []float64 // baseCost of each stay, when costMult was fitted
}

func (h *Hospital) discharges(year int) int {
	s := h.Profile.Summary
	n := float64(s.Discharges) * h.Scale * math.Pow(1+h.Profile.Growth.Discharges, float64(year-h.Profile.RefYear))
	return int(math.Round(n))
}

func (h *Hospital) targetLOS(year int) float64 {
	s := h.Profile.Summary
	if s.MeanLOS <= 0 {
		return 0
	}
	step := 0.0
	if s.MeanLOSPrev > 0 {
		step = s.MeanLOSPrev - s.MeanLOS
	}
	return math.Max(2, s.MeanLOS+step*float64(h.Profile.RefYear-year))
}

func (h *Hospital) planYear(year int) *yearPlan {
	n := h.discharges(year)
	shares := make([]float64, len(h.depts))
	for i, dp := range h.depts {
		shares[i] = dp.share
	}
	counts := allocate(n, shares)
	sea := &h.Profile.Seasonality
	tables := [3]cumTable{
		newCumTable(dayWeights(year, sea, sea.WeekdayElective, false)),
		newCumTable(dayWeights(year, sea, sea.WeekdayEmergency, false)),
		newCumTable(dayWeights(year, sea, sea.WeekdayEmergency, true)),
	}
	// Departments draw from their own streams into their own ranges of the
	// plan (department order, then sequence), so they are planned in
	// parallel with the same result.
	offs := make([]int, len(counts)+1)
	for di, c := range counts {
		offs[di+1] = offs[di] + c
	}
	yp := &yearPlan{year: year, start: time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC), stays: make([]skel, offs[len(counts)])}
	ndays := daysIn(year)
	parallelItems(len(h.depts), func(di int) {
		dp := h.depts[di]
		r := newRNG(streamSeed(h.Seed, uint64(year), uint64(dp.index), 1), streamSeed(h.Seed, 2))
		for k := 0; k < counts[di]; k++ {
			sk := skel{seed: r.u64(), dept: uint16(di), seq: int32(k)}
			c := dp.cases[dp.table.pick(r)]
			ct := &h.cat.cases[c]
			sk.ct = uint16(c)
			sk.emergency = r.chance(ct.Emergency)
			sk.day = ct.DayEligible && !sk.emergency && r.chance(h.dayProb)
			if ct.Neonate {
				if r.chance(0.75) {
					sk.neonDays = int8(r.intn(4))
				} else {
					sk.neonDays = int8(4 + r.intn(25))
				}
			} else {
				sk.age = float32(r.triangular(ct.AgeLo, ct.AgeHi, ct.AgeMode))
			}
			h.drawSeverity(&sk, ct, r)
			// The catalogue gives crude case fatality; Chinese hospitals record
			// fewer in-hospital deaths because many dying patients go home
			// (非医嘱离院), hence the global factor.
			mort := mortalityScale * ct.Mortality * (1 + 0.3*float64(sk.nCC) + 1.2*float64(sk.nMCC))
			switch a := sk.age; {
			case a >= 80:
				mort *= 1.8
			case a >= 65:
				mort *= 1.3
			}
			sk.died = r.chance(math.Min(mort, 0.9))
			tbl := 0
			if sk.emergency {
				tbl = 1
				if ct.Dx[0] == 'J' {
					tbl = 2
				}
			}
			day := tables[tbl].pick(r)
			var tod int
			if sk.emergency {
				tod = r.intn(1440)
			} else {
				tod = 8*60 + r.intn(9*60)
			}
			sk.admMin = int32(day*1440 + tod)
			if sk.day {
				sk.rawLOS = 0
			} else {
				f := r.lognormMean1(0.5)
				f *= 1 + 0.12*float64(sk.nCC) + 0.3*float64(sk.nMCC)
				if sk.age > 60 {
					f *= 1 + 0.006*float64(sk.age-60)
				}
				if sk.died {
					f *= 0.6
				}
				sk.rawLOS = float32(ct.LOS * f)
			}
			yp.stays[offs[di]+k] = sk
		}
	})
	yp.losMult = h.fitLOS(yp, h.targetLOS(year))
	parallelRange(len(yp.stays), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			dischargeTime(&yp.stays[i], yp.losMult, ndays)
		}
	})
	yp.stays = sortDischarge(yp.stays, offs)
	h.linkReadmissions(yp)
	yp.costMult = 1
	if target := h.Profile.MeanStayCost; target > 0 && len(yp.stays) > 0 {
		base := make([]float64, len(yp.stays))
		yp.baseCost = base
		parallelRange(len(yp.stays), func(lo, hi int) {
			for i := lo; i < hi; i++ {
				base[i] = baseCost(&h.cat.cases[yp.stays[i].ct], &yp.stays[i])
			}
		})
		sum := 0.0
		for _, c := range base { // in order: the float sum must not depend on the split
			sum += c
		}
		yp.costMult = target / (sum / float64(len(yp.stays)))
	}
	return yp
}

// dischargeTime sets the length of stay and the admission and discharge
// minutes of a planned stay (from its own seed).
func dischargeTime(sk *skel, losMult float64, ndays int) {
	r := newRNG(sk.seed, 3)
	if sk.day {
		if r.chance(0.85) {
			sk.los = 1
		}
	} else {
		sk.los = int16(losDays(sk.rawLOS, losMult))
	}
	admDay := int(sk.admMin) / 1440
	admTOD := int(sk.admMin) % 1440
	var disTOD int
	switch {
	case sk.died:
		disTOD = r.intn(1440)
	case sk.day:
		disTOD = 14*60 + r.intn(4*60)
	default:
		disTOD = 9*60 + r.intn(7*60)
	}
	if sk.los == 0 && disTOD <= admTOD {
		disTOD = admTOD + 60 + r.intn(max(1, 1439-admTOD-60))
		if disTOD > 1439 {
			disTOD = 1439
		}
	}
	disDay := admDay + int(sk.los)
	if disDay >= ndays {
		// keep the count of the year exact: the stay moves back 52 weeks
		// (same weekday), becoming an admission of the year before
		admDay -= 364
		disDay -= 364
	}
	sk.admMin = int32(admDay*1440 + admTOD)
	sk.disMin = int32(disDay*1440 + disTOD)
}

// sortDischarge returns the stays (laid out by department, then sequence,
// from offs) in discharge order: by discharge minute, department, sequence.
// That key is unique, so it is packed into a uint64 (minute, department,
// sequence; the position follows from the last two) and a plain integer
// sort gives the order. A comparison sort of the structs is the fallback
// for plans too large to pack.
func sortDischarge(stays []skel, offs []int) []skel {
	const seqBits, deptBits = 28, 12 // 24 bits left for the minute
	packable := len(offs)-1 < 1<<deptBits
	for i := 0; i < len(stays) && packable; i++ {
		sk := &stays[i]
		packable = sk.disMin >= 0 && sk.disMin < 1<<(64-seqBits-deptBits-1) && sk.seq >= 0 && sk.seq < 1<<seqBits
	}
	if !packable {
		slices.SortFunc(stays, func(a, b skel) int {
			if a.disMin != b.disMin {
				return cmp.Compare(a.disMin, b.disMin)
			}
			if a.dept != b.dept {
				return cmp.Compare(a.dept, b.dept)
			}
			return cmp.Compare(a.seq, b.seq)
		})
		return stays
	}
	keys := make([]uint64, len(stays))
	for i := range stays {
		sk := &stays[i]
		keys[i] = uint64(sk.disMin)<<(seqBits+deptBits) | uint64(sk.dept)<<seqBits | uint64(sk.seq)
	}
	slices.Sort(keys)
	out := make([]skel, len(stays))
	for i, k := range keys {
		dept, seq := int(k>>seqBits&(1<<deptBits-1)), int(k&(1<<seqBits-1))
		out[i] = stays[offs[dept]+seq]
	}
	return out
}

// parallelRange calls fn on contiguous parts of [0, n) on up to GOMAXPROCS
// goroutines (one part when n is small).
func parallelRange(n int, fn func(lo, hi int)) {
	w := min(runtime.GOMAXPROCS(0), 8)
	if w <= 1 || n < 2048 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	chunk := (n + w - 1) / w
	for lo := 0; lo < n; lo += chunk {
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			fn(lo, hi)
		}(lo, min(lo+chunk, n))
	}
	wg.Wait()
}

// parallelItems calls fn(i) for every i in [0, n) on up to GOMAXPROCS
// goroutines taking items in turn.
func parallelItems(n int, fn func(i int)) {
	w := min(runtime.GOMAXPROCS(0), 8, n)
	if w <= 1 {
		for i := range n {
			fn(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range w {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				fn(i)
			}
		}()
	}
	wg.Wait()
}

// readmitProb is the chance that a stay of this case type is a return of a
// patient already discharged this year: chemotherapy cycles and dialysis
// often, chronic diseases sometimes, anything else rarely.
func readmitProb(ct *CaseType) float64 {
	switch {
	case ct.Neonate || ct.Delivery:
		return 0
	case ct.SecondDx != "" || ct.Kind == KindTherapeutic && ct.Morphology != "":
		return 0.55
	case ct.Dx == "N18.500":
		return 0.4
	case strings.HasPrefix(ct.Dx, "I50") || strings.HasPrefix(ct.Dx, "J44") || strings.HasPrefix(ct.Dx, "K74") || strings.HasPrefix(ct.Dx, "N18"):
		return 0.15
	}
	return 0.03
}

// linkReadmissions makes some stays later stays of a patient already seen
// this year (same 病案号, next 住院次数, same identity), choosing the most
// recent earlier discharge of the same case type at least a few days before
// the admission.
func (h *Hospital) linkReadmissions(yp *yearPlan) {
	open := map[uint16][]int32{}
	var r rng
	for i := range yp.stays {
		sk := &yp.stays[i]
		sk.head = -1
		ct := &h.cat.cases[sk.ct]
		p := readmitProb(ct)
		if p == 0 {
			continue
		}
		r.seed(sk.seed, 19)
		if r.chance(p) {
			minGap := int32(2+r.intn(30)) * 1440
			if p > 0.3 {
				minGap = int32(14+r.intn(10)) * 1440 // treatment cycles
			}
			list := open[sk.ct]
			for k := len(list) - 1; k >= 0 && k >= len(list)-200; k-- {
				pj := &yp.stays[list[k]]
				if pj.disMin > sk.admMin-minGap {
					continue
				}
				head := list[k]
				if pj.head >= 0 {
					head = pj.head
				}
				sk.head, sk.chainPos = head, pj.chainPos+1
				hs := &yp.stays[head]
				sk.age = hs.age + float32(sk.admMin-hs.admMin)/(365.25*1440)
				open[sk.ct] = append(list[:k], list[k+1:]...)
				break
			}
		}
		if !sk.died {
			open[sk.ct] = append(open[sk.ct], int32(i))
		}
	}
}

const mortalityScale = 0.2

func losDays(raw float32, mult float64) int { return losDays64(float64(raw), mult) }

func losDays64(raw, mult float64) int {
	d := int(math.Round(raw * mult))
	if d < 1 {
		d = 1
	}
	if d > 180 {
		d = 180
	}
	return d
}

// fitLOS finds the multiplier of the raw lengths of stay that makes the mean
// LOS of the year (day surgeries included) equal to the target.
func (h *Hospital) fitLOS(yp *yearPlan, target float64) float64 {
	if target <= 0 || len(yp.stays) == 0 {
		return 1
	}
	// The raw lengths of stay are gathered once: the bisection below
	// evaluates the mean fifty times.
	raw := make([]float64, 0, len(yp.stays))
	days := 0
	for i := range yp.stays {
		sk := &yp.stays[i]
		if sk.day {
			days++ // day surgeries: about one day each
			continue
		}
		raw = append(raw, float64(sk.rawLOS))
	}
	mean := func(m float64) float64 {
		var sum atomic.Int64 // integer: the split does not change the total
		parallelRange(len(raw), func(lo, hi int) {
			s := 0
			for _, x := range raw[lo:hi] {
				s += losDays64(x, m)
			}
			sum.Add(int64(s))
		})
		return float64(days+int(sum.Load())) / float64(len(yp.stays))
	}
	lo, hi := 0.05, 20.0
	for i := 0; i < 50; i++ {
		mid := (lo + hi) / 2
		if mean(mid) < target {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}

// drawSeverity decides how many plain, CC-type and MCC-type other diagnoses
// the stay will carry; the details pick the actual codes.
func (h *Hospital) drawSeverity(sk *skel, ct *CaseType, r *rng) {
	mean := ct.Comorbidity
	if sk.age >= 65 {
		mean *= 1.3
	}
	n := r.poisson(mean)
	if n > 14 {
		n = 14
	}
	g := h.comorbGroup(ct, float64(sk.age))
	list := h.cat.comorbid[g]
	if len(list) == 0 {
		return
	}
	var w [3]float64
	for _, c := range list {
		w[c.Severity] += c.Weight
	}
	tot := w[0] + w[1] + w[2]
	for i := 0; i < n; i++ {
		x := r.float() * tot
		switch {
		case x < w[0]:
			sk.nPlain++
		case x < w[0]+w[1]:
			sk.nCC++
		default:
			sk.nMCC++
		}
	}
}

func (h *Hospital) comorbGroup(ct *CaseType, age float64) string {
	switch {
	case ct.Neonate:
		return "neo"
	case ct.Dx[0] == 'O':
		return "obs"
	case age < 15:
		return "child"
	}
	return "adult"
}
