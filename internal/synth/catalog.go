package synth

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
)

// Procedure kinds of the case-mix catalogue.
const (
	KindMedical        = ""  // no procedure
	KindSurgery        = "S" // 手术 (open, laparoscopic, endoscopic surgery)
	KindInterventional = "I" // 介入治疗 (PCI, ablation, embolisation, ...): counted as an operation
	KindTherapeutic    = "T" // non-surgical treatment procedure (chemotherapy, dialysis, ventilation, ...)
	KindDiagnostic     = "D" // diagnostic procedure (endoscopy with biopsy, angiography, ...)
)

// CaseType is one row of the case-mix catalogue: a principal diagnosis with
// its typical treatment in one specialty.
type CaseType struct {
	Specialty    string
	Weight       float64
	Dx, DxName   string
	Px, PxName   string
	Kind         string
	Level        string // 手术级别 1–4 ("" for none)
	Anaesthesia  string // RC013
	Incision     string // 0, 1 (I), 2 (II), 3 (III)
	DayEligible  bool   // procedure suits day surgery
	LOS          float64
	Cost         float64
	Mortality    float64
	Sex          string // "1", "2" or "" (either)
	AgeLo        float64
	AgeHi        float64
	AgeMode      float64
	Neonate      bool
	Emergency    float64 // share admitted through the emergency department
	Comorbidity  float64 // mean number of other diagnoses
	Morphology   string  // M-code for tumour principal diagnoses
	ExtCause     string  // group of external-cause codes for injuries
	Delivery     bool    // delivery record: birth weights and an outcome-of-delivery code
	BirthWtLo    int     // neonates: birth-weight band in grams
	BirthWtHi    int
	SecondDx     string // fixed first other diagnosis (e.g. the cancer under chemotherapy)
	Px2, Px2Name string
}

// IsOperation reports whether the case type's principal procedure counts as
// an operation (手术人次): a surgery or an interventional treatment with a
// level.
func (c *CaseType) IsOperation() bool {
	return (c.Kind == KindSurgery || c.Kind == KindInterventional) && c.Level != ""
}

type comorbidity struct {
	Group    string
	Weight   float64
	Dx, Name string
	MinAge   int
	POA      string
	Severity int // 0 plain, 1 CC-type, 2 MCC-type
}

type catalog struct {
	cases       []CaseType
	bySpecialty map[string][]int
	comorbid    map[string][]comorbidity
	names       map[string]string // "system\x00code" → name
	ext         map[string][]string
	morph       map[string]string
	procKind    map[string]string
}

var (
	catOnce sync.Once
	catVal  *catalog
	catErr  error
)

func loadCatalog() (*catalog, error) {
	catOnce.Do(func() { catVal, catErr = readCatalog() })
	return catVal, catErr
}

func readCSV(name string) ([][]string, error) {
	f, err := dataFS.Open("data/" + name)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", name, err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	var rows [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		rows = append(rows, rec)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s is empty", name)
	}
	return rows[1:], nil
}

func readCatalog() (*catalog, error) {
	c := &catalog{bySpecialty: map[string][]int{}, comorbid: map[string][]comorbidity{},
		names: map[string]string{}, ext: map[string][]string{}, morph: map[string]string{}, procKind: map[string]string{}}
	rows, err := readCSV("codes.csv")
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		sys, code, name := r[0], r[1], r[2]
		switch {
		case strings.HasPrefix(sys, "ext:"):
			c.ext[sys[4:]] = append(c.ext[sys[4:]], code)
			c.names["dx\x00"+code] = name
		case sys == "morph":
			c.morph[code] = name
		default:
			c.names[sys+"\x00"+code] = name
		}
	}
	dxName := func(code string) (string, error) {
		n, ok := c.names["dx\x00"+code]
		if !ok {
			return "", fmt.Errorf("diagnosis %s missing from codes.csv", code)
		}
		return n, nil
	}
	pxName := func(code string) (string, error) {
		n, ok := c.names["px\x00"+code]
		if !ok {
			return "", fmt.Errorf("procedure %s missing from codes.csv", code)
		}
		return n, nil
	}
	rows, err = readCSV("casemix.csv")
	if err != nil {
		return nil, err
	}
	for i, r := range rows {
		line := i + 2
		bad := func(e error) error { return fmt.Errorf("casemix.csv line %d: %w", line, e) }
		if len(r) != 18 {
			return nil, bad(fmt.Errorf("%d columns, want 18", len(r)))
		}
		ct := CaseType{Specialty: r[0], Dx: r[2], Px: r[3], Kind: r[4], Level: r[5], Anaesthesia: r[6],
			Incision: r[7], DayEligible: r[8] == "Y", Px2: r[17]}
		var nums [6]float64
		for k, s := range []string{r[1], r[9], r[10], r[11], r[14], r[15]} {
			if nums[k], err = strconv.ParseFloat(s, 64); err != nil {
				return nil, bad(fmt.Errorf("number %q: %w", s, err))
			}
		}
		ct.Weight, ct.LOS, ct.Cost, ct.Mortality, ct.Emergency, ct.Comorbidity = nums[0], nums[1], nums[2], nums[3], nums[4], nums[5]
		switch r[12] {
		case "M":
			ct.Sex = "1"
		case "F":
			ct.Sex = "2"
		}
		if r[13] == "N" {
			ct.Neonate = true
		} else {
			parts := strings.Split(r[13], "-")
			if len(parts) != 3 {
				return nil, bad(fmt.Errorf("age %q: want lo-hi-mode", r[13]))
			}
			var a [3]float64
			for k, s := range parts {
				if s == "I" { // infants: from 29 days
					a[k] = 29.0 / 365
					continue
				}
				if a[k], err = strconv.ParseFloat(s, 64); err != nil {
					return nil, bad(fmt.Errorf("age %q: %w", r[13], err))
				}
			}
			ct.AgeLo, ct.AgeHi, ct.AgeMode = a[0], a[1]+0.99, a[2]
		}
		for _, fl := range strings.Split(r[16], ";") {
			k, v, _ := strings.Cut(fl, ":")
			switch k {
			case "":
			case "ca", "ben":
				if _, ok := c.morph[v]; !ok {
					return nil, bad(fmt.Errorf("morphology %s missing from codes.csv", v))
				}
				ct.Morphology = v
			case "ext":
				if len(c.ext[v]) == 0 {
					return nil, bad(fmt.Errorf("external-cause group %s missing from codes.csv", v))
				}
				ct.ExtCause = v
			case "del":
				ct.Delivery = true
			case "nb":
				lo, hi, _ := strings.Cut(v, "-")
				ct.BirthWtLo, _ = strconv.Atoi(lo)
				ct.BirthWtHi, _ = strconv.Atoi(hi)
				if ct.BirthWtLo < 300 || ct.BirthWtHi < ct.BirthWtLo {
					return nil, bad(fmt.Errorf("birth weight band %q", v))
				}
			case "sec":
				ct.SecondDx = v
				if _, err := dxName(v); err != nil {
					return nil, bad(err)
				}
			default:
				return nil, bad(fmt.Errorf("unknown flag %q", fl))
			}
		}
		if ct.Neonate && ct.BirthWtLo == 0 {
			return nil, bad(fmt.Errorf("neonate case without birth-weight band"))
		}
		if ct.DxName, err = dxName(ct.Dx); err != nil {
			return nil, bad(err)
		}
		if ct.Px != "" {
			if ct.PxName, err = pxName(ct.Px); err != nil {
				return nil, bad(err)
			}
			c.procKind[ct.Px] = ct.Kind
		}
		if ct.Px2 != "" {
			if ct.Px2Name, err = pxName(ct.Px2); err != nil {
				return nil, bad(err)
			}
			if _, ok := c.procKind[ct.Px2]; !ok {
				c.procKind[ct.Px2] = KindDiagnostic
			}
		}
		if ct.Kind != KindSurgery && ct.Kind != KindInterventional {
			ct.DayEligible = false // day surgery only for operations
		}
		c.bySpecialty[ct.Specialty] = append(c.bySpecialty[ct.Specialty], len(c.cases))
		c.cases = append(c.cases, ct)
	}
	rows, err = readCSV("comorbidity.csv")
	if err != nil {
		return nil, err
	}
	for i, r := range rows {
		w, err1 := strconv.ParseFloat(r[1], 64)
		minAge, err2 := strconv.Atoi(r[3])
		sev, err3 := strconv.Atoi(r[5])
		if err1 != nil || err2 != nil || err3 != nil {
			return nil, fmt.Errorf("comorbidity.csv line %d: bad number", i+2)
		}
		name, err := dxName(r[2])
		if err != nil {
			return nil, fmt.Errorf("comorbidity.csv line %d: %w", i+2, err)
		}
		c.comorbid[r[0]] = append(c.comorbid[r[0]], comorbidity{Group: r[0], Weight: w, Dx: r[2], Name: name, MinAge: minAge, POA: r[4], Severity: sev})
	}
	return c, nil
}

// CaseTypes returns a copy of the embedded case-mix catalogue.
func CaseTypes() ([]CaseType, error) {
	c, err := loadCatalog()
	if err != nil {
		return nil, err
	}
	return append([]CaseType(nil), c.cases...), nil
}

// Code is one code the generator can write, with the code system it belongs
// to: "dx" (ICD-10 医保版 2.0 diagnosis, including external causes), "px"
// (ICD-9-CM-3 医保版 2.0 procedure) or "morph" (ICD-O-3 morphology M-code).
type Code struct {
	System, Code, Name string
}

// Codes returns every code the generator can write (tests check them against
// the national dictionaries).
func Codes() ([]Code, error) {
	c, err := loadCatalog()
	if err != nil {
		return nil, err
	}
	var out []Code
	for k, n := range c.names {
		sys, code, _ := strings.Cut(k, "\x00")
		out = append(out, Code{sys, code, n})
	}
	for code, n := range c.morph {
		out = append(out, Code{"morph", code, n})
	}
	return out, nil
}

// ProcedureKind returns the catalogue kind (KindSurgery, KindInterventional,
// KindTherapeutic, KindDiagnostic) of a procedure code the generator writes,
// or "" for codes it does not know. Calibration counts operations with it.
func ProcedureKind(code string) string {
	c, err := loadCatalog()
	if err != nil {
		return ""
	}
	return c.procKind[code]
}
