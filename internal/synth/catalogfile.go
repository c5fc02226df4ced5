package synth

import (
	"encoding/csv"
	"fmt"
	"os"
	"sort"
)

// CategoryFile is the procedure-category catalogue written beside the
// generated front pages.
const CategoryFile = "catalog_procedure_category.csv"

// categoryLabel is the 国家临床版3.0 类别 of each procedure kind.
var categoryLabel = map[string]string{
	KindSurgery:        "手术",
	KindInterventional: "介入治疗",
	KindTherapeutic:    "治疗性操作",
	KindDiagnostic:     "诊断性操作",
}

// WriteProcedureCategories writes the 类别 of every procedure code the
// generator uses, in the `yardstick catalog import procedure_category`
// format (编码, 名称, 类别). A real hospital takes this from the 国家临床版3.0
// catalogue; the synthetic hospital ships its own so that the indicator
// engine counts operations the way the profile's published figures do.
func WriteProcedureCategories(path string) (err error) {
	codes, err := Codes()
	if err != nil {
		return err
	}
	sort.Slice(codes, func(i, j int) bool { return codes[i].Code < codes[j].Code })
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write procedure categories: %w", err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("write procedure categories: %w", cerr)
		}
	}()
	w := csv.NewWriter(f)
	if err := w.Write([]string{"编码", "名称", "类别"}); err != nil {
		return fmt.Errorf("write procedure categories: %w", err)
	}
	for _, c := range codes {
		label := categoryLabel[ProcedureKind(c.Code)]
		if c.System != "px" || label == "" {
			continue
		}
		if err := w.Write([]string{c.Code, c.Name, label}); err != nil {
			return fmt.Errorf("write procedure categories: %w", err)
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return fmt.Errorf("write procedure categories: %w", err)
	}
	return nil
}
