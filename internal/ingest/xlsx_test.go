package ingest

import (
	"github.com/xuri/excelize/v2"
)

// writeTableXLSX writes rows of text to a new xlsx file.
func writeTableXLSX(path string, rows [][]string) error {
	f := excelize.NewFile()
	defer f.Close()
	for r, row := range rows {
		for c, v := range row {
			cell, err := excelize.CoordinatesToCellName(c+1, r+1)
			if err != nil {
				return err
			}
			if err := f.SetCellStr("Sheet1", cell, v); err != nil {
				return err
			}
		}
	}
	return f.SaveAs(path)
}
