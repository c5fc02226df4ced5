package store

import (
	"fmt"
	"strings"
)

func sprintf(format string, a ...any) string { return fmt.Sprintf(format, a...) }

func lower(s string) string { return strings.ToLower(s) }
