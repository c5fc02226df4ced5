// Package synth generates synthetic hospitals: inpatient front pages
// (住院病案首页), daily outpatient/emergency/health-check visit counts and the
// department dictionary, deterministically for a seed, calibrated to a
// profile's published annual summary, optionally with injected defects and a
// truth file listing them.
//
// Profiles are embedded JSON (data/profiles/*.json); the case-mix catalogue
// (data/casemix.csv), comorbidities (data/comorbidity.csv) and every code the
// generator writes with its name (data/codes.csv, ICD-10 医保版 2.0 and
// ICD-9-CM-3 医保版 2.0) are embedded CSV. Nothing is read from outside the
// binary at run time.
//
// Files (yardstick synth, or Generate):
//
//	res, err := synth.Generate(ctx, synth.Config{Profile: "tertiary-general",
//		Years: []int{2020, 2021}, Seed: 1, Scale: 0.01, Defects: 0.05}, dir)
//
// Streams (tests, benchmarks, the demo):
//
//	p, _ := synth.LoadProfile("county-general")
//	h, _ := synth.NewHospital(p, seed, 0.01)
//	err := h.Stays(ctx, 2021, synth.StreamOptions{}, func(s *frontpage.Stay, d *synth.Defect) error {
//		// s is reused after return: synth.CloneStay(s) to keep it
//		return nil
//	})
//	visits := h.Visits(2021)            // []hospital.VisitCount
//	depts := p.DepartmentList()         // []hospital.Department
//
// Stays come in discharge order. Generation is split into a cheap plan of the
// year (department sizes, case types, dates, lengths of stay, each stay's own
// seed; departments are planned in parallel from their own streams) and a
// parallel fill of the front pages from each
// stay's seed, so the output is identical whatever the number of workers.
// Random streams are PCG generators seeded by splitmix64 of (seed, year,
// department, ...).
//
// Calibration: department sizes and case-mix weights are adjusted when the
// hospital is built so the expected births, share of stays with an operation,
// level-4 share and day surgeries match the profile summary; lengths of stay
// are scaled per year so the mean matches the summary (and the previous
// year's figure for the year before). Definitions are in docs/synth.md.
package synth
