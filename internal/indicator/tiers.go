package indicator

import "math"

// EstimateTiers classifies DRGs into the four low-risk tiers from observed
// mortality, for use when the grouper supplies no national tier list. The
// rule (standards notes §1.3, constants to verify against the manual): z is
// the standardised natural log of the DRG's in-hospital mortality over the
// DRGs with at least one death (population SD); z < −1 低风险 (1), −1 ≤ z < 0
// 中低 (2), 0 ≤ z < 1 中高 (3), z ≥ 1 高 (4). A DRG without deaths has
// ln mortality −∞ and is therefore 低风险. rates maps DRG → {deaths, cases}.
func EstimateTiers(rates map[string][2]float64) map[string]int {
	var logs []float64
	for _, r := range rates {
		if r[0] > 0 && r[1] > 0 {
			logs = append(logs, math.Log(r[0]/r[1]))
		}
	}
	out := make(map[string]int, len(rates))
	mean, sd := 0.0, 0.0
	for _, l := range logs {
		mean += l
	}
	if len(logs) > 0 {
		mean /= float64(len(logs))
		for _, l := range logs {
			sd += (l - mean) * (l - mean)
		}
		sd = math.Sqrt(sd / float64(len(logs)))
	}
	for d, r := range rates {
		if r[1] <= 0 {
			continue
		}
		if r[0] <= 0 {
			out[d] = 1
			continue
		}
		z := 0.0
		if sd > 0 {
			z = (math.Log(r[0]/r[1]) - mean) / sd
		}
		switch {
		case z < -1:
			out[d] = 1
		case z < 0:
			out[d] = 2
		case z < 1:
			out[d] = 3
		default:
			out[d] = 4
		}
	}
	return out
}
