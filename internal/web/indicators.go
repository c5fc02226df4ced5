package web

import (
	"math"
)

// indDef is one headline indicator the pages show. Values are ratios of
// sums of cube cells, so they aggregate exactly over months and departments.
type indDef struct {
	ID        string `json:"id"`
	NameCN    string `json:"name_cn"`
	NameEN    string `json:"name_en"`
	Unit      string `json:"unit"`      // "人次", "%", "天", "元", ""
	Direction string `json:"direction"` // "up" higher is better, "down" lower is better, "none"
	Catalogue string `json:"catalogue"` // catalogue/standard and version the definition follows
	DefCN     string `json:"definition_cn"`
	DefEN     string `json:"definition_en"`
	NeedsDRG  bool   `json:"needs_drg"` // empty until stays are grouped

	num, den func(c *cell) float64
	scale    float64
}

func (d *indDef) value(c cell) (float64, bool) {
	den := d.den(&c)
	if den == 0 {
		return 0, false
	}
	v := d.num(&c) / den * d.scale
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false
	}
	return v, true
}

func one(*cell) float64 { return 1 }

const catalogueNote = "国家三级公立医院绩效考核操作手册（2024版）口径；病案首页字段按国家上传接口"

// indicatorDefs is the registry of the headline indicators computed from the
// front pages. Definitions follow the 国考 operating manual where one exists.
var indicatorDefs = []*indDef{
	{ID: "discharges", NameCN: "出院人次", NameEN: "Discharges", Unit: "人次", Direction: "none", Catalogue: catalogueNote,
		DefCN: "统计期内出院的住院患者人次（按出院时间）", DefEN: "Inpatient episodes discharged in the period (by discharge time)",
		num: func(c *cell) float64 { return c.N }, den: one, scale: 1},
	{ID: "alos", NameCN: "平均住院日", NameEN: "Average length of stay", Unit: "天", Direction: "down", Catalogue: catalogueNote,
		DefCN: "出院患者实际占用总床日数 / 同期出院人数（国考#18）", DefEN: "Sum of actual bed days / discharges (国考 #18)",
		num: func(c *cell) float64 { return c.LOSSum }, den: func(c *cell) float64 { return c.N }, scale: 1},
	{ID: "cost_per_stay", NameCN: "次均住院费用", NameEN: "Average cost per stay", Unit: "元", Direction: "down", Catalogue: catalogueNote,
		DefCN: "出院患者住院总费用（D01）/ 同期出院人次（国考#39）", DefEN: "Total cost (D01) / discharges (国考 #39)",
		num: func(c *cell) float64 { return c.CostSum }, den: func(c *cell) float64 { return c.N }, scale: 1},
	{ID: "drug_share", NameCN: "住院药占比", NameEN: "Drug cost share", Unit: "%", Direction: "down", Catalogue: catalogueNote,
		DefCN: "（西药费+中成药费+中草药费）/ 住院总费用 ×100%", DefEN: "(D23+D24+D25) / D01 ×100%",
		num: func(c *cell) float64 { return c.DrugSum }, den: func(c *cell) float64 { return c.CostSum }, scale: 100},
	{ID: "material_share", NameCN: "住院耗材占比", NameEN: "Medical consumables share", Unit: "%", Direction: "down", Catalogue: catalogueNote,
		DefCN: "（检查+治疗+手术用一次性医用材料费）/ 住院总费用 ×100%", DefEN: "(D31+D32+D33) / D01 ×100%",
		num: func(c *cell) float64 { return c.MatSum }, den: func(c *cell) float64 { return c.CostSum }, scale: 100},
	{ID: "surgery_share", NameCN: "出院患者手术占比", NameEN: "Surgical discharges share", Unit: "%", Direction: "up", Catalogue: catalogueNote,
		DefCN: "出院患者手术人数 / 同期出院人数 ×100%（国考#4；手术按手术操作类别目录，未导入时按手术级别且为手术室类编码）", DefEN: "Surgical discharges / discharges ×100% (国考 #4; surgery by the procedure-category catalogue, or by operation level and an OR-type code when none is imported)",
		num: func(c *cell) float64 { return c.Surg }, den: func(c *cell) float64 { return c.N }, scale: 100},
	{ID: "level4_share", NameCN: "出院患者四级手术比例", NameEN: "Level-4 surgery share", Unit: "%", Direction: "up", Catalogue: catalogueNote,
		DefCN: "施行四级手术的出院患者人数 / 同期出院手术患者人数 ×100%（国考#6；按四级手术目录，未导入时按手术级别=4）", DefEN: "Surgical discharges with a level-4 operation / surgical discharges ×100% (国考 #6; by the level-4 catalogue, or operation level 4 when none is imported)",
		num: func(c *cell) float64 { return c.Level4 }, den: func(c *cell) float64 { return c.Surg }, scale: 100},
	{ID: "mortality", NameCN: "住院患者死亡率", NameEN: "Inpatient mortality", Unit: "%", Direction: "down", Catalogue: catalogueNote,
		DefCN: "离院方式为死亡（B34C=5）的人数 / 同期出院人数 ×100%", DefEN: "Deaths (B34C = 5) / discharges ×100%",
		num: func(c *cell) float64 { return c.Deaths }, den: func(c *cell) float64 { return c.N }, scale: 100},
	{ID: "cmi", NameCN: "病例组合指数 CMI", NameEN: "Case mix index (CMI)", Unit: "", Direction: "up", Catalogue: "CHS-DRG 分组方案（见DRG页的方案版本）", NeedsDRG: true,
		DefCN: "入组病例权重之和 / 入组病例数（国考#17）", DefEN: "Sum of DRG weights / grouped stays (国考 #17)",
		num: func(c *cell) float64 { return c.Weight }, den: func(c *cell) float64 { return c.Grouped }, scale: 1},
	{ID: "low_risk_mortality", NameCN: "低风险组病例死亡率", NameEN: "Low-risk DRG mortality", Unit: "%", Direction: "down", Catalogue: "CHS-DRG 分组方案风险分级", NeedsDRG: true,
		DefCN: "低风险组死亡例数 / 低风险组病例数 ×100%（国考#19）", DefEN: "Deaths in low-risk DRGs / stays in low-risk DRGs ×100% (国考 #19)",
		num: func(c *cell) float64 { return c.LowRiskD }, den: func(c *cell) float64 { return c.LowRiskN }, scale: 100},
}

func indicatorByID(id string) *indDef {
	for _, d := range indicatorDefs {
		if d.ID == id {
			return d
		}
	}
	return nil
}
