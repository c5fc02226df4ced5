package synth

import (
	"fmt"
	"math"
)

// Hospital is a profile made concrete for one seed and scale: departments
// with calibrated case-mix tables, staff rosters and the probabilities that
// make a year match the profile's published summary. It is immutable after
// NewHospital and safe for concurrent use.
type Hospital struct {
	Profile *Profile
	Seed    uint64
	Scale   float64

	cat      *catalog
	depts    []*deptPlan // departments with inpatients
	dayProb  float64     // probability that a day-surgery-eligible elective case is done as day surgery
	areas    areaSet
	coders   []string
	qcDocs   []string
	qcNurses []string
	anaes    []string
	refOrgs  []string
	icu      *deptPlan // the intensive-care department, if the profile has one with beds
	edCode   string    // the emergency department's code, if any
	edName   string

	// Calibration diagnostics (expected values from the tables).
	expectOpsShare, expectL4Share float64
}

type deptPlan struct {
	prof      *ProfileDept
	index     int
	share     float64
	cases     []int     // catalogue indexes
	weights   []float64 // calibrated weights, parallel to cases
	table     cumTable
	head      string
	chiefs    []string
	attending []string
	residents []string
	nurses    []string
	wards     []string
}

// NewHospital prepares a profile for generation. scale multiplies every
// volume (0.01 for fast tests, 10 for load tests); seed makes the output
// reproducible.
func NewHospital(p *Profile, seed uint64, scale float64) (*Hospital, error) {
	if p == nil {
		return nil, fmt.Errorf("nil profile")
	}
	if !(scale > 0) || scale > 1000 {
		return nil, fmt.Errorf("比例必须在 0 和 1000 之间 scale must be in (0, 1000], got %v", scale)
	}
	cat, err := loadCatalog()
	if err != nil {
		return nil, err
	}
	h := &Hospital{Profile: p, Seed: seed, Scale: scale, cat: cat, areas: newAreaSet(p.City)}
	r := newRNG(streamSeed(seed, 0x57aff), 1)
	for i := range p.Departments {
		pd := &p.Departments[i]
		if pd.DischargeShare <= 0 {
			continue
		}
		dp := &deptPlan{prof: pd, index: i, share: pd.DischargeShare}
		for _, sw := range pd.CaseMix {
			idx := cat.bySpecialty[sw.Specialty]
			tot := 0.0
			for _, c := range idx {
				tot += cat.cases[c].Weight
			}
			for _, c := range idx {
				dp.cases = append(dp.cases, c)
				dp.weights = append(dp.weights, sw.Weight*cat.cases[c].Weight/tot)
			}
		}
		dp.head = staffName(r)
		nDoc := 3 + pd.Beds/40
		for k := 0; k < nDoc; k++ {
			dp.chiefs = append(dp.chiefs, staffName(r))
			dp.attending = append(dp.attending, staffName(r))
			dp.residents = append(dp.residents, staffName(r), staffName(r))
			dp.nurses = append(dp.nurses, personName(r, "2"), personName(r, "2"))
		}
		nWards := 1 + pd.Beds/50
		for k := 0; k < nWards; k++ {
			dp.wards = append(dp.wards, fmt.Sprintf("%s%d病区", pd.Name, k+1))
		}
		if nWards == 1 {
			dp.wards[0] = pd.Name + "病区"
		}
		h.depts = append(h.depts, dp)
	}
	if len(h.depts) == 0 {
		return nil, fmt.Errorf("profile %s has no inpatient department", p.Name)
	}
	for k := 0; k < 6; k++ {
		h.coders = append(h.coders, staffName(r))
		h.qcDocs = append(h.qcDocs, staffName(r))
		h.qcNurses = append(h.qcNurses, personName(r, "2"))
	}
	for k := 0; k < 12+len(h.depts)/2; k++ {
		h.anaes = append(h.anaes, staffName(r))
	}
	for _, dp := range h.depts {
		if dp.prof.NationalCode == "28" {
			h.icu = dp
		}
	}
	for _, d := range p.Departments {
		if d.NationalCode == "20" {
			h.edCode, h.edName = d.Code, d.Name
		}
	}
	h.refOrgs = []string{p.City.Name + "第二人民医院", p.City.Name + "中医院", p.City.Name + "康复医院", "社区卫生服务中心", "镇卫生院"}
	h.calibrate()
	for _, dp := range h.depts {
		dp.table = newCumTable(dp.weights)
	}
	return h, nil
}

// calibrate adjusts department sizes and case-mix weights so the expected
// figures of the reference year match the profile's summary: births (by the
// size of departments with deliveries), the share of stays with an
// operation, the level-4 share of operations and the number of day
// surgeries. Lengths of stay are calibrated per year (see planYear).
func (h *Hospital) calibrate() {
	s := h.Profile.Summary
	cat := h.cat
	// Births: grow or shrink the departments that deliver babies.
	if s.Births > 0 {
		var sb, so, sbb float64
		for _, dp := range h.depts {
			b := 0.0
			tot := 0.0
			for k, c := range dp.cases {
				tot += dp.weights[k]
				if cat.cases[c].Delivery {
					b += dp.weights[k] * birthsPerDelivery
				}
			}
			if b > 0 {
				sb += dp.share
				sbb += dp.share * b / tot
			} else {
				so += dp.share
			}
		}
		n, t := float64(s.Discharges), float64(s.Births)
		if den := n*sbb - t*sb; sb > 0 && den > 0 {
			g := t * so / den
			for _, dp := range h.depts {
				if dp.hasDeliveries(cat) {
					dp.share *= g
				}
			}
		}
	}
	total := 0.0
	for _, dp := range h.depts {
		total += dp.share
	}
	base := make([][]float64, len(h.depts))
	for i, dp := range h.depts {
		base[i] = append([]float64(nil), dp.weights...)
	}
	// expect returns the expected operation share and level-4 share for the
	// factors a (operations) and b (level-4 operations).
	expect := func(a, b float64) (ops, l4, day float64) {
		for i, dp := range h.depts {
			var tot, o, f, d float64
			for k, c := range dp.cases {
				ct := &cat.cases[c]
				w := base[i][k]
				if ct.IsOperation() {
					w *= a
					if ct.Level == "4" {
						w *= b
					}
				}
				tot += w
				if ct.IsOperation() {
					o += w
					if ct.Level == "4" {
						f += w
					}
					if ct.DayEligible {
						d += w * (1 - ct.Emergency)
					}
				}
			}
			if tot > 0 {
				ops += dp.share / total * o / tot
				l4 += dp.share / total * f / tot
				day += dp.share / total * d / tot
			}
		}
		if ops > 0 {
			l4 /= ops
		}
		return
	}
	a, b := 1.0, 1.0
	if s.Operations > 0 {
		target := float64(s.Operations) / float64(s.Discharges)
		solveA := func(b float64) float64 {
			return bisectLog(func(a float64) float64 { o, _, _ := expect(a, b); return o - target })
		}
		if s.Level4Share > 0 {
			b = bisectLog(func(b float64) float64 {
				_, l4, _ := expect(solveA(b), b)
				return l4 - s.Level4Share
			})
		}
		a = solveA(b)
	}
	for i, dp := range h.depts {
		for k, c := range dp.cases {
			ct := &cat.cases[c]
			if ct.IsOperation() {
				dp.weights[k] = base[i][k] * a
				if ct.Level == "4" {
					dp.weights[k] *= b
				}
			}
		}
	}
	ops, l4, day := expect(a, b)
	h.expectOpsShare, h.expectL4Share = ops, l4
	h.dayProb = 0.3 // profiles without a published figure: a modest day-surgery programme
	if s.DaySurgeries > 0 && day > 0 {
		h.dayProb = math.Min(0.95, float64(s.DaySurgeries)/float64(s.Discharges)/day)
	}
}

// birthsPerDelivery accounts for twins (about 1.5% of deliveries).
const birthsPerDelivery = 1.015

func (dp *deptPlan) hasDeliveries(cat *catalog) bool {
	for _, c := range dp.cases {
		if cat.cases[c].Delivery {
			return true
		}
	}
	return false
}

// bisectLog finds x in [e^-8, e^8] with f(x) = 0 for an increasing f.
func bisectLog(f func(float64) float64) float64 {
	lo, hi := -8.0, 8.0
	for i := 0; i < 60; i++ {
		mid := (lo + hi) / 2
		if f(math.Exp(mid)) < 0 {
			lo = mid
		} else {
			hi = mid
		}
	}
	return math.Exp((lo + hi) / 2)
}
