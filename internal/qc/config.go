package qc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// Config is a hospital's rule configuration (a JSON file):
//
//	{
//	  "disable":  ["V-06b", "C-01b"],
//	  "severity": {"L-01": "error", "F-02b": "info"},
//	  "rules": [ {"id": "H-01", "category": "completeness", "severity": "error",
//	              "check": "required_if", "fields": ["B14"],
//	              "when": [{"field": "B13C", "op": "in", "values": ["0701"]}],
//	              "message_cn": "…", "message_en": "…"} ],
//	  "score": {"mode": "deduct", "excellent": 90, "points": {"A27": 0}}
//	}
//
// Added rules use the parameterised check types; their messages default to
// a generic text of the check type when left empty.
type Config struct {
	Disable  []string            `json:"disable,omitempty"`
	Enable   []string            `json:"enable,omitempty"`
	Severity map[string]Severity `json:"severity,omitempty"`
	Rules    []Rule              `json:"rules,omitempty"`
	Score    *ScoreConfig        `json:"score,omitempty"`
}

// LoadConfig reads a configuration file; unknown keys are errors so a typo
// does not silently leave a rule on.
func LoadConfig(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read rule configuration: %w", err)
	}
	c, err := ParseConfig(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// ParseConfig parses a configuration.
func ParseConfig(b []byte) (*Config, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var c Config
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("规则配置格式错误 rule configuration: %w", err)
	}
	return &c, nil
}

// Apply returns the rules with the configuration applied (the input is not
// modified). Unknown rule ids are errors.
func (c *Config) Apply(rules []*Rule) ([]*Rule, error) {
	out := make([]*Rule, 0, len(rules)+len(c.Rules))
	byID := map[string]*Rule{}
	for _, r := range rules {
		cp := *r
		out = append(out, &cp)
		byID[cp.ID] = &cp
	}
	for _, r := range c.Rules {
		if _, dup := byID[r.ID]; dup {
			return nil, fmt.Errorf("配置中的规则 %s 与内置规则重名 configured rule %s duplicates a built-in id", r.ID, r.ID)
		}
		cp := r
		if cp.Source == "" {
			cp.Source = "hospital"
		}
		if cp.MsgCN == "" {
			cp.MsgCN = defaultMsg[cp.Check][0]
		}
		if cp.MsgEN == "" {
			cp.MsgEN = defaultMsg[cp.Check][1]
		}
		if cp.Severity == 0 {
			cp.Severity = Warning
		}
		out = append(out, &cp)
		byID[cp.ID] = &cp
	}
	get := func(id string) (*Rule, error) {
		r := byID[strings.TrimSpace(id)]
		if r == nil {
			return nil, fmt.Errorf("未知规则 unknown rule %q", id)
		}
		return r, nil
	}
	for _, id := range c.Disable {
		r, err := get(id)
		if err != nil {
			return nil, fmt.Errorf("disable: %w", err)
		}
		r.Disabled = true
	}
	for _, id := range c.Enable {
		r, err := get(id)
		if err != nil {
			return nil, fmt.Errorf("enable: %w", err)
		}
		r.Disabled = false
	}
	for id, sev := range c.Severity {
		r, err := get(id)
		if err != nil {
			return nil, fmt.Errorf("severity: %w", err)
		}
		r.Severity = sev
	}
	return out, nil
}

var defaultMsg = map[string][2]string{
	CheckRequired:   {msgMissingCN, msgMissingEN},
	CheckRequiredIf: {msgMissingCN, msgMissingEN},
	CheckCodeset:    {msgCodesetCN, msgCodesetEN},
	CheckShape:      {"{name}（{field}）{value} 格式不符", "{field} {value} has the wrong form"},
	CheckExists:     {"编码（{field}）{value} 不在字典中", "code {field} {value} is not in the dictionary"},
	CheckGrey:       {"编码（{field}）{value} 为医保灰码", "code {field} {value} is a grey code"},
	CheckDateOrder:  {"{name}（{field}）{value} 与 {expect} 的先后顺序不对", "{field} {value} is out of order with {expect}"},
	CheckRange:      {"{name}（{field}）{value} 超出范围 {expect}", "{field} {value} outside {expect}"},
	CheckSex:        {"（{field}）{value} 仅适用于{expect}患者", "{field} {value} applies to {expect} patients only"},
	CheckAge:        {"（{field}）{value} 与年龄不符（{expect}）", "{field} {value} does not fit the age ({expect})"},
	CheckSum:        {"{name}（{field}）{value} 与分项之和 {expect} 不符", "{field} {value} does not match the sum of its parts {expect}"},
	CheckPair:       {"{name}（{field}）未成对填写", "{field} is missing from its pair"},
	CheckCodeRange:  {"（{field}）{value} 编码范围不符（{expect}）", "{field} {value} is not allowed here ({expect})"},
	CheckWhen:       {"{name}（{field}）{value} 与其他项目矛盾", "{field} {value} contradicts other items"},
	CheckFunc:       {"{name}（{field}）{value} 有误", "{field} {value} is wrong"},
}
