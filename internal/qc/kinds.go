package qc

import (
	"fmt"
	"slices"
	"strings"
)

// checkKinds lists the value kinds each check type can read. The run
// functions skip a value of another kind (a range over a name, a date
// order over codes), so such a rule would never fire; compileRule rejects
// it instead. Checks missing here read presence only, or are Go rules
// whose fields are documentation.
var checkKinds = map[string][]vkind{
	CheckCodeset:   {kText, kList},
	CheckShape:     {kText},
	CheckExists:    {kText},
	CheckGrey:      {kText},
	CheckDateOrder: {kTime},
	CheckRange:     {kNum},
	CheckSex:       {kText},
	CheckAge:       {kText},
	CheckSum:       {kNum},
	CheckCodeRange: {kText, kList},
}

var kindNames = map[vkind]string{kText: "文本 text", kNum: "数值 number", kTime: "日期时间 date/time", kList: "列表 list"}

// checkFieldKinds reports the first field of r that its check cannot read,
// and an age unit other than days or years (anything else read as days).
func checkFieldKinds(r *Rule, fields []*acc) error {
	if want, ok := checkKinds[r.Check]; ok {
		for _, a := range fields {
			if slices.Contains(want, a.kind) {
				continue
			}
			names := make([]string, len(want))
			for i, k := range want {
				names[i] = kindNames[k]
			}
			return fmt.Errorf("检查类型 %s 不能读取%s字段 %s check %s cannot read %s, a %s field (needs %s)",
				r.Check, kindNames[a.kind], a.code, r.Check, a.code, kindNames[a.kind], strings.Join(names, " / "))
		}
	}
	if r.Check == CheckAge && r.Params.Unit != "" && r.Params.Unit != "days" && r.Params.Unit != "years" {
		return fmt.Errorf("age_code 的 unit 必须是 days 或 years unit must be days or years, not %q", r.Params.Unit)
	}
	return nil
}
