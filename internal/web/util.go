package web

import (
	"sort"

	"github.com/yardstick-health/yardstick/internal/frontpage"
)

func sortedStrings(xs []string) []string {
	sort.Strings(xs)
	return xs
}

func sortGroups(gs []drgGroup) {
	sort.Slice(gs, func(i, j int) bool {
		if gs[i].N != gs[j].N {
			return gs[i].N > gs[j].N
		}
		return gs[i].DRG < gs[j].DRG
	})
}

func frontpageFields() []*frontpage.Field { return frontpage.Fields() }
