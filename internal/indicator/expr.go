package indicator

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// MeasureKind says how a measure aggregates.
type MeasureKind int

// Measure kinds.
const (
	MCount    MeasureKind = iota // number of stays satisfying Cond
	MSum                         // Σ of numeric columns over stays satisfying Cond (or over visits)
	MDistinct                    // number of distinct non-empty values of a text column
	MInput                       // a manual input value (yardstick indicators input)
)

// Measure is a parsed numerator or denominator. The grammar (keywords in
// upper case, column names from Columns):
//
//	measure  := cond                        count of stays
//	          | col {"+" col} ["IF" cond]   sum of numeric columns
//	          | "DISTINCT" col ["IF" cond]  distinct values (DRG count)
//	          | "INPUT" "(" name ")" ["*" "DAYS"]   manual input (× days in the period)
//	cond     := and {"OR" and}
//	and      := unary {"AND" unary}
//	unary    := "NOT" unary | "(" cond ")" | boolcol | numcol cmp number
//	cmp      := "=" | "<>" | "<" | "<=" | ">" | ">="
type Measure struct {
	Src      string // canonical text (also the dedup key)
	Kind     MeasureKind
	Table    string   // "facts", "visits" or "inputs"
	Sum      []string // MSum columns
	Cond     *Cond    // nil = every stay
	Distinct string   // MDistinct column
	Input    string   // MInput code
	PerDay   bool     // MInput × days in the period

	num  func(*Fact) float64
	test func(*Fact) bool
}

// Cond is a boolean expression over fact columns.
type Cond struct {
	Op   string // "and", "or", "not", "col", "cmp"
	L, R *Cond
	Col  string
	Cmp  string
	Num  float64
}

// String renders the condition canonically.
func (c *Cond) String() string {
	switch c.Op {
	case "and":
		return "(" + c.L.String() + " AND " + c.R.String() + ")"
	case "or":
		return "(" + c.L.String() + " OR " + c.R.String() + ")"
	case "not":
		return "NOT " + c.L.String()
	case "cmp":
		return c.Col + " " + c.Cmp + " " + strconv.FormatFloat(c.Num, 'g', -1, 64)
	}
	return c.Col
}

// SQL renders the condition for stay_facts (BOOLEAN and numeric columns of
// the same names). Column names come from the registry, never from input.
func (c *Cond) SQL() string {
	switch c.Op {
	case "and":
		return "(" + c.L.SQL() + " AND " + c.R.SQL() + ")"
	case "or":
		return "(" + c.L.SQL() + " OR " + c.R.SQL() + ")"
	case "not":
		return "(NOT " + c.L.SQL() + ")"
	case "cmp":
		return "(" + c.Col + " " + c.Cmp + " " + strconv.FormatFloat(c.Num, 'g', -1, 64) + ")"
	}
	return c.Col
}

// SQL renders a facts measure as an aggregate expression over stay_facts.
// Conditions become 0/1 integers that are summed: DuckDB sums integer
// vectors several times faster than it evaluates one FILTER clause per
// aggregate, which matters with thirty measures over millions of stays.
// Visit and input measures have no SQL here (the source maps them).
func (m *Measure) SQL() string {
	switch m.Kind {
	case MCount:
		return "COALESCE(SUM(CAST(" + m.Cond.SQL() + " AS INTEGER)), 0)"
	case MSum:
		sum := strings.Join(m.Sum, " + ")
		if m.Cond == nil {
			return "COALESCE(SUM(" + sum + "), 0)"
		}
		return "COALESCE(SUM((" + sum + ") * CAST(" + m.Cond.SQL() + " AS INTEGER)), 0)"
	case MDistinct:
		if m.Cond != nil {
			return "COUNT(DISTINCT " + m.Distinct + ") FILTER (WHERE " + m.Cond.SQL() + " AND " + m.Distinct + " <> '')"
		}
		return "COUNT(DISTINCT " + m.Distinct + ") FILTER (WHERE " + m.Distinct + " <> '')"
	}
	return "0"
}

// Test reports whether a stay is counted by the measure (its drill-down
// membership).
func (m *Measure) Test(f *Fact) bool {
	if m.test == nil {
		return true
	}
	return m.test(f)
}

// Value is the stay's contribution to the measure (1 for counts; the column
// sum for sums; 1 for distinct measures, whose total is the distinct count).
func (m *Measure) Value(f *Fact) float64 {
	if !m.Test(f) {
		return 0
	}
	if m.Kind == MSum && m.num != nil {
		return m.num(f)
	}
	return 1
}

// Key is the distinct-value key of the stay for MDistinct measures.
func (m *Measure) Key(f *Fact) string {
	if m.Kind != MDistinct {
		return ""
	}
	return colIndex[m.Distinct].text(f)
}

type lexer struct {
	toks []string
	pos  int
}

func lex(s string) ([]string, error) {
	var out []string
	rs := []rune(s)
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.IsSpace(r):
			i++
		case r == '(' || r == ')' || r == '+' || r == '*':
			out = append(out, string(r))
			i++
		case r == '<' || r == '>' || r == '=':
			j := i + 1
			if j < len(rs) && (rs[j] == '=' || (r == '<' && rs[j] == '>')) {
				j++
			}
			out = append(out, string(rs[i:j]))
			i = j
		case r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '-':
			j := i
			for j < len(rs) && (rs[j] == '_' || unicode.IsLetter(rs[j]) || unicode.IsDigit(rs[j]) || rs[j] == '.' || rs[j] == '-') {
				j++
			}
			out = append(out, string(rs[i:j]))
			i = j
		default:
			return nil, fmt.Errorf("无法识别的字符 unexpected character %q", r)
		}
	}
	return out, nil
}

func (l *lexer) peek() string {
	if l.pos < len(l.toks) {
		return l.toks[l.pos]
	}
	return ""
}

func (l *lexer) next() string {
	t := l.peek()
	l.pos++
	return t
}

func (l *lexer) expect(t string) error {
	if got := l.next(); !strings.EqualFold(got, t) {
		return fmt.Errorf("期望 expected %q, got %q", t, got)
	}
	return nil
}

func isKW(t, kw string) bool { return strings.EqualFold(t, kw) }

// ParseMeasure parses a numerator or denominator expression.
func ParseMeasure(src string) (*Measure, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, fmt.Errorf("%q: %w", src, err)
	}
	if len(toks) == 0 {
		return nil, fmt.Errorf("空表达式 empty expression")
	}
	l := &lexer{toks: toks}
	m, err := l.measure()
	if err != nil {
		return nil, fmt.Errorf("%q: %w", src, err)
	}
	if l.pos < len(l.toks) {
		return nil, fmt.Errorf("%q: 多余的内容 trailing %q", src, l.peek())
	}
	m.compile()
	m.Src = m.canonical()
	return m, nil
}

func (l *lexer) measure() (*Measure, error) {
	t := l.peek()
	switch {
	case isKW(t, "INPUT"):
		l.next()
		if err := l.expect("("); err != nil {
			return nil, err
		}
		name := l.next()
		if name == "" || name == ")" {
			return nil, fmt.Errorf("INPUT 缺少指标代码 needs a code")
		}
		if err := l.expect(")"); err != nil {
			return nil, err
		}
		m := &Measure{Kind: MInput, Table: "inputs", Input: name}
		if l.peek() == "*" {
			l.next()
			if err := l.expect("DAYS"); err != nil {
				return nil, err
			}
			m.PerDay = true
		}
		return m, nil
	case isKW(t, "DISTINCT"):
		l.next()
		col := l.next()
		c, ok := colIndex[col]
		if !ok || c.Kind != ColText {
			return nil, fmt.Errorf("DISTINCT 需要文本列 needs a text column, got %q", col)
		}
		m := &Measure{Kind: MDistinct, Table: "facts", Distinct: col}
		if err := l.optIf(m); err != nil {
			return nil, err
		}
		return m, nil
	}
	if c, ok := colIndex[t]; ok && c.Kind == ColNum {
		if nt := l.toks[min(l.pos+1, len(l.toks)-1)]; l.pos+1 >= len(l.toks) || !isCmp(nt) {
			m := &Measure{Kind: MSum, Table: c.tableName()}
			for {
				col := l.next()
				cc, ok := colIndex[col]
				if !ok || cc.Kind != ColNum {
					return nil, fmt.Errorf("求和需要数值列 sum needs numeric columns, got %q", col)
				}
				if cc.tableName() != m.Table {
					return nil, fmt.Errorf("不能混合住院与门诊列 cannot mix facts and visits columns")
				}
				m.Sum = append(m.Sum, col)
				if l.peek() != "+" {
					break
				}
				l.next()
			}
			if err := l.optIf(m); err != nil {
				return nil, err
			}
			if m.Table == "visits" && m.Cond != nil {
				return nil, fmt.Errorf("门急诊人次不支持 IF visits measures take no IF")
			}
			return m, nil
		}
	}
	c, err := l.cond()
	if err != nil {
		return nil, err
	}
	return &Measure{Kind: MCount, Table: "facts", Cond: c}, nil
}

func (c *Column) tableName() string {
	if c.Table == "" {
		return "facts"
	}
	return c.Table
}

func isCmp(t string) bool {
	switch t {
	case "=", "<>", "<", "<=", ">", ">=":
		return true
	}
	return false
}

func (l *lexer) optIf(m *Measure) error {
	if !isKW(l.peek(), "IF") {
		return nil
	}
	l.next()
	c, err := l.cond()
	if err != nil {
		return err
	}
	m.Cond = c
	return nil
}

func (l *lexer) cond() (*Cond, error) {
	left, err := l.and()
	if err != nil {
		return nil, err
	}
	for isKW(l.peek(), "OR") {
		l.next()
		right, err := l.and()
		if err != nil {
			return nil, err
		}
		left = &Cond{Op: "or", L: left, R: right}
	}
	return left, nil
}

func (l *lexer) and() (*Cond, error) {
	left, err := l.unary()
	if err != nil {
		return nil, err
	}
	for isKW(l.peek(), "AND") {
		l.next()
		right, err := l.unary()
		if err != nil {
			return nil, err
		}
		left = &Cond{Op: "and", L: left, R: right}
	}
	return left, nil
}

func (l *lexer) unary() (*Cond, error) {
	t := l.next()
	switch {
	case t == "":
		return nil, fmt.Errorf("表达式不完整 incomplete expression")
	case isKW(t, "NOT"):
		c, err := l.unary()
		if err != nil {
			return nil, err
		}
		return &Cond{Op: "not", L: c}, nil
	case t == "(":
		c, err := l.cond()
		if err != nil {
			return nil, err
		}
		if err := l.expect(")"); err != nil {
			return nil, err
		}
		return c, nil
	}
	col, ok := colIndex[t]
	if !ok || col.tableName() != "facts" {
		return nil, fmt.Errorf("未知列 unknown fact column %q", t)
	}
	if isCmp(l.peek()) {
		if col.Kind != ColNum {
			return nil, fmt.Errorf("列 %q 不是数值列 is not numeric", t)
		}
		op := l.next()
		n, err := strconv.ParseFloat(l.next(), 64)
		if err != nil {
			return nil, fmt.Errorf("比较需要数字 comparison needs a number: %w", err)
		}
		return &Cond{Op: "cmp", Col: t, Cmp: op, Num: n}, nil
	}
	if col.Kind != ColBool {
		return nil, fmt.Errorf("列 %q 不是布尔列 is not boolean (compare it with a number)", t)
	}
	return &Cond{Op: "col", Col: t}, nil
}

func (m *Measure) canonical() string {
	var s string
	switch m.Kind {
	case MCount:
		s = m.Cond.String()
		return s
	case MSum:
		s = strings.Join(m.Sum, " + ")
	case MDistinct:
		s = "DISTINCT " + m.Distinct
	case MInput:
		s = "INPUT(" + m.Input + ")"
		if m.PerDay {
			s += " * DAYS"
		}
		return s
	}
	if m.Cond != nil {
		s += " IF " + m.Cond.String()
	}
	return s
}

func (m *Measure) compile() {
	if m.Cond != nil {
		m.test = compileCond(m.Cond)
	}
	if m.Kind == MSum && m.Table == "facts" {
		fs := make([]func(*Fact) float64, len(m.Sum))
		for i, c := range m.Sum {
			fs[i] = colIndex[c].num
		}
		m.num = func(f *Fact) float64 {
			v := 0.0
			for _, g := range fs {
				v += g(f)
			}
			return v
		}
	}
}

func compileCond(c *Cond) func(*Fact) bool {
	switch c.Op {
	case "and":
		l, r := compileCond(c.L), compileCond(c.R)
		return func(f *Fact) bool { return l(f) && r(f) }
	case "or":
		l, r := compileCond(c.L), compileCond(c.R)
		return func(f *Fact) bool { return l(f) || r(f) }
	case "not":
		l := compileCond(c.L)
		return func(f *Fact) bool { return !l(f) }
	case "cmp":
		g, n := colIndex[c.Col].num, c.Num
		switch c.Cmp {
		case "=":
			return func(f *Fact) bool { return g(f) == n }
		case "<>":
			return func(f *Fact) bool { return g(f) != n }
		case "<":
			return func(f *Fact) bool { return g(f) < n }
		case "<=":
			return func(f *Fact) bool { return g(f) <= n }
		case ">":
			return func(f *Fact) bool { return g(f) > n }
		default:
			return func(f *Fact) bool { return g(f) >= n }
		}
	}
	g := colIndex[c.Col].num
	return func(f *Fact) bool { return g(f) != 0 }
}
