package report

import "testing"

func TestFigureText(t *testing.T) {
	tests := []struct {
		name string
		f    Figure
		want string
	}{
		{"count in wan", Figure{Kind: Count, Unit: "人次", Value: V(2607200)}, "260.72 万人次"},
		{"small count", Figure{Kind: Count, Unit: "例次", Value: V(3407)}, "3407 例次"},
		{"count exactly 1e4", Figure{Kind: Count, Unit: "人次", Value: V(10000)}, "1.00 万人次"},
		{"rate", Figure{Kind: Rate, Value: V(39.1249)}, "39.12%"},
		{"mean 1 decimal", Figure{Kind: Mean, Unit: "天", Decimals: 1, Value: V(7.84)}, "7.8 天"},
		{"mean default decimals", Figure{Kind: Mean, Unit: "分", Value: V(96.5)}, "96.50 分"},
		{"money", Figure{Kind: Money, Unit: "元", Value: V(15234.555)}, "15234.56 元"},
		{"index", Figure{Kind: Index, Value: V(1.049)}, "1.05"},
		{"missing", Figure{Kind: Count, Unit: "人次"}, Dash},
		{"negative zero", Figure{Kind: Index, Value: V(-0.001)}, "0.00"},
	}
	for _, tt := range tests {
		if got := tt.f.Text(); got != tt.want {
			t.Errorf("%s: Text() = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestDigitsUnitLabel(t *testing.T) {
	tests := []struct {
		f           Figure
		digits, lab string
	}{
		{Figure{Kind: Count, Unit: "人次", Value: V(159500)}, "15.95", "万人次"},
		{Figure{Kind: Count, Unit: "例次", Value: V(3407)}, "3407", "例次"},
		{Figure{Kind: Rate, Value: V(4.2)}, "4.20", "%"},
		{Figure{Kind: Mean, Unit: "天", Decimals: 1}, Dash, ""},
	}
	for _, tt := range tests {
		if d, l := tt.f.Digits(), tt.f.UnitLabel(); d != tt.digits || l != tt.lab {
			t.Errorf("%+v: got %q %q, want %q %q", tt.f, d, l, tt.digits, tt.lab)
		}
	}
}

func TestChange(t *testing.T) {
	tests := []struct {
		name                 string
		f                    Figure
		phrase, short, class string
	}{
		{"count growth neutral", Figure{Kind: Count, Value: V(2607200), Prior: V(2498300)}, "同比增长 4.36%", "↑4.36%", "neutral"},
		{"count decline", Figure{Kind: Count, Value: V(2400000), Prior: V(2500000), Better: HigherGood}, "同比下降 4.00%", "↓4.00%", "bad"},
		{"count flat", Figure{Kind: Count, Value: V(100000), Prior: V(100000), Better: HigherGood}, "与上年持平", "→持平", "flat"},
		{"count flat below precision", Figure{Kind: Count, Value: V(1000000), Prior: V(1000040)}, "与上年持平", "→持平", "flat"},
		{"count from zero", Figure{Kind: Count, Value: V(12), Prior: V(0)}, "", Dash, ""},
		{"no prior", Figure{Kind: Count, Value: V(12)}, "", Dash, ""},
		{"no value", Figure{Kind: Count, Prior: V(12)}, "", Dash, ""},
		{"los down good", Figure{Kind: Mean, Unit: "天", Decimals: 1, Value: V(7.8), Prior: V(8.3), Better: LowerGood}, "较上年下降 0.5 天", "↓0.5 天", "good"},
		{"los up bad", Figure{Kind: Mean, Unit: "天", Decimals: 1, Value: V(8.3), Prior: V(7.8), Better: LowerGood}, "较上年增加 0.5 天", "↑0.5 天", "bad"},
		{"los flat at 1 decimal", Figure{Kind: Mean, Unit: "天", Decimals: 1, Value: V(7.81), Prior: V(7.79), Better: LowerGood}, "与上年持平", "→持平", "flat"},
		{"rate points up good", Figure{Kind: Rate, Value: V(39.12), Prior: V(37.80), Better: HigherGood}, "较上年提高 1.32 个百分点", "↑1.32个百分点", "good"},
		{"rate points down good", Figure{Kind: Rate, Value: V(0.52), Prior: V(0.61), Better: LowerGood}, "较上年下降 0.09 个百分点", "↓0.09个百分点", "good"},
		{"money up bad", Figure{Kind: Money, Unit: "元", Value: V(15234.56), Prior: V(14893.10), Better: LowerGood}, "同比增长 2.29%", "↑2.29%", "bad"},
		{"index up", Figure{Kind: Index, Value: V(1.05), Prior: V(1.02), Better: HigherGood}, "较上年提高 0.03", "↑0.03", "good"},
		{"index down", Figure{Kind: Index, Value: V(0.98), Prior: V(1.01), Better: LowerGood}, "较上年下降 0.03", "↓0.03", "good"},
	}
	for _, tt := range tests {
		c := tt.f.Change()
		if got := c.Phrase(); got != tt.phrase {
			t.Errorf("%s: Phrase() = %q, want %q", tt.name, got, tt.phrase)
		}
		if got := c.Short(); got != tt.short {
			t.Errorf("%s: Short() = %q, want %q", tt.name, got, tt.short)
		}
		if c.Class != tt.class {
			t.Errorf("%s: Class = %q, want %q", tt.name, c.Class, tt.class)
		}
	}
}

func TestChineseNumeral(t *testing.T) {
	for n, want := range map[int]string{1: "一", 6: "六", 10: "十", 11: "十一", 20: "二十", 23: "二十三", 0: "0", 120: "120"} {
		if got := chineseNumeral(n); got != want {
			t.Errorf("chineseNumeral(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestVNaN(t *testing.T) {
	// A 0/0 ratio from an empty denominator must become missing, never "NaN%".
	zero := 0.0
	if v := V(zero / zero); v.Valid {
		t.Fatal("V(NaN) is valid")
	}
}
