package web

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/yardstick-health/yardstick/internal/frontpage"
)

// stayDRG fills the DRG result of a stay: the normalised group from
// stay_facts and, when the grouper stored them, the name, status and trace
// from drg_results.
func (s *Server) stayDRG(ctx context.Context, id int64, st *frontpage.Stay, lang string, out *stayDetail) error {
	if !s.drgInfo(ctx).ok {
		return nil
	}
	var grouped sql.NullBool
	var drg, mdc sql.NullString
	var weight, costRatio, losRatio sql.NullFloat64
	var tier sql.NullInt64
	err := s.db.SQL().QueryRowContext(ctx, `SELECT grouped, drg, mdc, weight, tier, cost_ratio, los_ratio FROM stay_facts WHERE stay_id = ?`, id).
		Scan(&grouped, &drg, &mdc, &weight, &tier, &costRatio, &losRatio)
	if err == sql.ErrNoRows {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read DRG of stay %d: %w", id, err)
	}
	out.DRG = map[string]any{"grouped": grouped.Bool, "drg": drg.String, "mdc": mdc.String, "weight": weight.Float64,
		"tier": tier.Int64, "cost_ratio": costRatio.Float64, "los_ratio": losRatio.Float64}
	ti := s.tableInfo(ctx, "drg_results", "stay_id")
	if !ti.hasCols {
		return nil
	}
	var cols []string
	for _, c := range []string{"drg_name", "status", "scheme_id", "scheme_version", "reason", "cc_code", "cc_level", "adrg", "tier", "weight_source"} {
		if ti.cols[c] {
			cols = append(cols, c)
		}
	}
	if len(cols) > 0 {
		sel := make([]string, len(cols))
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i, c := range cols {
			sel[i] = "CAST(" + c + " AS VARCHAR)"
			ptrs[i] = &vals[i]
		}
		err := s.db.SQL().QueryRowContext(ctx, `SELECT `+strings.Join(sel, ", ")+` FROM drg_results WHERE stay_id = ? LIMIT 1`, id).Scan(ptrs...)
		if err != nil && err != sql.ErrNoRows {
			return fmt.Errorf("read DRG of stay %d: %w", id, err)
		}
		for i, c := range cols {
			out.DRG[c] = vals[i].String
		}
	}
	if sid, ok := out.DRG["scheme_id"].(string); ok && sid != "" {
		tr, err := s.stayTrace(ctx, id, st, sid, lang)
		if err != nil {
			// The pack may have been removed since grouping: say so.
			out.Trace = "无法重现分组过程 cannot replay the grouping: " + err.Error()
		} else {
			out.Trace = tr
		}
	}
	return nil
}
