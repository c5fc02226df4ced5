package report

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func renderHTML(t testing.TB, d *Data, tmpl *Template) string {
	t.Helper()
	var buf bytes.Buffer
	if err := RenderHTML(&buf, d, tmpl); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestHTMLContent(t *testing.T) {
	html := renderHTML(t, Sample(2021), nil)
	for _, want := range []string{
		"<title>示例市第一人民医院2021年度运行分析报告</title>",
		"一、总体情况", "二、主要指标完成情况", "三、科室运行情况", "四、DRG 病例组合分析", "五、病案首页质量", "六、说明",
		// the headline sentence, verbatim
		"全年共完成门急诊量 260.72 万人次，同比增长 4.36%；出院 15.95 万人次，同比增长 4.87%；",
		"平均住院日 7.8 天，较上年下降 0.5 天。",
		// a key-indicator row: value, prior, coloured change, numerator/denominator
		`<td class="num">39.12%</td><td class="num">37.80%</td><td class="num good">↑1.32个百分点</td>`,
		"37438／95700",
		`<td class="num bad">↑2.29%</td>`, // 次均费用 up is bad
		"国考6",
		"心血管内科", "阴道分娩，不伴并发症与合并症", "主要诊断选择不符合原则",
		"<svg", "@page", "Noto Serif CJK SC",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	// Self-contained: no external resources.
	for _, bad := range []string{"<script", "src=\"http", "href=\"http", "<link", "NaN", "%!"} {
		if strings.Contains(html, bad) {
			t.Errorf("HTML contains %q", bad)
		}
	}
}

func TestHTMLSectionsRenumberWhenOmitted(t *testing.T) {
	d := &Data{Hospital: "甲医院", Year: 2021, Headline: []Figure{{Key: KeyDischarges, Name: "出院人次", Unit: "人次", Kind: Count, Value: V(8000)}}}
	html := renderHTML(t, d, nil)
	// No tables and no departments: DRG becomes section 二, quality 三, notes 四.
	for _, want := range []string{"一、总体情况", "二、DRG 病例组合分析", "三、病案首页质量", "四、说明", "本年度病例尚未进行 DRG 分组", "尚无病案首页质控结果"} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	if strings.Contains(html, "主要指标完成情况") || strings.Contains(html, "五、") {
		t.Error("empty sections rendered")
	}
	// Rendering twice gives the same numbering (the counter is per render).
	if again := renderHTML(t, d, nil); again != html {
		t.Error("second render differs")
	}
}

func TestHTMLEscapesData(t *testing.T) {
	d := &Data{Hospital: `<script>alert(1)</script>医院`, Year: 2021,
		Departments: []DeptRow{{Name: `<b>科</b>`, Discharges: V(10)}},
		Charts:      []Chart{{ID: "dept_discharges", Title: "<i>t</i>", Kind: HBars, Labels: []string{"<x>"}, Series: []Series{{Name: "s", Values: []Value{V(1)}}}}}}
	html := renderHTML(t, d, nil)
	if strings.Contains(html, "<script>alert") || strings.Contains(html, "<b>科") || strings.Contains(html, "<i>t") || strings.Contains(html, "<x>") {
		t.Error("data not escaped")
	}
}

func TestCustomTemplate(t *testing.T) {
	tests := []struct {
		name, text, want, err string
	}{
		{"sections and helpers", `{{sec}}、{{.Hospital}} {{sec}}、{{(.Fig "avg_los").Text}} {{with .Fig "avg_los"}}{{.Change.Phrase}}{{end}} {{cn 12}} {{fmtv (.Fig "cmi").Value 3 ""}}`,
			"一、示例市第一人民医院 二、7.8 天 较上年下降 0.5 天 十二 1.050", ""},
		{"narrative", `{{range .Narrative}}{{.}}|{{end}}`, "全年共完成门急诊量 260.72 万人次", ""},
		{"chart by id", `{{with .Chart "monthly_discharges"}}{{.SVG}}{{end}}`, "<svg", ""},
		{"missing key is empty", `[{{(.Fig "nope").Text}}]`, "[—]", ""},
		{"parse error", `{{if}}`, "", "parse report template"},
		{"unknown function", `{{nosuch}}`, "", "nosuch"},
	}
	for _, tt := range tests {
		tmpl, err := ParseTemplate("t.tmpl", tt.text)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: err %v, want %q", tt.name, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got := renderHTML(t, Sample(2021), tmpl); !strings.Contains(got, tt.want) {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
	// An execution error (field that does not exist) is an error, and nothing is written.
	tmpl, err := ParseTemplate("bad.tmpl", `before {{.NoSuchField}}`)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := RenderHTML(&buf, Sample(2021), tmpl); err == nil || buf.Len() != 0 {
		t.Errorf("bad field: err %v, %d bytes written", err, buf.Len())
	}
	// The default template round-trips through ParseTemplate (what `report template` exports).
	def, err := ParseTemplate("default", DefaultTemplate())
	if err != nil {
		t.Fatal(err)
	}
	if renderHTML(t, Sample(2021), def) != renderHTML(t, Sample(2021), nil) {
		t.Error("exported default template renders differently from the built-in one")
	}
}

func TestSVGWellFormed(t *testing.T) {
	d := Sample(2021)
	d.Charts = append(d.Charts,
		Chart{ID: "gaps", Title: "有缺失 & 负值", Kind: Lines, Labels: []string{"1月", "2月", "3月", "4月"},
			Series: []Series{{Name: "a", Values: []Value{V(1), Missing, V(-2), V(3)}}}},
		Chart{ID: "neg", Title: "负值", Kind: Bars, Labels: []string{"a", "b"}, Series: []Series{{Name: "x", Values: []Value{V(-5), V(10)}}}},
	)
	for _, c := range d.Charts {
		svg := string(c.SVG())
		dec := xml.NewDecoder(strings.NewReader(svg))
		for {
			_, err := dec.Token()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("chart %s: SVG not well-formed: %v\n%s", c.ID, err, svg)
			}
		}
		if strings.Contains(svg, "NaN") || strings.Contains(svg, "Inf") {
			t.Errorf("chart %s has NaN/Inf coordinates", c.ID)
		}
	}
	// A missing month splits the line instead of dropping to zero: two polylines.
	if n := strings.Count(string(d.Chart("gaps").SVG()), "<polyline"); n != 1 {
		// points 1 | gap | 3,4 → only the second run has two points
		t.Errorf("gap chart has %d polylines, want 1", n)
	}
	empty := Chart{Title: "空", Kind: Bars, Labels: []string{"a"}, Series: []Series{{Name: "x", Values: []Value{Missing}}}}
	if got := string(empty.SVG()); !strings.Contains(got, "暂无数据") || strings.Contains(got, "<svg") {
		t.Errorf("empty chart: %s", got)
	}
}

func TestNiceStep(t *testing.T) {
	for _, tt := range []struct{ max, want float64 }{{100, 20}, {233000, 50000}, {7.8, 2}, {0, 1}, {1.2, 0.25}} {
		if got := niceStep(tt.max, 5); got != tt.want {
			t.Errorf("niceStep(%v) = %v, want %v", tt.max, got, tt.want)
		}
	}
}

// docxParts unzips a .docx and checks every XML part is well-formed.
func docxParts(t *testing.T, b []byte) map[string]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("docx is not a zip: %v", err)
	}
	parts := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		parts[f.Name] = string(data)
		dec := xml.NewDecoder(bytes.NewReader(data))
		for {
			_, err := dec.Token()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s not well-formed: %v", f.Name, err)
			}
		}
	}
	return parts
}

func TestDOCX(t *testing.T) {
	d := Sample(2021)
	d.Hospital = "甲&乙<医院>" // must be escaped
	var buf bytes.Buffer
	if err := RenderDOCX(&buf, d); err != nil {
		t.Fatal(err)
	}
	parts := docxParts(t, buf.Bytes())
	for _, p := range []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/styles.xml", "word/_rels/document.xml.rels", "docProps/core.xml"} {
		if _, ok := parts[p]; !ok {
			t.Errorf("docx lacks %s", p)
		}
	}
	doc := parts["word/document.xml"]
	// Text of the document, runs joined per paragraph.
	text := regexp.MustCompile(`<[^>]+>`).ReplaceAllString(strings.ReplaceAll(doc, "</w:p>", "\n"), "")
	for _, want := range []string{
		"全年共完成门急诊量 260.72 万人次，同比增长 4.36%；出院 15.95 万人次，同比增长 4.87%；手术 9.57 万例次，同比增长 6.22%，其中四级手术占比 39.12%，微创手术占比 21.35%；日间手术 3407 例次，同比增长 21.20%；平均住院日 7.8 天，较上年下降 0.5 天。",
		"一、总体情况", "六、说明", "甲&amp;乙&lt;医院&gt;",
		"表1　主要数据", "↑1.32个百分点", "37438／95700", "各月出院人次（同比）（单位：人次）",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("document.xml lacks %q", want)
		}
	}
	if !strings.Contains(doc, `<w:pStyle w:val="Heading1"/>`) || !strings.Contains(doc, "<w:tbl>") || !strings.Contains(doc, "<w:tblHeader/>") {
		t.Error("document.xml lacks headings or tables")
	}
	if !strings.Contains(doc, `<w:color w:val="2E7D32"/>`) || !strings.Contains(doc, `<w:color w:val="C62828"/>`) {
		t.Error("changes are not coloured good/bad")
	}
	if !strings.Contains(parts["[Content_Types].xml"], "wordprocessingml.document.main+xml") {
		t.Error("content types lack the main document")
	}
}

// TestDOCXOpensInLibreOffice converts the .docx with LibreOffice when it is
// installed, the check that Word-compatible software accepts the file.
func TestDOCXOpensInLibreOffice(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("LibreOffice (soffice) not installed: apt-get install -y libreoffice-writer-nogui")
	}
	if testing.Short() {
		t.Skip("slow: starts LibreOffice")
	}
	dir := t.TempDir()
	var buf bytes.Buffer
	if err := RenderDOCX(&buf, Sample(2021)); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "r.docx")
	if err := os.WriteFile(in, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(soffice, "--headless", "-env:UserInstallation=file://"+filepath.Join(dir, "lo"), "--convert-to", "txt:Text", "--outdir", dir, in)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	txt, err := os.ReadFile(filepath.Join(dir, "r.txt"))
	if err != nil {
		t.Fatalf("LibreOffice did not convert the docx: %v", err)
	}
	if !strings.Contains(string(txt), "全年共完成门急诊量 260.72 万人次") || !strings.Contains(string(txt), "心血管内科") {
		t.Errorf("LibreOffice text lacks the report content:\n%.500s", txt)
	}
}

func TestPDF(t *testing.T) {
	browser, err := FindBrowser()
	if err != nil {
		t.Skip("no headless browser: " + err.Error())
	}
	if testing.Short() {
		t.Skip("slow: starts Chromium")
	}
	var buf bytes.Buffer
	if err := RenderPDF(context.Background(), &buf, Sample(2021), nil, browser); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) || buf.Len() < 10000 {
		t.Errorf("not a PDF: %d bytes starting %q", buf.Len(), buf.Bytes()[:min(8, buf.Len())])
	}
}

func TestPDFNoBrowser(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	err := RenderPDF(context.Background(), io.Discard, Sample(2021), nil, "")
	if !errors.Is(err, ErrNoBrowser) || !strings.Contains(err.Error(), "apt-get install -y chromium") {
		t.Errorf("err %v, want ErrNoBrowser naming the package", err)
	}
	// A browser that fails is reported with its name, not as a missing PDF.
	err = RenderPDF(context.Background(), io.Discard, Sample(2021), nil, "/bin/false")
	if err == nil || !strings.Contains(err.Error(), "false") {
		t.Errorf("failing browser: %v", err)
	}
}

// BenchmarkRender measures a full-size report (30 departments, 20 DRGs,
// 15 rules, 4 charts): HTML, and the .docx.
func BenchmarkRender(b *testing.B) {
	d := Sample(2021)
	b.Run("html", func(b *testing.B) {
		for b.Loop() {
			if err := RenderHTML(io.Discard, d, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("docx", func(b *testing.B) {
		for b.Loop() {
			if err := RenderDOCX(io.Discard, d); err != nil {
				b.Fatal(err)
			}
		}
	})
}
