package frontpage

import (
	"testing"
	"time"
)

func TestParseDateTime(t *testing.T) {
	d := func(y, m, day, h, mi, s int) time.Time {
		return time.Date(y, time.Month(m), day, h, mi, s, 0, time.UTC)
	}
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"2021-03-05", d(2021, 3, 5, 0, 0, 0), true},
		{"2021/3/5", d(2021, 3, 5, 0, 0, 0), true},
		{"2021.3.5", d(2021, 3, 5, 0, 0, 0), true},
		{"20210305", d(2021, 3, 5, 0, 0, 0), true},
		{"2021年3月5日", d(2021, 3, 5, 0, 0, 0), true},
		{"2021-03-05 14:30", d(2021, 3, 5, 14, 30, 0), true},
		{"2021-03-05 14:30:07", d(2021, 3, 5, 14, 30, 7), true},
		{"2021-03-05T14:30:07", d(2021, 3, 5, 14, 30, 7), true},
		{"2021/3/5 8:05", d(2021, 3, 5, 8, 5, 0), true},
		{"202103051430", d(2021, 3, 5, 14, 30, 0), true},
		{"20210305143007", d(2021, 3, 5, 14, 30, 7), true},
		{"20210305 1430", d(2021, 3, 5, 14, 30, 0), true},
		{" 2021-03-05 ", d(2021, 3, 5, 0, 0, 0), true},
		{"2021-02-30", time.Time{}, false},
		{"2021-13-01", time.Time{}, false},
		{"21-03-05", time.Time{}, false},
		{"abc", time.Time{}, false},
		{"", time.Time{}, false},
		{"2021-03-05 25:00", time.Time{}, false},
		{"2021035", time.Time{}, false},
		{"2021-03-05 14", time.Time{}, false},
	}
	for _, tt := range tests {
		got, err := ParseDateTime(tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("ParseDateTime(%q) err = %v, want ok=%v", tt.in, err, tt.ok)
			continue
		}
		if tt.ok && !got.Equal(tt.want) {
			t.Errorf("ParseDateTime(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestParseNumbers(t *testing.T) {
	if n, err := ParseInt("12.0"); err != nil || n != 12 {
		t.Errorf("ParseInt(12.0) = %d, %v", n, err)
	}
	if _, err := ParseInt("12.5"); err == nil {
		t.Error("ParseInt(12.5) accepted")
	}
	if f, err := ParseDecimal("1,234.50"); err != nil || f != 1234.5 {
		t.Errorf("ParseDecimal = %v, %v", f, err)
	}
	for _, bad := range []string{"abc", "NaN", "12元"} {
		if _, err := ParseDecimal(bad); err == nil {
			t.Errorf("ParseDecimal(%q) accepted", bad)
		}
	}
}

func TestFieldRoundTrip(t *testing.T) {
	var s Stay
	set := map[string]string{
		"A01": "12345678-9", "A48": "BA0001", "A49": "2", "A12C": "1", "A13": "1980-02-29",
		"B12": "2021-03-05 08:30:00", "B15": "2021-03-12 10:00:00", "B20": "7",
		"C03C": "I63.900", "C05C": "1", "C06x02C": "I10.x00x002", "C14x01C": "39.7400x007",
		"C16x01": "2021-03-05 10:00:00", "C21x01C": "0", "C35x01C": "88.4100x009", "D01": "12345.60",
		"B21C": "0301,0401", "C49x01": "2021-03-06 00:00:00", "YS10x01": "2",
	}
	for code, v := range set {
		f, ok := FieldByCode(code)
		if !ok {
			t.Fatalf("no field %s", code)
		}
		if err := f.Set(&s, v); err != nil {
			t.Fatalf("set %s=%q: %v", code, v, err)
		}
	}
	for code, v := range set {
		f, _ := FieldByCode(code)
		if got := f.Get(&s); got != v {
			t.Errorf("%s: got %q want %q", code, got, v)
		}
	}
	s.Normalize()
	if len(s.Diagnoses) != 2 || s.Diagnoses[1].Code != "I10.x00x002" {
		t.Errorf("normalize diagnoses: %+v", s.Diagnoses)
	}
	if len(s.Procedures) != 2 || s.Procedures[1].Code != "88.4100x009" {
		t.Errorf("normalize procedures: %+v", s.Procedures)
	}
	if s.Procedures[0].Elective != "2" {
		t.Errorf("elective flag lost")
	}
	if err := (mustField(t, "A49")).Set(&s, "0"); err == nil {
		t.Error("A49=0 accepted")
	}
	if err := (mustField(t, "D01")).Set(&s, "-"); err != nil || s.Costs[CostTotal].V != 12345.60 {
		t.Error("blank '-' must leave value untouched")
	}
}

func TestRegistryShape(t *testing.T) {
	n := len(Fields())
	// 40 other diagnoses × 3 + 41 procedure blocks × 11 + the rest: the exact
	// count guards against accidental removal of fields.
	if n < 159 {
		t.Fatalf("registry has %d fields, fewer than the 159 of the interface", n)
	}
	for _, code := range []string{"A01", "A48", "A49", "A11", "A12C", "A13", "A14", "A16", "A17", "A18x01", "B11C", "B12", "B15", "B16C", "B20", "B34C", "B36C", "B38", "C03C", "C05C", "C06x40C", "C08x40C", "C09C", "C12C", "C14x01C", "C17x01", "C21x01C", "C22x01C", "C35x40C", "C47", "C48x05C", "D01", "D09", "D34", "A46C"} {
		if _, ok := FieldByCode(code); !ok {
			t.Errorf("field %s missing", code)
		}
	}
	for _, f := range Fields() {
		if f.NameCN == "" || f.NameEN == "" {
			t.Errorf("%s lacks a name", f.Code)
		}
	}
}

func mustField(t *testing.T, code string) *Field {
	t.Helper()
	f, ok := FieldByCode(code)
	if !ok {
		t.Fatalf("no field %s", code)
	}
	return f
}
