package synth

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/yardstick-health/yardstick/internal/hospital"
)

//go:embed data/*.csv data/profiles/*.json
var dataFS embed.FS

// Profile is the declarative description of a synthetic hospital: its
// departments with their case mix, volumes, seasonality and growth, and the
// published summary figures the generator is calibrated to. Profiles are
// embedded JSON files under data/profiles/; adding a hospital type means
// adding one file.
type Profile struct {
	Name        string `json:"name"`
	Title       string `json:"title"`
	Description string `json:"description"`
	OrgCode     string `json:"org_code"`
	OrgName     string `json:"org_name"`
	City        City   `json:"city"`
	// RefYear is the year the Summary describes; other years are derived
	// from it with Growth (volumes) and the LOS trend.
	RefYear int     `json:"ref_year"`
	Summary Summary `json:"summary"`
	Growth  struct {
		Discharges float64 `json:"discharges"` // yearly growth rate of discharges
		Visits     float64 `json:"visits"`     // yearly growth rate of outpatient+emergency visits
	} `json:"growth"`
	// MeanStayCost is the target average total cost (D01) of a stay in yuan
	// (0 = the catalogue's costs as authored). It is not part of the
	// published summary: a plausible level for the kind of hospital.
	MeanStayCost        float64       `json:"mean_stay_cost"`
	EmergencyVisitShare float64       `json:"emergency_visit_share"` // share of OP+ED visits that are emergency
	HealthChecks        int           `json:"health_checks"`         // yearly 健康体检 visits (kept apart)
	Seasonality         Seasonality   `json:"seasonality"`
	Departments         []ProfileDept `json:"departments"`
}

// City gives the hospital's location: identity numbers, addresses, postcodes
// and phone numbers of most patients are drawn from it.
type City struct {
	Name         string `json:"name"`
	Province     string `json:"province"`
	ProvinceCode string `json:"province_code"` // RC036
	AreaCode     string `json:"area_code"`     // GB/T 2260 county code, first 6 digits of local ID numbers
	Postcode     string `json:"postcode"`
	PhonePrefix  string `json:"phone_prefix"`
}

// Summary holds the published annual figures of the reference year. Zero
// means "not published": the generator then uses the case mix as authored.
type Summary struct {
	Source       string  `json:"source"`
	Visits       int     `json:"visits"`        // outpatient + emergency visits (health checks excluded)
	Discharges   int     `json:"discharges"`    // 出院人次
	Operations   int     `json:"operations"`    // 手术人次 (see docs/synth.md for the definition)
	Level4Share  float64 `json:"level4_share"`  // share of operations whose highest level is 4
	DaySurgeries int     `json:"day_surgeries"` // 日间手术人次
	MeanLOS      float64 `json:"mean_los"`      // 平均住院日
	MeanLOSPrev  float64 `json:"mean_los_prev"` // the year before
	Births       int     `json:"births"`        // live births recorded on delivery front pages
}

// Seasonality shapes admissions and visits over the year.
type Seasonality struct {
	Month             [12]float64 `json:"month"`
	WeekdayElective   [7]float64  `json:"weekday_elective"`   // Monday first
	WeekdayEmergency  [7]float64  `json:"weekday_emergency"`  // Monday first
	OutpatientWeekday [7]float64  `json:"outpatient_weekday"` // Monday first
	SpringFestivalDip float64     `json:"spring_festival_dip"`
	WinterRespPeak    float64     `json:"winter_respiratory_peak"`
}

// ProfileDept is one department of a profile.
type ProfileDept struct {
	Code           string            `json:"code"`
	Name           string            `json:"name"`
	NationalCode   string            `json:"national_code"`
	Kind           hospital.DeptKind `json:"kind"`
	Beds           int               `json:"beds"`
	DischargeShare float64           `json:"discharge_share"`
	OutpatientShr  float64           `json:"outpatient_share"`
	EmergencyShare float64           `json:"emergency_share"` // share of the hospital's emergency visits
	HealthCheck    bool              `json:"health_check"`
	CaseMix        []SpecialtyWeight `json:"case_mix"`
}

// SpecialtyWeight points a department at a specialty of the case-mix
// catalogue (data/casemix.csv).
type SpecialtyWeight struct {
	Specialty string  `json:"specialty"`
	Weight    float64 `json:"weight"`
}

// Profiles returns the names of the embedded profiles, sorted.
func Profiles() []string {
	ents, err := fs.ReadDir(dataFS, "data/profiles")
	if err != nil {
		return nil
	}
	var names []string
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".json") {
			names = append(names, strings.TrimSuffix(e.Name(), ".json"))
		}
	}
	sort.Strings(names)
	return names
}

// LoadProfile returns the embedded profile with the given name.
func LoadProfile(name string) (*Profile, error) {
	b, err := dataFS.ReadFile(path.Join("data/profiles", name+".json"))
	if err != nil {
		return nil, fmt.Errorf("未知的模拟医院类型 unknown profile %q (available: %s)", name, strings.Join(Profiles(), ", "))
	}
	return ParseProfile(b)
}

// ParseProfile reads a profile from JSON and validates it against the
// embedded case-mix catalogue.
func ParseProfile(b []byte) (*Profile, error) {
	var p Profile
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("parse profile: %w", err)
	}
	if err := p.validate(); err != nil {
		return nil, fmt.Errorf("profile %s: %w", p.Name, err)
	}
	return &p, nil
}

func (p *Profile) validate() error {
	cat, err := loadCatalog()
	if err != nil {
		return err
	}
	if p.Name == "" || p.OrgCode == "" || p.OrgName == "" {
		return fmt.Errorf("name, org_code and org_name are required")
	}
	if p.RefYear < 1990 || p.RefYear > 2100 {
		return fmt.Errorf("ref_year %d out of range", p.RefYear)
	}
	if p.Summary.Discharges <= 0 {
		return fmt.Errorf("summary.discharges must be > 0")
	}
	seen := map[string]bool{}
	share := 0.0
	for _, d := range p.Departments {
		if d.Code == "" || d.Name == "" {
			return fmt.Errorf("department without code or name")
		}
		if seen[d.Code] {
			return fmt.Errorf("duplicate department code %s", d.Code)
		}
		seen[d.Code] = true
		if d.DischargeShare < 0 || d.OutpatientShr < 0 {
			return fmt.Errorf("department %s: negative share", d.Code)
		}
		if d.DischargeShare > 0 && len(d.CaseMix) == 0 {
			return fmt.Errorf("department %s: discharges without case mix", d.Code)
		}
		for _, s := range d.CaseMix {
			if _, ok := cat.bySpecialty[s.Specialty]; !ok {
				return fmt.Errorf("department %s: unknown specialty %q", d.Code, s.Specialty)
			}
		}
		share += d.DischargeShare
	}
	if share <= 0 {
		return fmt.Errorf("no department has discharges")
	}
	return nil
}

// Departments returns the department dictionary of the profile.
func (p *Profile) DepartmentList() []hospital.Department {
	out := make([]hospital.Department, 0, len(p.Departments))
	for _, d := range p.Departments {
		kind := d.Kind
		if kind == "" {
			kind = hospital.Clinical
		}
		out = append(out, hospital.Department{OrgCode: p.OrgCode, Code: d.Code, Name: d.Name,
			Kind: kind, NationalCode: d.NationalCode, Beds: d.Beds})
	}
	return out
}
