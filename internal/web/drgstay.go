package web

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/yardstick-health/yardstick/internal/frontpage"
)

// stayDRG fills the DRG result of a stay from drg_results and, when the
// grouping feature provides one, the rendered trace.
func (s *Server) stayDRG(ctx context.Context, id int64, st *frontpage.Stay, out *stayDetail) error {
	ti := s.drgInfo(ctx)
	if !ti.ok {
		return nil
	}
	cols := []string{"drg", "weight"}
	for _, c := range []string{"drg_name", "mdc", "adrg", "status", "scheme_id", "scheme_version", "tier", "cc_code", "reason", "trace"} {
		if ti.cols[c] {
			cols = append(cols, c)
		}
	}
	sel := ""
	for i, c := range cols {
		if i > 0 {
			sel += ", "
		}
		sel += "CAST(" + c + " AS VARCHAR)"
	}
	vals := make([]sql.NullString, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	err := s.db.SQL().QueryRowContext(ctx, `SELECT `+sel+` FROM drg_results WHERE stay_id = ? LIMIT 1`, id).Scan(ptrs...)
	if err == sql.ErrNoRows {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read DRG of stay %d: %w", id, err)
	}
	out.DRG = map[string]any{}
	for i, c := range cols {
		if c == "trace" {
			out.Trace = vals[i].String
			continue
		}
		out.DRG[c] = vals[i].String
	}
	return nil
}
