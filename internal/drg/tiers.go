package drg

// Tier is the low-risk tier (低风险组别) of a DRG.
type Tier uint8

const (
	TierUnknown Tier = iota
	TierLow          // z < -1   低风险
	TierMidLow       // -1 ≤ z < 0 中低风险
	TierMidHigh      // 0 ≤ z < 1  中高风险
	TierHigh         // z ≥ 1    高风险
)

var tierNames = [...]string{"", "low", "mid-low", "mid-high", "high"}
var tierZh = [...]string{"", "低风险", "中低风险", "中高风险", "高风险"}

func (t Tier) String() string {
	if int(t) < len(tierNames) {
		return tierNames[t]
	}
	return ""
}

// Chinese returns the Chinese tier name.
func (t Tier) Chinese() string {
	if int(t) < len(tierZh) {
		return tierZh[t]
	}
	return ""
}

// ParseTier accepts the English or Chinese tier name or the digits 1–4.
func ParseTier(s string) (Tier, bool) {
	switch s {
	case "low", "低风险", "1":
		return TierLow, true
	case "mid-low", "中低风险", "2":
		return TierMidLow, true
	case "mid-high", "中高风险", "3":
		return TierMidHigh, true
	case "high", "高风险", "4":
		return TierHigh, true
	}
	return TierUnknown, false
}

// WithTiers returns a copy of the scheme whose results carry the given tiers
// (e.g. computed by Tiers from reference mortality); DRGs absent from the
// map get TierUnknown. The receiver is not modified, so schemes stay
// immutable and safe to share.
func (s *Scheme) WithTiers(tiers map[string]Tier) *Scheme {
	cp := *s
	cp.drgs = make([]drgNode, len(s.drgs))
	copy(cp.drgs, s.drgs)
	for i := range cp.drgs {
		cp.drgs[i].tier = tiers[cp.drgs[i].code]
	}
	return &cp
}
