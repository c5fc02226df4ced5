package synth

import (
	"math"
	"time"

	"github.com/yardstick-health/yardstick/internal/hospital"
)

// respDepts are the departments whose visits follow the winter respiratory
// season.
var respDepts = map[string]bool{"0301": true, "07": true, "0704": true, "20": true, "0712": true}

// TotalVisits is the year's target of outpatient + emergency visits.
func (h *Hospital) TotalVisits(year int) int {
	v := float64(h.Profile.Summary.Visits) * h.Scale * math.Pow(1+h.Profile.Growth.Visits, float64(year-h.Profile.RefYear))
	return int(math.Round(v))
}

// Visits returns daily outpatient, emergency and health-check visit counts
// by department for one year, ordered by date, department and type. Days
// with no visits are left out.
func (h *Hospital) Visits(year int) []hospital.VisitCount {
	p := h.Profile
	sea := &p.Seasonality
	total := float64(h.TotalVisits(year))
	emTotal := total * p.EmergencyVisitShare
	opTotal := total - emTotal
	var opSum, emSum float64
	for _, d := range p.Departments {
		opSum += d.OutpatientShr
		emSum += d.EmergencyShare
	}
	n := daysIn(year)
	start := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
	opW := dayWeights(year, sea, sea.OutpatientWeekday, false)
	opWResp := dayWeights(year, sea, sea.OutpatientWeekday, true)
	emW := dayWeights(year, sea, sea.WeekdayEmergency, false)
	emWResp := dayWeights(year, sea, sea.WeekdayEmergency, true)
	hcW := dayWeights(year, sea, [7]float64{1.3, 1.2, 1.1, 1.1, 1, 0.6, 0.1}, false)
	sum := func(w []float64) float64 {
		s := 0.0
		for _, x := range w {
			s += x
		}
		return s
	}
	type series struct {
		dept   string
		typ    hospital.VisitType
		annual float64
		w      []float64
		tot    float64
	}
	var all []series
	for _, d := range p.Departments {
		resp := respDepts[d.NationalCode]
		if d.OutpatientShr > 0 && opSum > 0 {
			w := opW
			if resp {
				w = opWResp
			}
			all = append(all, series{d.Code, hospital.Outpatient, opTotal * d.OutpatientShr / opSum, w, sum(w)})
		}
		if d.EmergencyShare > 0 && emSum > 0 {
			w := emW
			if resp {
				w = emWResp
			}
			all = append(all, series{d.Code, hospital.Emergency, emTotal * d.EmergencyShare / emSum, w, sum(w)})
		}
		if d.HealthCheck && p.HealthChecks > 0 {
			hc := float64(p.HealthChecks) * h.Scale * math.Pow(1+p.Growth.Visits, float64(year-p.RefYear))
			all = append(all, series{d.Code, hospital.HealthCheck, hc, hcW, sum(hcW)})
		}
	}
	r := newRNG(streamSeed(h.Seed, uint64(year), 0x7151), 5)
	out := make([]hospital.VisitCount, 0, n*len(all))
	for day := 0; day < n; day++ {
		date := start.AddDate(0, 0, day)
		for _, s := range all {
			exp := s.annual * s.w[day] / s.tot
			v := exp + math.Sqrt(exp)*r.norm() // Poisson-like day-to-day noise
			c := int(math.Round(v))
			if c <= 0 {
				continue
			}
			out = append(out, hospital.VisitCount{OrgCode: p.OrgCode, Date: date, Dept: s.dept, Type: s.typ, Visits: c})
		}
	}
	return out
}
