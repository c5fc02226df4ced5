package report

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
)

// The .docx is written by hand (archive/zip + WordprocessingML) because
// hospital offices edit the annual report in Word or WPS, and a generated
// document with real headings, paragraphs and tables is what they can edit.
// It follows the content of the built-in HTML template; charts are given as
// tables of their figures (Word charts need an embedded workbook per chart,
// which is out of proportion here). An edited HTML template does not change
// the .docx: the .docx itself is the editable form.

// RenderDOCX writes the report as an Office Open XML document.
func RenderDOCX(w io.Writer, d *Data) error {
	var body docBody
	body.build(d)
	files := []struct{ name, data string }{
		{"[Content_Types].xml", docxContentTypes},
		{"_rels/.rels", docxRootRels},
		{"word/_rels/document.xml.rels", docxDocRels},
		{"word/styles.xml", docxStyles},
		{"word/settings.xml", docxSettings},
		{"docProps/core.xml", docxCore(d)},
		{"docProps/app.xml", docxApp},
		{"word/document.xml", body.document()},
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		fw, err := zw.Create(f.name)
		if err != nil {
			return fmt.Errorf("docx %s: %w", f.name, err)
		}
		if _, err := io.WriteString(fw, f.data); err != nil {
			return fmt.Errorf("docx %s: %w", f.name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("docx: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write docx: %w", err)
	}
	return nil
}

func xesc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// docBody accumulates the <w:body> content.
type docBody struct {
	b   strings.Builder
	sec int
	tab int
}

// run is one text run; color is a hex RGB or "".
type run struct {
	text  string
	bold  bool
	color string
}

func (r run) xml() string {
	var p strings.Builder
	p.WriteString("<w:r>")
	if r.bold || r.color != "" {
		p.WriteString("<w:rPr>")
		if r.bold {
			p.WriteString("<w:b/>")
		}
		if r.color != "" {
			p.WriteString(`<w:color w:val="` + r.color + `"/>`)
		}
		p.WriteString("</w:rPr>")
	}
	p.WriteString(`<w:t xml:space="preserve">` + xesc(r.text) + `</w:t></w:r>`)
	return p.String()
}

// para writes a paragraph with a style id ("" = Normal) and runs.
func (db *docBody) para(style string, runs ...run) {
	db.b.WriteString("<w:p>")
	if style != "" {
		db.b.WriteString(`<w:pPr><w:pStyle w:val="` + style + `"/></w:pPr>`)
	}
	for _, r := range runs {
		db.b.WriteString(r.xml())
	}
	db.b.WriteString("</w:p>")
}

func (db *docBody) text(style, s string) { db.para(style, run{text: s}) }

func (db *docBody) heading(title string) {
	db.sec++
	db.text("Heading1", chineseNumeral(db.sec)+"、"+title)
}

// cell is one table cell; right aligns numbers.
type cell struct {
	run
	right bool
}

func c(s string) cell  { return cell{run: run{text: s}} }
func cr(s string) cell { return cell{run: run{text: s}, right: true} }

func changeCell(ch Change) cell {
	col := ""
	switch ch.Class {
	case "good":
		col = "2E7D32"
	case "bad":
		col = "C62828"
	}
	return cell{run: run{text: ch.Short(), color: col}, right: true}
}

// table writes a captioned table with a header row repeated on each page.
func (db *docBody) table(caption string, header []string, rows [][]cell) {
	if caption != "" {
		db.tab++
		db.text("Caption", "表"+itoa(db.tab)+"　"+caption)
	}
	widths := colWidths(header)
	db.b.WriteString(`<w:tbl><w:tblPr><w:tblStyle w:val="ReportTable"/><w:tblW w:w="` + itoa(textWidth) + `" w:type="dxa"/><w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>`)
	for _, w := range widths {
		db.b.WriteString(`<w:gridCol w:w="` + itoa(w) + `"/>`)
	}
	db.b.WriteString(`</w:tblGrid>`)
	tcPr := func(i int, extra string) string {
		return `<w:tcPr><w:tcW w:w="` + itoa(widths[i]) + `" w:type="dxa"/>` + extra + `</w:tcPr>`
	}
	db.b.WriteString(`<w:tr><w:trPr><w:tblHeader/></w:trPr>`)
	for i, h := range header {
		db.b.WriteString(`<w:tc>` + tcPr(i, `<w:shd w:val="clear" w:color="auto" w:fill="F3F5F8"/>`) + `<w:p><w:pPr><w:pStyle w:val="TableText"/><w:jc w:val="center"/></w:pPr>` +
			run{text: h, bold: true}.xml() + `</w:p></w:tc>`)
	}
	db.b.WriteString(`</w:tr>`)
	for _, r := range rows {
		db.b.WriteString(`<w:tr><w:trPr><w:cantSplit/></w:trPr>`)
		for i, x := range r {
			if i >= len(widths) {
				break
			}
			jc := "left"
			if x.right {
				jc = "right"
			}
			db.b.WriteString(`<w:tc>` + tcPr(i, `<w:vAlign w:val="center"/>`) + `<w:p><w:pPr><w:pStyle w:val="TableText"/><w:jc w:val="` + jc + `"/></w:pPr>` + x.run.xml() + `</w:p></w:tc>`)
		}
		db.b.WriteString(`</w:tr>`)
	}
	db.b.WriteString(`</w:tbl>`)
}

// textWidth is the A4 text width in twips (page 11906 − 2 × 907 margins).
const textWidth = 10092

// colWidths shares the text width between the columns by what they hold:
// row numbers narrow, indicator and rule names wide, figures in between.
func colWidths(header []string) []int {
	weights := make([]float64, len(header))
	total := 0.0
	for i, h := range header {
		switch h {
		case "序号", "排名":
			weights[i] = 0.7
		case "指标", "问题", "名称":
			weights[i] = 3
		case "科室", "等级", "风险等级", "分子／分母":
			weights[i] = 1.6
		default:
			weights[i] = 1.1
		}
		total += weights[i]
	}
	out := make([]int, len(header))
	for i, w := range weights {
		out[i] = int(float64(textWidth) * w / total)
	}
	return out
}

func figRows(figs []Figure, withRatio bool) [][]cell {
	var rows [][]cell
	for i, f := range figs {
		name := f.Name
		if f.GK != "" {
			name += "（国考" + f.GK + "）"
		}
		r := []cell{c(itoa(i + 1)), c(name), cr(f.Text()), cr(f.PriorText()), changeCell(f.Change())}
		if withRatio {
			ratio := Dash
			if f.Denominator.Valid {
				ratio = f.NumText() + "／" + f.DenText()
			}
			r = append(r, cr(ratio))
		}
		rows = append(rows, r)
	}
	return rows
}

func (db *docBody) build(d *Data) {
	y := itoa(d.Year)
	db.text("Subtitle", d.Hospital)
	db.text("Title", y+" 年度运行分析报告")
	meta := "统计期间：" + y + "年1月1日至" + y + "年12月31日（按出院时间）"
	if !d.Generated.IsZero() {
		meta += "　编制日期：" + cnDate(d.Generated)
	}
	db.text("Meta", meta)

	db.heading("总体情况")
	for _, p := range d.Narrative() {
		db.text("", p)
	}
	var head []Figure
	for _, f := range d.Headline {
		if f.Value.Valid {
			head = append(head, f)
		}
	}
	if len(head) > 0 {
		db.table("主要数据", []string{"序号", "指标", y + "年", "上年同期", "同比"}, figRows(head, false))
	}

	if len(d.Tables) > 0 {
		db.heading("主要指标完成情况")
		for _, t := range d.Tables {
			db.table(t.Title, []string{"序号", "指标", y + "年", "上年同期", "同比", "分子／分母"}, figRows(t.Rows, true))
			if t.Note != "" {
				db.text("Note", "注："+t.Note)
			}
		}
	}
	for _, id := range []string{"monthly_volume", "monthly_discharges", "monthly_los"} {
		if ch := d.Chart(id); ch != nil {
			db.chartTable(ch)
		}
	}

	if len(d.Departments) > 0 {
		db.heading("科室运行情况")
		db.text("", "按出院人次排序，各临床科室"+y+"年主要运行指标如下（出院科室口径）。")
		cmi := d.DeptHas("cmi")
		var rows [][]cell
		for i, r := range d.Departments {
			row := []cell{c(itoa(i + 1)), c(r.Name), cr(Figure{Kind: Count}.text(r.Discharges)), changeCell(d.DeptChange(r)),
				cr(valueText(r.AvgLOS, 1, "")), cr(valueText(r.SurgeryRate, 2, "%")), cr(valueText(r.Grade4Rate, 2, "%"))}
			if cmi {
				row = append(row, cr(valueText(r.CMI, 2, "")))
			}
			rows = append(rows, append(row, cr(valueText(r.AvgCost, 2, ""))))
		}
		header := []string{"排名", "科室", "出院人次", "同比", "平均住院日", "手术占比", "四级手术占比"}
		if cmi {
			header = append(header, "CMI")
		}
		db.table("临床科室出院人次排名", append(header, "次均费用（元）"), rows)
	}

	db.heading("DRG 病例组合分析")
	if cm := d.CaseMix; cm != nil {
		s := ""
		if cm.Scheme != "" {
			s += "分组方案：" + cm.Scheme + "。"
		}
		if cm.WeightsRef != "" {
			s += "权重：" + cm.WeightsRef + "。"
		}
		s += "全年入组病例 " + Figure{Kind: Count, Unit: "例"}.text(V(float64(cm.Grouped)))
		if cm.Ungrouped > 0 {
			s += "，未入组（含无法入组、歧义及校验未通过）" + Figure{Kind: Count, Unit: "例"}.text(V(float64(cm.Ungrouped)))
		}
		db.text("", s+"。")
		if len(cm.Figures) > 0 {
			db.table("DRG 主要指标", []string{"序号", "指标", y + "年", "上年同期", "同比"}, figRows(cm.Figures, false))
		}
		if len(cm.Tiers) > 0 {
			var rows [][]cell
			for _, t := range cm.Tiers {
				rows = append(rows, []cell{c(t.Tier), cr(itoa(t.Groups)), cr(itoa(t.Cases)), cr(itoa(t.Deaths)), cr(valueText(t.Mortality(), 2, "%"))})
			}
			db.table("按死亡风险分级的病例分布", []string{"风险等级", "DRG 组数", "病例数", "死亡人数", "死亡率"}, rows)
		}
		if len(cm.TopDRGs) > 0 {
			var rows [][]cell
			for i, g := range cm.TopDRGs {
				rows = append(rows, []cell{c(itoa(i + 1)), c(g.Code), c(g.Name), cr(itoa(g.Cases)), cr(valueText(g.Weight, 4, "")),
					cr(valueText(g.AvgLOS, 1, "")), cr(valueText(g.AvgCost, 2, "")), cr(itoa(g.Deaths))})
			}
			db.table("病例数居前的 DRG 组", []string{"序号", "DRG", "名称", "病例数", "权重", "平均住院日", "次均费用（元）", "死亡"}, rows)
		}
	} else {
		db.text("", "本年度病例尚未进行 DRG 分组（运行 yardstick group 后重新生成报告），本节从略。")
	}

	db.heading("病案首页质量")
	if q := d.Quality; q != nil {
		db.text("", "依据《住院病案首页数据质量管理与控制指标（2016版）》及评分标准，全年共检查病案首页 "+
			Figure{Kind: Count, Unit: "份"}.text(V(float64(q.Checked)))+"。")
		if len(q.Figures) > 0 {
			db.table("病案首页质量主要指标", []string{"序号", "指标", y + "年", "上年同期", "同比"}, figRows(q.Figures, false))
		}
		if len(q.Grades) > 0 {
			var rows [][]cell
			for _, g := range q.Grades {
				rows = append(rows, []cell{c(g.Grade), cr(itoa(g.Stays)), cr(pct(g.Stays, q.Scored))})
			}
			db.table("病案首页评分分布", []string{"等级", "份数", "占比"}, rows)
		}
		if len(q.TopRules) > 0 {
			var rows [][]cell
			for i, r := range q.TopRules {
				rows = append(rows, []cell{c(itoa(i + 1)), c(r.Code), c(r.Name), c(r.Severity), cr(itoa(r.Count)), cr(itoa(r.Stays))})
			}
			db.table("主要问题（按发现次数）", []string{"序号", "规则", "问题", "级别", "问题数", "涉及病案"}, rows)
		}
	} else {
		db.text("", "本年度尚无病案首页质控结果（运行 yardstick qc 后重新生成报告），本节从略。")
	}

	db.heading("说明")
	notes := []string{
		"数据来源：本院住院病案首页（按出院时间统计，含死亡病例）。",
		"国家三级公立医院绩效考核指标按《国家三级公立医院绩效考核操作手册》口径计算，手术类指标按人次计，同一住院期间多次手术计一次。",
		"同比：本年与上年同期比较。计数与费用类指标给出增长率，率类指标给出百分点差，平均住院日等给出差值；按显示精度为零时记为“持平”。",
	}
	if d.Has(KeyOutpatient) {
		notes[0] = "数据来源：本院住院病案首页（按出院时间统计，含死亡病例）及门急诊工作量统计（不含健康体检）。"
	}
	for i, n := range append(notes, d.Notes...) {
		db.text("Note", itoa(i+1)+". "+n)
	}
	db.text("Sign", d.Hospital)
	if !d.Generated.IsZero() {
		db.text("Sign", cnDate(d.Generated))
	}
}

// chartTable gives a chart's figures as a table (the .docx has no drawings).
func (db *docBody) chartTable(ch *Chart) {
	header := []string{""}
	for _, s := range ch.Series {
		header = append(header, s.Name)
	}
	var rows [][]cell
	for i, l := range ch.Labels {
		r := []cell{c(l)}
		for _, s := range ch.Series {
			v := Missing
			if i < len(s.Values) {
				v = s.Values[i]
			}
			t := Dash
			if v.Valid {
				t = valueLabel(v.V)
			}
			r = append(r, cr(t))
		}
		rows = append(rows, r)
	}
	title := ch.Title
	if ch.Unit != "" {
		title += "（单位：" + ch.Unit + "）"
	}
	db.table(title, header, rows)
}

func cnDate(t time.Time) string {
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

func (db *docBody) document() string {
	return xml.Header + `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>` +
		db.b.String() +
		// A4 portrait, margins about 18 mm top/bottom and 16 mm left/right.
		`<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1021" w:right="907" w:bottom="1021" w:left="907" w:header="567" w:footer="567" w:gutter="0"/></w:sectPr>` +
		`</w:body></w:document>`
}

func docxCore(d *Data) string {
	return xml.Header + `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
		`<dc:title>` + xesc(d.DocTitle()) + `</dc:title><dc:creator>Yardstick</dc:creator><dc:language>zh-CN</dc:language></cp:coreProperties>`
}

const docxContentTypes = xml.Header + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
	`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
	`<Default Extension="xml" ContentType="application/xml"/>` +
	`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>` +
	`<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>` +
	`<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>` +
	`<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>` +
	`<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>` +
	`</Types>`

const docxRootRels = xml.Header + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
	`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>` +
	`</Relationships>`

const docxDocRels = xml.Header + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>` +
	`</Relationships>`

const docxSettings = xml.Header + `<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:defaultTabStop w:val="420"/><w:characterSpacingControl w:val="compressPunctuation"/></w:settings>`

const docxApp = xml.Header + `<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>Yardstick</Application></Properties>`

// Styles: body 宋体 小四-ish 10.5 pt with a two-character first-line indent
// (the Chinese official-document habit), headings in 黑体, tables 9 pt.
const docxStyles = xml.Header + `<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">` +
	`<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="宋体" w:cs="Times New Roman"/><w:sz w:val="21"/><w:szCs w:val="21"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault>` +
	`<w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="360" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>` +
	`<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:pPr><w:ind w:firstLineChars="200" w:firstLine="420"/><w:jc w:val="both"/></w:pPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:pPr><w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="center"/><w:spacing w:before="120" w:after="120"/></w:pPr><w:rPr><w:rFonts w:eastAsia="黑体"/><w:b/><w:color w:val="1F3B63"/><w:sz w:val="44"/></w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Subtitle"><w:name w:val="Subtitle"/><w:basedOn w:val="Normal"/><w:pPr><w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="center"/></w:pPr><w:rPr><w:rFonts w:eastAsia="黑体"/><w:color w:val="666666"/><w:sz w:val="28"/></w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Meta"><w:name w:val="Meta"/><w:basedOn w:val="Normal"/><w:pPr><w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="center"/><w:spacing w:after="240"/><w:pBdr><w:bottom w:val="single" w:sz="12" w:space="4" w:color="1F3B63"/></w:pBdr></w:pPr><w:rPr><w:color w:val="666666"/><w:sz w:val="18"/></w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:keepNext/><w:ind w:firstLineChars="0" w:firstLine="0"/><w:spacing w:before="240" w:after="120"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:rFonts w:eastAsia="黑体"/><w:b/><w:color w:val="1F3B63"/><w:sz w:val="30"/></w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Caption"><w:name w:val="caption"/><w:basedOn w:val="Normal"/><w:pPr><w:keepNext/><w:ind w:firstLineChars="0" w:firstLine="0"/><w:spacing w:before="160" w:after="60"/></w:pPr><w:rPr><w:rFonts w:eastAsia="黑体"/><w:b/><w:sz w:val="20"/></w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="TableText"><w:name w:val="Table Text"/><w:basedOn w:val="Normal"/><w:pPr><w:ind w:firstLineChars="0" w:firstLine="0"/><w:spacing w:line="240" w:lineRule="auto"/></w:pPr><w:rPr><w:sz w:val="18"/></w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Note"><w:name w:val="Note"/><w:basedOn w:val="Normal"/><w:pPr><w:ind w:firstLineChars="0" w:firstLine="0"/></w:pPr><w:rPr><w:color w:val="666666"/><w:sz w:val="18"/></w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Sign"><w:name w:val="Sign"/><w:basedOn w:val="Normal"/><w:pPr><w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="right"/></w:pPr></w:style>` +
	`<w:style w:type="table" w:styleId="ReportTable"><w:name w:val="Report Table"/><w:tblPr><w:tblBorders>` +
	`<w:top w:val="single" w:sz="4" w:color="C9CED6"/><w:left w:val="single" w:sz="4" w:color="C9CED6"/><w:bottom w:val="single" w:sz="4" w:color="C9CED6"/><w:right w:val="single" w:sz="4" w:color="C9CED6"/>` +
	`<w:insideH w:val="single" w:sz="4" w:color="C9CED6"/><w:insideV w:val="single" w:sz="4" w:color="C9CED6"/></w:tblBorders>` +
	`<w:tblCellMar><w:left w:w="80" w:type="dxa"/><w:right w:w="80" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>` +
	`</w:styles>`
