package drg

import (
	"fmt"
	"strings"
)

// StepKind classifies a trace step.
type StepKind uint8

const (
	StepValidate       StepKind = iota + 1 // input validation failed
	StepTranslate                          // a code was translated through the crosswalk
	StepMDC                                // one MDC entry condition
	StepMDCEntered                         // all entry conditions held
	StepADRG                               // one ADRG condition
	StepQY                                 // the ambiguous-group check
	StepADRGChosen                         // an ADRG matched
	StepMDCFallThrough                     // no ADRG of an entered MDC matched: continue
	StepCC                                 // a secondary diagnosis with CC/MCC level, and its exclusion
	StepCCNoTable                          // the principal diagnosis has no exclusion table
	StepDRG                                // one DRG rule
	StepUngroupable                        // no MDC gave an ADRG: 0000
)

// TraceStep is one step of the grouping, structured so callers can render
// or store it; Render turns a trace into Chinese or English text.
type TraceStep struct {
	Kind           StepKind
	MDC            string
	ADRG           string
	DRG            string
	Op             string // operator name, or the DRG rule text
	Param          string // operator parameter (e.g. "28", "[1500,2000)")
	List           string // code list name
	Passed         bool
	Codes          []string // codes that matched (or the code concerned)
	Level          CCLevel
	ExclusionTable int // CC step: the secondary code's table (999 = none)
	PrincipalTable int // CC step: the principal diagnosis's table (0 = none)
	Note           string
}

// Trace is the full explanation of one grouping.
type Trace struct {
	SchemeID, SchemeVersion string
	Principal               string
	PrincipalProc           string
	Steps                   []TraceStep
}

func (t *Trace) add(s TraceStep) {
	if t != nil {
		t.Steps = append(t.Steps, s)
	}
}

// Render formats the trace, one step per line, in "zh" (Chinese) or "en".
func (t *Trace) Render(lang string) string {
	if t == nil {
		return ""
	}
	zh := lang != "en"
	var b strings.Builder
	pick := func(c, e string) string {
		if zh {
			return c
		}
		return e
	}
	yes := func(ok bool) string {
		if ok {
			return pick("是", "yes")
		}
		return pick("否", "no")
	}
	fmt.Fprintf(&b, "%s %s %s\n", pick("分组方案", "scheme"), t.SchemeID, t.SchemeVersion)
	for _, s := range t.Steps {
		opText := func() string {
			spec, ok := ops[s.Op]
			text := s.Op
			if ok {
				text = pick(spec.zh, spec.en)
			}
			if s.Param != "" {
				text += " " + s.Param
			}
			if s.List != "" {
				text += " [" + s.List + "]"
			}
			return text
		}
		codes := ""
		if len(s.Codes) > 0 {
			codes = fmt.Sprintf(" (%s %s)", pick("匹配", "matched"), strings.Join(s.Codes, ", "))
		}
		switch s.Kind {
		case StepValidate:
			fmt.Fprintf(&b, "%s: %s\n", pick("校验不通过", "validation failed"), s.Note)
		case StepTranslate:
			fmt.Fprintf(&b, "%s %s → %s\n", pick("编码转换", "translate"), s.Codes[0], s.Codes[1])
		case StepMDC:
			fmt.Fprintf(&b, "%s %s: %s: %s%s\n", s.MDC, pick("入组条件", "entry"), opText(), yes(s.Passed), codes)
		case StepMDCEntered:
			fmt.Fprintf(&b, "→ %s %s\n", pick("进入", "entered"), s.MDC)
		case StepADRG:
			fmt.Fprintf(&b, "  %s %s: %s: %s%s\n", s.MDC, s.ADRG, opText(), yes(s.Passed), codes)
		case StepQY:
			fmt.Fprintf(&b, "  %s %s: %s: %s%s\n", s.MDC, pick("歧义组检查", "QY check"), pick("有手术室手术", "any OR procedure"), yes(s.Passed), codes)
		case StepADRGChosen:
			fmt.Fprintf(&b, "→ ADRG %s %s\n", s.ADRG, s.Note)
		case StepMDCFallThrough:
			fmt.Fprintf(&b, "  %s %s\n", s.MDC, pick("无匹配的ADRG, 继续下一个MDC", "no ADRG matched, continue with the next MDC"))
		case StepCC:
			tbl := fmt.Sprint(s.ExclusionTable)
			if s.ExclusionTable == 999 {
				tbl = pick("999(无排除表)", "999 (none)")
			}
			if s.Passed {
				fmt.Fprintf(&b, "  %s %s %s %s, %s\n", pick("其他诊断", "secondary"), s.Codes[0], s.Level, pick("排除表", "exclusion table")+" "+tbl, pick("未被排除", "not excluded"))
			} else {
				fmt.Fprintf(&b, "  %s %s %s %s, %s %d %s\n", pick("其他诊断", "secondary"), s.Codes[0], s.Level, pick("排除表", "exclusion table")+" "+tbl, pick("主要诊断属于排除表", "principal diagnosis is in exclusion table"), s.PrincipalTable, pick("→ 被排除", "→ excluded"))
			}
		case StepCCNoTable:
			fmt.Fprintf(&b, "  %s %s %s\n", pick("主要诊断", "principal diagnosis"), s.Codes[0], pick("不在排除表中, 不排除任何CC/MCC", "has no exclusion table: nothing excluded"))
		case StepDRG:
			fmt.Fprintf(&b, "  DRG %s %s %s: %s%s\n", s.DRG, pick("规则", "rule"), s.Op, yes(s.Passed), codes)
		case StepUngroupable:
			fmt.Fprintf(&b, "→ %s\n", pick("没有MDC给出ADRG: 无法入组 0000", "no MDC yielded an ADRG: cannot be grouped 0000"))
		}
	}
	return b.String()
}
