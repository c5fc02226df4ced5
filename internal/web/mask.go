package web

import (
	"strings"
	"unicode/utf8"

	"github.com/yardstick-health/yardstick/internal/frontpage"
)

// Masking rules for identity fields (frontpage.Field.Identity). The masked
// form keeps just enough for a coder to recognise the patient on the ward
// list, never enough to identify them.

// maskName keeps the first and the last character: 张三丰 → 张*丰, 张三 → 张*.
func maskName(s string) string {
	r := []rune(strings.TrimSpace(s))
	switch {
	case len(r) == 0:
		return ""
	case len(r) == 1:
		return "*"
	case len(r) == 2:
		return string(r[0]) + "*"
	}
	return string(r[0]) + strings.Repeat("*", len(r)-2) + string(r[len(r)-1])
}

// maskID keeps the first four and last four characters:
// 370102199001011234 → 3701**********1234.
func maskID(s string) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) <= 8 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:4]) + strings.Repeat("*", len(r)-8) + string(r[len(r)-4:])
}

// maskPhone keeps the first three and last four digits: 138****5678.
func maskPhone(s string) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) <= 7 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:3]) + strings.Repeat("*", len(r)-7) + string(r[len(r)-4:])
}

// maskAddress keeps the first six characters (province and city) only.
func maskAddress(s string) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) <= 6 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:6]) + "****"
}

// maskKind picks the mask for identity fields whose English name does not
// say what they hold: the health card number is an ID number, the employer
// field carries an address.
var maskKind = map[string]func(string) string{
	"A47": maskID,
	"A29": maskAddress,
}

// isIdentity reports whether the web masks the field.
func isIdentity(f *frontpage.Field) bool {
	return f.Identity
}

// maskField masks the value of an identity field by what the field holds.
func maskField(f *frontpage.Field, v string) string {
	if !isIdentity(f) || v == "" {
		return v
	}
	if m := maskKind[f.Code]; m != nil {
		return m(v)
	}
	en := strings.ToLower(f.NameEN)
	switch {
	case strings.Contains(en, "phone"):
		return maskPhone(v)
	case strings.Contains(en, "address"):
		return maskAddress(v)
	case strings.Contains(en, "id number"):
		return maskID(v)
	case strings.Contains(en, "name"):
		return maskName(v)
	}
	// An identity field of an unknown kind: hide all but the first character.
	_, n := utf8.DecodeRuneInString(v)
	return v[:n] + "***"
}

var nameField, _ = frontpage.FieldByCode("A11")

func maskPatientName(v string, unmask bool) string {
	if unmask {
		return v
	}
	return maskField(nameField, v)
}
