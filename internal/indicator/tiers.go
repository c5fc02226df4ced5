package indicator

import "github.com/yardstick-health/yardstick/internal/drg"

// EstimateTiers classifies DRGs into the four low-risk tiers (1 低 … 4 高)
// from observed mortality, for use when the grouper supplies no national
// tier list. It is drg.Tiers (standardised ln of the continuity-corrected
// mortality (deaths+0.5)/(cases+1), population SD, z < −1 low): the DRG
// engine owns the rule, this adapts it to the fact columns. rates maps
// DRG → {deaths, cases}.
func EstimateTiers(rates map[string][2]float64) map[string]int {
	stats := make([]drg.MortalityStat, 0, len(rates))
	for d, r := range rates {
		stats = append(stats, drg.MortalityStat{DRG: d, Deaths: int(r[0]), Stays: int(r[1])})
	}
	out := make(map[string]int, len(rates))
	for d, t := range drg.Tiers(stats) {
		out[d] = int(t)
	}
	return out
}

// InternalWeights derives relative weights from the costs of grouped stays
// (drg.ComputeInternalWeights: outliers beyond 3 IQR trimmed per DRG, RW =
// mean cost of the DRG ÷ mean cost of all), for stays whose grouper gave no
// weight. costs maps DRG → the total costs of its stays.
func InternalWeights(costs map[string][]float64) map[string]float64 {
	var cs []drg.CaseCost
	for d, xs := range costs {
		for _, x := range xs {
			cs = append(cs, drg.CaseCost{DRG: d, Cost: x})
		}
	}
	return drg.ComputeInternalWeights(cs).RW
}
