package web

import (
	"encoding/csv"
	"fmt"
	"net/http"

	"github.com/xuri/excelize/v2"

	"github.com/yardstick-health/yardstick/internal/store"
)

// maxExportRows bounds one export; Excel's sheet limit is 1,048,576 rows.
const maxExportRows = 200000

func isExport(r *http.Request) bool {
	f := r.URL.Query().Get("format")
	return f == "xlsx" || f == "csv"
}

// export writes rows as an Excel workbook or CSV (?format=xlsx|csv) and
// records the export in the audit log. Callers have already applied the
// caller's department scope and identity masking to rows.
func (s *Server) export(w http.ResponseWriter, r *http.Request, c *reqCtx, name string, header []string, rows [][]any) {
	format := r.URL.Query().Get("format")
	c.audit(r, store.AuditExport, name, fmt.Sprintf("%s, %d rows", format, len(rows)), true)
	if format == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
		// A BOM makes Excel open UTF-8 CSV with the Chinese intact.
		_, _ = w.Write([]byte("\ufeff"))
		cw := csv.NewWriter(w)
		_ = cw.Write(header)
		for _, row := range rows {
			rec := make([]string, len(row))
			for i, v := range row {
				rec[i] = fmt.Sprint(v)
			}
			_ = cw.Write(rec)
		}
		cw.Flush()
		return
	}
	f := excelize.NewFile()
	defer f.Close()
	sheet := "Sheet1"
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	hdr := make([]any, len(header))
	for i, h := range header {
		hdr[i] = h
	}
	if err := sw.SetRow("A1", hdr); err != nil {
		s.internalError(w, r, err)
		return
	}
	for i, row := range rows {
		cellName, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cellName, row); err != nil {
			s.internalError(w, r, err)
			return
		}
	}
	if err := sw.Flush(); err != nil {
		s.internalError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.xlsx"`)
	w.Header().Set("Cache-Control", "no-store")
	if err := f.Write(w); err != nil {
		s.log.Warn("export write failed", "name", name, "err", err)
	}
}
