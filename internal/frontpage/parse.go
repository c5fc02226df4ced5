package frontpage

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// IsBlank reports whether a raw cell means "nothing recorded": empty, only
// spaces, or the "-" placeholder the 84号文 filling notes prescribe.
func IsBlank(v string) bool {
	v = strings.TrimSpace(v)
	return v == "" || v == "-" || v == "—" || v == "－"
}

var errDate = errors.New("不是可识别的日期 not a recognised date (use 2021-03-05, 2021/3/5, 20210305, optionally with hh:mm[:ss])")

// ParseDateTime parses the date forms HIS exports use: 2021-03-05, 2021/3/5,
// 2021.3.5, 20210305, 2021年3月5日, each optionally followed by a time
// (14:30, 14:30:00, T14:30:00, 1430, 143000), and the compact 202103051430[00].
// It is hand-written because it sits on the import hot path and time.Parse
// would need one layout per variant.
func ParseDateTime(v string) (time.Time, error) {
	var groups [8]string
	n := 0
	for i := 0; i < len(v); {
		if v[i] < '0' || v[i] > '9' {
			i++
			continue
		}
		j := i
		for j < len(v) && v[j] >= '0' && v[j] <= '9' {
			j++
		}
		if n == len(groups) {
			return time.Time{}, errDate
		}
		groups[n] = v[i:j]
		n++
		i = j
	}
	var f [6]int // year month day hour minute second
	var rest []string
	switch {
	case n >= 1 && (len(groups[0]) == 8 || len(groups[0]) == 12 || len(groups[0]) == 14):
		g := groups[0]
		for k := 0; k*2+4 <= len(g)+0 && k < 6; k++ {
			if k == 0 {
				f[0] = atoi(g[0:4])
				continue
			}
			f[k] = atoi(g[2+2*k : 4+2*k])
		}
		rest = groups[1:n]
		if len(g) > 8 && len(rest) > 0 {
			return time.Time{}, errDate
		}
		if len(rest) == 1 && (len(rest[0]) == 4 || len(rest[0]) == 6) { // 20210305 1430[00]
			t := rest[0]
			f[3], f[4] = atoi(t[0:2]), atoi(t[2:4])
			if len(t) == 6 {
				f[5] = atoi(t[4:6])
			}
			rest = nil
		}
	case n >= 3 && len(groups[0]) == 4:
		f[0], f[1], f[2] = atoi(groups[0]), atoi(groups[1]), atoi(groups[2])
		if len(groups[1]) > 2 || len(groups[2]) > 2 {
			return time.Time{}, errDate
		}
		rest = groups[3:n]
	default:
		return time.Time{}, errDate
	}
	if len(rest) > 0 { // h:m[:s]
		if len(rest) < 2 || len(rest) > 3 {
			return time.Time{}, errDate
		}
		for k, g := range rest {
			if len(g) > 2 {
				return time.Time{}, errDate
			}
			f[3+k] = atoi(g)
		}
	}
	y, mo, day, h, mi, s := f[0], f[1], f[2], f[3], f[4], f[5]
	if y < 1900 || y > 2200 || mo < 1 || mo > 12 || day < 1 || day > 31 || h > 23 || mi > 59 || s > 59 {
		return time.Time{}, fmt.Errorf("日期超出范围 date out of range: %q", v)
	}
	t := time.Date(y, time.Month(mo), day, h, mi, s, 0, time.UTC)
	if t.Day() != day {
		return time.Time{}, fmt.Errorf("日期不存在 no such date: %q", v)
	}
	return t, nil
}

// atoi converts a short run of ASCII digits (already validated).
func atoi(s string) int {
	x := 0
	for i := 0; i < len(s); i++ {
		x = x*10 + int(s[i]-'0')
	}
	return x
}

// ParseInt parses an integer cell; "12.0" (as spreadsheets write integers) is
// accepted, "12.5" is not.
func ParseInt(v string) (int, error) {
	v = strings.TrimSpace(v)
	if n, err := strconv.Atoi(v); err == nil {
		return n, nil
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil && f == float64(int(f)) {
		return int(f), nil
	}
	return 0, fmt.Errorf("不是整数 not an integer: %q", v)
}

// ParseDecimal parses an amount; thousands separators are accepted because
// spreadsheet exports often keep them.
func ParseDecimal(v string) (float64, error) {
	v = strings.TrimSpace(v)
	if strings.IndexByte(v, ',') >= 0 {
		v = strings.ReplaceAll(v, ",", "")
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f != f { // reject NaN
		return 0, fmt.Errorf("不是数值 not a number: %q", v)
	}
	return f, nil
}

// FormatDate writes a date as yyyy-MM-dd ("" for the zero time).
func FormatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}

// FormatDateTime writes a date-time as yyyy-MM-dd HH:mm:ss ("" for zero).
func FormatDateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02 15:04:05")
}
