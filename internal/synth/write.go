package synth

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	"github.com/yardstick-health/yardstick/internal/frontpage"
	"github.com/yardstick-health/yardstick/internal/hospital"
	"github.com/yardstick-health/yardstick/internal/ingest"
)

// Config describes one generation run.
type Config struct {
	Profile  string  // embedded profile name (see Profiles)
	Years    []int   // years to generate, e.g. 2020, 2021
	Seed     uint64  // same seed, same bytes
	Scale    float64 // volume multiplier (0 = 1)
	Defects  float64 // share of stays with one injected defect (0 = clean)
	Format   string  // "csv" (default) or "xlsx" for front pages
	Encoding string  // "utf-8" (default) or "gbk"
	Headers  string  // CSV header style: "code" (default, national field codes), "chinese" or "pinyin"
	MaxDx    int     // other-diagnosis column groups (0 = DefaultMaxDx)
	MaxPx    int     // other-procedure column groups (0 = DefaultMaxPx)
	Workers  int     // 0 = GOMAXPROCS
}

// Result summarises a run: the files written and the figures of each year.
type Result struct {
	Profile   string         `json:"profile"`
	Seed      uint64         `json:"seed"`
	Scale     float64        `json:"scale"`
	Published Summary        `json:"published_summary"`
	RefYear   int            `json:"ref_year"`
	Years     []YearResult   `json:"years"`
	Files     []string       `json:"files"`
	Defects   map[string]int `json:"defects,omitempty"`
}

// YearResult holds the generated figures of one year.
type YearResult struct {
	Year        int       `json:"year"`
	Stats       YearStats `json:"stats"`
	MeanLOS     float64   `json:"mean_los"`
	Visits      int       `json:"visits"`       // outpatient + emergency
	HealthCheck int       `json:"health_check"` // kept apart
}

// File names inside the output directory.
const (
	DepartmentsFile = "departments.csv"
	TruthFile       = "defects_truth.csv"
	ManifestFile    = "manifest.json"
)

// FrontPageFile returns the front-page file name of a year.
func FrontPageFile(year int, format string) string {
	if format == "xlsx" {
		return fmt.Sprintf("frontpages_%d.xlsx", year)
	}
	return fmt.Sprintf("frontpages_%d.csv", year)
}

// VisitsFile returns the visits file name of a year.
func VisitsFile(year int) string { return fmt.Sprintf("visits_%d.csv", year) }

func (c *Config) normalise() error {
	if c.Scale == 0 {
		c.Scale = 1
	}
	if c.Format == "" {
		c.Format = "csv"
	}
	if c.Encoding == "" {
		c.Encoding = "utf-8"
	}
	c.Encoding = strings.ToLower(c.Encoding)
	if c.Encoding == "utf8" {
		c.Encoding = "utf-8"
	}
	if c.Headers == "" {
		c.Headers = "code"
	}
	if c.MaxDx == 0 {
		c.MaxDx = DefaultMaxDx
	}
	if c.MaxPx == 0 {
		c.MaxPx = DefaultMaxPx
	}
	switch {
	case c.Format != "csv" && c.Format != "xlsx":
		return fmt.Errorf("格式只能是 csv 或 xlsx format must be csv or xlsx, got %q", c.Format)
	case c.Encoding != "utf-8" && c.Encoding != "gbk":
		return fmt.Errorf("编码只能是 utf-8 或 gbk encoding must be utf-8 or gbk, got %q", c.Encoding)
	case c.Headers != "code" && c.Headers != "chinese" && c.Headers != "pinyin":
		return fmt.Errorf("表头只能是 code、chinese 或 pinyin headers must be code, chinese or pinyin, got %q", c.Headers)
	case c.Headers != "code" && c.Format == "xlsx":
		return fmt.Errorf("xlsx 文件只用字段代码表头 xlsx files use code headers only")
	case len(c.Years) == 0:
		return fmt.Errorf("至少需要一个年份 at least one year is required")
	case c.MaxDx < 1 || c.MaxDx > frontpage.MaxOtherDiagnoses || c.MaxPx < 1 || c.MaxPx > frontpage.MaxOtherProcedures:
		return fmt.Errorf("诊断/手术列数超出范围 max dx/px columns out of range")
	}
	return nil
}

// Generate writes a synthetic hospital into dir: the department dictionary,
// one front-page file and one visits file per year, the defect truth file and
// a manifest with the generated and published figures.
func Generate(ctx context.Context, cfg Config, dir string) (*Result, error) {
	if err := cfg.normalise(); err != nil {
		return nil, err
	}
	p, err := LoadProfile(cfg.Profile)
	if err != nil {
		return nil, err
	}
	h, err := NewHospital(p, cfg.Seed, cfg.Scale)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	res := &Result{Profile: p.Name, Seed: cfg.Seed, Scale: cfg.Scale, Published: p.Summary, RefYear: p.RefYear}
	add := func(name string) { res.Files = append(res.Files, name) }
	if err := writeFile(filepath.Join(dir, DepartmentsFile), cfg.Encoding, func(w io.Writer) error {
		return WriteDepartments(w, h.Profile.DepartmentList())
	}); err != nil {
		return nil, err
	}
	add(DepartmentsFile)
	var defects []Defect
	cols := Columns(cfg.MaxDx, cfg.MaxPx)
	for _, year := range cfg.Years {
		yr := YearResult{Year: year}
		name := FrontPageFile(year, cfg.Format)
		path := filepath.Join(dir, name)
		opt := StreamOptions{DefectRate: cfg.Defects, Stats: &yr.Stats, Workers: cfg.Workers}
		switch {
		case cfg.Format == "xlsx":
			err = writeXLSX(ctx, h, year, opt, cols, path, &defects)
		case cfg.Headers != "code":
			// Chinese or pinyin headers: the importer's own writer, so the
			// header spellings are exactly the ones it reads.
			err = writeFile(path, cfg.Encoding, func(w io.Writer) error {
				iw, err := ingest.NewCSVWriter(w, ingest.WriteOptions{Headers: cfg.Headers, MaxDx: cfg.MaxDx, MaxPx: cfg.MaxPx})
				if err != nil {
					return err
				}
				line := 1
				err = h.Stays(ctx, year, opt, func(s *frontpage.Stay, d *Defect) error {
					line++
					if d != nil {
						dd := *d
						dd.Line = line
						defects = append(defects, dd)
					}
					return iw.Write(s)
				})
				if err != nil {
					return err
				}
				return iw.Flush()
			})
		default:
			err = writeFile(path, cfg.Encoding, func(w io.Writer) error {
				return h.WriteCSV(ctx, year, opt, cols, w, func(d Defect) { defects = append(defects, d) })
			})
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		add(name)
		yr.MeanLOS = yr.Stats.MeanLOS()
		visits := h.Visits(year)
		for _, v := range visits {
			if v.Type == hospital.HealthCheck {
				yr.HealthCheck += v.Visits
			} else {
				yr.Visits += v.Visits
			}
		}
		vname := VisitsFile(year)
		if err := writeFile(filepath.Join(dir, vname), cfg.Encoding, func(w io.Writer) error { return WriteVisits(w, visits) }); err != nil {
			return nil, err
		}
		add(vname)
		res.Years = append(res.Years, yr)
	}
	if err := writeFile(filepath.Join(dir, TruthFile), "utf-8", func(w io.Writer) error { return WriteTruth(w, defects, cfg.Format) }); err != nil {
		return nil, err
	}
	add(TruthFile)
	if len(defects) > 0 {
		res.Defects = map[string]int{}
		for _, d := range defects {
			res.Defects[d.Kind]++
		}
	}
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, ManifestFile), append(b, '\n'), 0o644); err != nil {
		return nil, fmt.Errorf("write manifest: %w", err)
	}
	add(ManifestFile)
	return res, nil
}

// writeFile creates path and hands fn a writer in the requested encoding.
func writeFile(path, enc string, fn func(io.Writer) error) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close %s: %w", path, cerr)
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<20)
	var w io.Writer = bw
	var tw *transform.Writer
	if enc == "gbk" {
		// characters GBK cannot hold (only in injected mojibake) become '?'
		tw = transform.NewWriter(bw, encoding.ReplaceUnsupported(simplifiedchinese.GBK.NewEncoder()))
		w = tw
	}
	if err := fn(w); err != nil {
		return err
	}
	if tw != nil {
		if err := tw.Close(); err != nil {
			return fmt.Errorf("encode %s: %w", path, err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func writeXLSX(ctx context.Context, h *Hospital, year int, opt StreamOptions, cols []*frontpage.Field, path string, defects *[]Defect) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := "Sheet1"
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	row := make([]any, len(cols))
	for i, c := range cols {
		row[i] = c.Code
	}
	if err := sw.SetRow("A1", row); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	line := 1
	err = h.Stays(ctx, year, opt, func(s *frontpage.Stay, d *Defect) error {
		line++
		if d != nil {
			d.Line = line
			*defects = append(*defects, *d)
		}
		for i, c := range cols {
			row[i] = c.Get(s) // text cells: codes such as 0301 must keep their leading zero
		}
		cell, err := excelize.CoordinatesToCellName(1, line)
		if err != nil {
			return err
		}
		return sw.SetRow(cell, row)
	})
	if err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	if err := f.SaveAs(path); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	return nil
}

func csvRow(w *bufio.Writer, cells ...string) {
	for i, c := range cells {
		if i > 0 {
			w.WriteByte(',')
		}
		w.Write(appendText(nil, c))
	}
	w.WriteString("\r\n")
}

// WriteDepartments writes the department dictionary with Chinese headers
// (format in internal/hospital).
func WriteDepartments(w io.Writer, depts []hospital.Department) error {
	bw := bufio.NewWriter(w)
	csvRow(bw, "机构代码", "科室代码", "科室名称", "上级科室代码", "科室类型", "国家科别代码", "床位数")
	kinds := map[hospital.DeptKind]string{hospital.Clinical: "临床", hospital.MedTech: "医技", hospital.Admin: "行政"}
	for _, d := range depts {
		beds := ""
		if d.Beds > 0 {
			beds = strconv.Itoa(d.Beds)
		}
		csvRow(bw, d.OrgCode, d.Code, d.Name, d.ParentCode, kinds[d.Kind], d.NationalCode, beds)
	}
	return bw.Flush()
}

// WriteVisits writes daily visit counts with Chinese headers (format in
// internal/hospital).
func WriteVisits(w io.Writer, visits []hospital.VisitCount) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	csvRow(bw, "机构代码", "日期", "科室代码", "就诊类型", "人次")
	types := map[hospital.VisitType]string{hospital.Outpatient: "门诊", hospital.Emergency: "急诊", hospital.HealthCheck: "健康体检"}
	var b []byte
	for _, v := range visits {
		b = b[:0]
		b = appendText(b, v.OrgCode)
		b = append(b, ',')
		b = appendDate(b, v.Date)
		b = append(b, ',')
		b = appendText(b, v.Dept)
		b = append(b, ',')
		b = append(b, types[v.Type]...)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(v.Visits), 10)
		b = append(b, '\r', '\n')
		bw.Write(b)
	}
	return bw.Flush()
}

// WriteTruth writes the injected defects: one row per defect with the stay
// key, the line in the year's front-page file, the field and the kind.
func WriteTruth(w io.Writer, defects []Defect, format string) error {
	bw := bufio.NewWriter(w)
	csvRow(bw, "file", "line", "org_code", "mrn", "admission_no", "field", "kind")
	for _, d := range defects {
		csvRow(bw, FrontPageFile(d.Year, format), strconv.Itoa(d.Line), d.OrgCode, d.MRN, strconv.Itoa(d.AdmissionNo), d.Field, d.Kind)
	}
	return bw.Flush()
}
