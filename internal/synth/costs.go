package synth

import (
	"math"

	"github.com/yardstick-health/yardstick/internal/frontpage"
)

// topItems are the cost items that add up to D01 (the "其中" items and D09
// are parts of them).
var topItems = func() []frontpage.CostItem {
	var out []frontpage.CostItem
	for c := frontpage.CostItem(0); c < frontpage.NumCostItems; c++ {
		if !c.IsSubItem() {
			out = append(out, c)
		}
	}
	return out
}()

type costShares [frontpage.NumCostItems]float64

func shares(kv map[frontpage.CostItem]float64) costShares {
	var s costShares
	for k, v := range kv {
		s[k] = v
	}
	return s
}

// Typical structure of the bill by kind of stay.
var (
	sharesMedical = shares(map[frontpage.CostItem]float64{
		frontpage.CostGeneralSvc: 0.07, frontpage.CostGeneralTreat: 0.05, frontpage.CostNursing: 0.05, frontpage.CostOtherSvc: 0.01,
		frontpage.CostLab: 0.15, frontpage.CostImaging: 0.10, frontpage.CostClinicalDx: 0.04, frontpage.CostNonSurgical: 0.07,
		frontpage.CostTCMTreat: 0.01, frontpage.CostWesternDrugs: 0.34, frontpage.CostPatentTCM: 0.03, frontpage.CostHerbal: 0.005,
		frontpage.CostAlbumin: 0.01, frontpage.CostExamMaterial: 0.02, frontpage.CostTreatMaterial: 0.05, frontpage.CostOther: 0.025})
	sharesSurgery = shares(map[frontpage.CostItem]float64{
		frontpage.CostGeneralSvc: 0.04, frontpage.CostGeneralTreat: 0.04, frontpage.CostNursing: 0.04, frontpage.CostOtherSvc: 0.01,
		frontpage.CostLab: 0.10, frontpage.CostImaging: 0.06, frontpage.CostClinicalDx: 0.02, frontpage.CostNonSurgical: 0.03,
		frontpage.CostSurgical: 0.20, frontpage.CostWesternDrugs: 0.21, frontpage.CostPatentTCM: 0.01,
		frontpage.CostExamMaterial: 0.02, frontpage.CostTreatMaterial: 0.05, frontpage.CostSurgMaterial: 0.12, frontpage.CostOther: 0.03})
	sharesIntervention = shares(map[frontpage.CostItem]float64{
		frontpage.CostGeneralSvc: 0.02, frontpage.CostGeneralTreat: 0.02, frontpage.CostNursing: 0.02, frontpage.CostOtherSvc: 0.005,
		frontpage.CostLab: 0.06, frontpage.CostImaging: 0.04, frontpage.CostClinicalDx: 0.04, frontpage.CostNonSurgical: 0.02,
		frontpage.CostSurgical: 0.12, frontpage.CostWesternDrugs: 0.10, frontpage.CostExamMaterial: 0.02,
		frontpage.CostTreatMaterial: 0.05, frontpage.CostSurgMaterial: 0.38, frontpage.CostOther: 0.02})
	sharesTherapy = shares(map[frontpage.CostItem]float64{
		frontpage.CostGeneralSvc: 0.04, frontpage.CostGeneralTreat: 0.05, frontpage.CostNursing: 0.04, frontpage.CostOtherSvc: 0.01,
		frontpage.CostLab: 0.10, frontpage.CostImaging: 0.06, frontpage.CostClinicalDx: 0.02, frontpage.CostNonSurgical: 0.18,
		frontpage.CostWesternDrugs: 0.38, frontpage.CostPatentTCM: 0.01, frontpage.CostCytokine: 0.01,
		frontpage.CostExamMaterial: 0.01, frontpage.CostTreatMaterial: 0.06, frontpage.CostOther: 0.02})
)

// baseCost is the expected total cost of a stay before random variation.
func baseCost(ct *CaseType, sk *skel) float64 {
	los := math.Max(1, float64(sk.los))
	total := ct.Cost * math.Pow(los/math.Max(1, ct.LOS), 0.6)
	total *= 1 + 0.12*float64(sk.nCC) + 0.35*float64(sk.nMCC)
	if sk.died {
		total *= 1.3
	}
	if sk.day {
		total *= 0.75
	}
	return total
}

// addCosts fills the cost items; expected is baseCost of the stay.
func (h *Hospital) addCosts(s *frontpage.Stay, ct *CaseType, sk *skel, expected, mult float64, r *rng) {
	total := math.Max(expected*mult*r.lognormMean1(0.3), 300)
	var base *costShares
	switch ct.Kind {
	case KindSurgery:
		base = &sharesSurgery
	case KindInterventional:
		base = &sharesIntervention
	case KindTherapeutic:
		base = &sharesTherapy
	default:
		base = &sharesMedical
	}
	w := *base
	nat := h.depts[sk.dept].prof.NationalCode
	switch nat {
	case "21":
		w[frontpage.CostRehab] += 0.35
	case "50":
		w[frontpage.CostTCMTreat] += 0.25
		w[frontpage.CostHerbal] += 0.10
		w[frontpage.CostPatentTCM] += 0.05
	}
	if ct.Morphology != "" && (ct.Kind == KindSurgery || ct.Kind == KindDiagnostic) {
		w[frontpage.CostPathology] += 0.02
	}
	if (ct.Level == "4" && ct.Kind == KindSurgery && r.chance(0.35)) || sk.nMCC > 0 && r.chance(0.2) || nat == "0305" && r.chance(0.5) {
		w[frontpage.CostBlood] += 0.04
	}
	if sk.nMCC > 0 && r.chance(0.3) {
		w[frontpage.CostAlbumin] += 0.03
		w[frontpage.CostGlobulin] += 0.01
	}
	sum := 0.0
	for _, c := range topItems {
		if w[c] > 0 {
			w[c] *= 0.6 + 0.8*r.float() // cheap jitter: 24 items per stay
			sum += w[c]
		}
	}
	cents := int64(math.Round(total * 100))
	var used int64
	last := frontpage.CostOther
	for _, c := range topItems {
		var v int64
		if w[c] > 0 && c != last {
			v = int64(float64(cents) * w[c] / sum)
		}
		used += v
		s.Costs[c] = frontpage.Some(float64(v) / 100)
	}
	// The remainder goes to 其他费 so the items add up to D01 to the cent.
	s.Costs[last] = frontpage.Some(float64(cents-used) / 100)
	s.Costs[frontpage.CostTotal] = frontpage.Some(float64(cents) / 100)
	part := func(parent frontpage.CostItem, lo, hi float64) frontpage.Opt[float64] {
		v := s.Costs[parent].V * (lo + (hi-lo)*r.float())
		return frontpage.Some(math.Floor(v*100) / 100)
	}
	s.Costs[frontpage.CostPhysio] = frontpage.Some(0.0)
	if nat == "21" || nat == "50" {
		s.Costs[frontpage.CostPhysio] = part(frontpage.CostNonSurgical, 0.2, 0.6)
	}
	s.Costs[frontpage.CostAnaesthesia] = frontpage.Some(0.0)
	s.Costs[frontpage.CostOperation] = frontpage.Some(0.0)
	if s.Costs[frontpage.CostSurgical].V > 0 {
		if ct.Anaesthesia != "" {
			s.Costs[frontpage.CostAnaesthesia] = part(frontpage.CostSurgical, 0.12, 0.25)
		}
		s.Costs[frontpage.CostOperation] = part(frontpage.CostSurgical, 0.55, 0.72)
	}
	abx := 0.05
	if ct.Kind == KindSurgery || ct.Dx[0] == 'J' || ct.Dx[0] == 'A' || ct.Dx[:3] == "N39" {
		abx = 0.3
	}
	s.Costs[frontpage.CostAntibiotics] = part(frontpage.CostWesternDrugs, abx*0.3, abx)
	self := 0.1 + 0.25*r.float()
	if s.Payment == "7" {
		self = 1
	}
	s.Costs[frontpage.CostSelfPaid] = frontpage.Some(math.Floor(float64(cents)*self) / 100)
}
