package synth

import (
	"math"
	"strconv"
	"time"

	"github.com/yardstick-health/yardstick/internal/frontpage"
)

var (
	paymentCodes   = []string{"1.1", "2.1", "1.2", "2.2", "7", "4", "5", "6", "8", "9"}
	paymentAdult   = newCumTable([]float64{44, 33, 5, 5, 7, 2, 1.5, 1, 0.5, 1})
	paymentChild   = newCumTable([]float64{4, 78, 1, 8, 6, 1, 1.5, 0, 0, 0.5})
	aboCodes       = []string{"1", "2", "3", "4", "5", "6"}
	aboTable       = newCumTable([]float64{28, 30, 31, 9, 1, 1})
	ethnicCodes    = []string{"1", "3", "4", "5", "8", "9", "10"}
	ethnicTable    = newCumTable([]float64{970, 6, 3, 4, 8, 3, 6})
	allergyDrugs   = []string{"青霉素", "头孢类抗生素", "磺胺类药物", "阿司匹林", "碘造影剂", "链霉素"}
	readmitPurpose = map[string]string{"Z51.103": "按计划返院化疗", "Z51.003": "按计划返院放疗", "C92.000": "巩固化疗", "C83.300": "按疗程化疗", "C90.000": "按疗程化疗", "N18.500": "规律透析"}
)

// fill writes every field of the front page of one stay. s is reset first
// and its slices are reused, so filling allocates little beyond strings.
func (h *Hospital) fill(s *frontpage.Stay, yp *yearPlan, sk *skel, serial int, r *rng) {
	dxs, pxs, icu, tr := s.Diagnoses[:0], s.Procedures[:0], s.ICU[:0], s.TransferDepts[:0]
	*s = frontpage.Stay{}
	s.Diagnoses, s.Procedures, s.ICU, s.TransferDepts = dxs, pxs, icu, tr
	r.seed(sk.seed, 7)
	p := h.Profile
	dp := h.depts[sk.dept]
	ct := &h.cat.cases[sk.ct]

	// The patient: a readmission reuses the identity of the first stay of
	// the year (its seed drives every identity draw below).
	head, headSerial := sk, serial
	if sk.head >= 0 {
		head, headSerial = &yp.stays[sk.head], int(sk.head)+1
	}
	prv := rng{ar: r.ar}
	prv.seed(head.seed, 17)
	pr := &prv

	s.OrgCode, s.OrgName = p.OrgCode, p.OrgName
	s.MRN = mrn(r, yp.year, headSerial)
	s.AdmissionNo = 1
	if !ct.Neonate && pr.chance(0.15+0.004*float64(head.age)+readmitProb(ct)/2) {
		s.AdmissionNo = 2 + int(-math.Log(1-pr.float())*1.5) // stays in earlier years
	}
	s.AdmissionNo += int(sk.chainPos)
	s.DxCodeSystem, s.PxCodeSystem = frontpage.DxYibao2, frontpage.PxYibao2

	// Times.
	s.AdmTime = yp.start.Add(time.Duration(sk.admMin) * time.Minute)
	s.DisTime = yp.start.Add(time.Duration(sk.disMin) * time.Minute)
	los := int(sk.los)
	s.LOS = frontpage.Some(los)

	// Patient.
	sex := ct.Sex
	if sex == "" {
		sex = "1"
		if pr.chance(0.5) {
			sex = "2"
		}
	}
	s.Sex = sex
	admDate := dateOf(s.AdmTime)
	var birth time.Time
	if ct.Neonate {
		birth = admDate.AddDate(0, 0, -int(sk.neonDays))
	} else {
		days := int(float64(head.age) * 365.25)
		birth = dateOf(yp.start.Add(time.Duration(head.admMin)*time.Minute)).AddDate(0, 0, -days)
	}
	s.BirthDate = birth
	years, days := ageAt(birth, admDate)
	s.AgeYears = frontpage.Some(years)
	if years == 0 {
		s.AgeDays = frontpage.Some(days)
	}
	ar := h.areas.pick(pr)
	rural := pr.chance(0.25)
	if ct.Neonate {
		mother := personName(pr, "2")
		suffix := "之子"
		if sex == "2" {
			suffix = "之女"
		}
		s.Name = pr.cat(mother, suffix)
		s.IDType, s.IDNumber = "9", "-" // newborns have no ID card yet
		s.ContactName, s.ContactRelation = mother, "5"
	} else {
		s.Name = personName(pr, sex)
		s.IDType = "1"
		s.IDNumber = idNumber(pr, ar.code, birth, sex)
	}
	s.Nationality = "156"
	s.Ethnicity = ethnicCodes[ethnicTable.pick(pr)]
	s.HealthCard = "-"
	if pr.chance(0.3) && !ct.Neonate {
		s.HealthCard = s.IDNumber
	}
	if years < 18 {
		s.Payment = paymentCodes[paymentChild.pick(pr)]
	} else {
		s.Payment = paymentCodes[paymentAdult.pick(pr)]
	}
	switch {
	case years < 20:
		s.Marital = "1"
	case years < 28:
		s.Marital = pick2(pr, 0.55, "2", "1")
	case years >= 75:
		s.Marital = pick2(pr, 0.35, "3", "2")
	default:
		s.Marital = pick2(pr, 0.93, "2", "4")
	}
	working := false
	switch {
	case years < 7:
		s.Occupation = "90"
	case years < 23:
		s.Occupation = "31"
	case years >= 60:
		s.Occupation = "80"
	default:
		occ := []string{"24", "27", "13", "17", "54", "51", "21", "11", "70"}
		s.Occupation = occ[pr.intn(len(occ))]
		working = s.Occupation != "70" && s.Occupation != "27"
		if rural && pr.chance(0.6) {
			s.Occupation, working = "27", false
		}
	}
	s.BirthPlace = pr.cat(ar.province, ar.city, ar.district)
	s.NativeProvince = ar.provCode
	s.RegAddress = address(pr, ar, rural)
	s.RegPostcode = ar.postcode
	if pr.chance(0.85) {
		s.Address, s.Postcode = s.RegAddress, ar.postcode
	} else {
		hr := h.areas.pick(pr)
		s.Address, s.Postcode = address(pr, hr, false), hr.postcode
	}
	s.Phone = mobile(pr)
	if working {
		s.Employer = employer(pr, ar)
		s.EmployerPhone = landline(pr, p.City.PhonePrefix)
		s.EmployerPostcode = ar.postcode
	} else {
		s.Employer, s.EmployerPhone, s.EmployerPostcode = "无", "-", "-"
	}
	if !ct.Neonate {
		switch {
		case years < 18:
			c1 := femaleChars[pr.intn(len(femaleChars))]
			s.ContactName, s.ContactRelation = pr.cat(surnameOf(s.Name), c1, femaleChars[pr.intn(len(femaleChars))]), "5"
		case s.Marital == "2":
			other := "2"
			if sex == "2" {
				other = "1"
			}
			s.ContactName, s.ContactRelation = personName(pr, other), "1"
		case years >= 60:
			c1 := maleChars[pr.intn(len(maleChars))]
			s.ContactName, s.ContactRelation = pr.cat(surnameOf(s.Name), c1), pick2(pr, 0.5, "2", "3")
		default:
			s.ContactName, s.ContactRelation = personName(pr, "2"), pick2(pr, 0.6, "5", "7")
		}
	}
	s.ContactAddress = s.Address
	s.ContactPhone = mobile(pr)

	// Newborn weights.
	if ct.Neonate {
		bw := roundTo10(ct.BirthWtLo + r.intn(ct.BirthWtHi-ct.BirthWtLo+1))
		s.BirthWeights[0] = frontpage.Some(bw)
		adm := bw
		if sk.neonDays > 3 {
			adm = roundTo10(int(float64(bw) * (1 + 0.012*float64(sk.neonDays-3))))
		} else if sk.neonDays > 0 {
			adm = roundTo10(int(float64(bw) * (1 - 0.02*float64(sk.neonDays))))
		}
		s.NewbornAdmWeight = frontpage.Some(adm)
	}

	// Admission, departments, discharge.
	s.DaySurgery = "0"
	if sk.day {
		s.DaySurgery = "1"
	}
	switch {
	case sk.emergency:
		s.AdmRoute = "1"
	case r.chance(0.03):
		s.AdmRoute = "3"
	default:
		s.AdmRoute = "2"
	}
	s.AdmDept, s.DisDept = dp.prof.Code, dp.prof.Code
	ward := dp.wards[r.intn(len(dp.wards))]
	s.AdmWard, s.DisWard = ward, ward
	switch {
	case sk.died:
		s.DischargeWay = frontpage.DischargeDeath
		s.Autopsy = pick2(r, 0.03, "1", "2")
	default:
		x := r.float()
		switch {
		case x < 0.015:
			s.DischargeWay = "2"
			s.ReceivingOrg = h.refOrgs[r.intn(3)]
		case x < 0.025:
			s.DischargeWay = "3"
			s.ReceivingOrg = ar.district + h.refOrgs[3+r.intn(2)]
		case x < 0.055:
			s.DischargeWay = "4"
		case x < 0.06:
			s.DischargeWay = "9"
		default:
			s.DischargeWay = "1"
		}
	}
	s.ReadmitPlan = "1"
	if purpose, ok := readmitPurpose[ct.Dx]; ok && !sk.died {
		s.ReadmitPlan, s.ReadmitPurpose = "2", purpose
	}

	// Staff.
	k := r.intn(len(dp.chiefs))
	s.DeptHead = dp.head
	s.ChiefPhysician = dp.chiefs[k]
	s.Attending = dp.attending[r.intn(len(dp.attending))]
	s.Resident = dp.residents[r.intn(len(dp.residents))]
	s.Nurse = dp.nurses[r.intn(len(dp.nurses))]
	s.Visiting, s.Intern = "-", "-"
	if r.chance(0.3) {
		s.Intern = staffName(r)
	}
	s.Coder = h.coders[r.intn(len(h.coders))]
	s.RecordQuality = pick2(r, 0.96, "1", "2")
	s.QCPhysician = h.qcDocs[r.intn(len(h.qcDocs))]
	s.QCNurse = h.qcNurses[r.intn(len(h.qcNurses))]
	s.QCDate = dateOf(s.DisTime).AddDate(0, 0, 1+r.intn(6))

	// Diagnoses.
	s.OPDxCode, s.OPDxName = ct.Dx, ct.DxName
	if ct.SecondDx != "" { // chemo/radiotherapy stays: the outpatient diagnosis is the tumour
		s.OPDxCode, s.OPDxName = ct.SecondDx, h.cat.names["dx\x00"+ct.SecondDx]
	}
	switch {
	case sk.died && sk.emergency || ct.Mortality >= 0.1:
		s.AdmCondition = "1"
	case sk.emergency:
		s.AdmCondition = "2"
	default:
		s.AdmCondition = "3"
	}
	s.Diagnoses = append(s.Diagnoses, frontpage.Diagnosis{Code: ct.Dx, Name: ct.DxName, POA: "1"})
	if ct.SecondDx != "" {
		s.Diagnoses = append(s.Diagnoses, frontpage.Diagnosis{Code: ct.SecondDx, Name: h.cat.names["dx\x00"+ct.SecondDx], POA: "1"})
	}
	if ct.Delivery {
		twins := r.chance(0.015)
		code := "Z37.000x001"
		if twins {
			code = "Z37.200x003"
		}
		s.Diagnoses = append(s.Diagnoses, frontpage.Diagnosis{Code: code, Name: h.cat.names["dx\x00"+code], POA: "4"})
		mean, sd := 3300.0, 420.0
		if ct.Dx[:3] == "O60" || ct.Dx[:3] == "O14" || ct.Dx[:3] == "O36" {
			mean, sd = 2350, 450
		}
		if twins {
			mean -= 700
		}
		nb := 1
		if twins {
			nb = 2
		}
		for b := 0; b < nb; b++ {
			w := mean + sd*r.norm()
			w = math.Max(900, math.Min(4950, w))
			s.BirthWeights[b] = frontpage.Some(roundTo10(int(w)))
		}
	}
	h.addComorbidities(s, ct, sk, r)

	if ct.Morphology != "" {
		s.PathologyCode, s.PathologyName = ct.Morphology, h.cat.morph[ct.Morphology]
		var buf [16]byte
		b := strconv.AppendInt(append(buf[:0], 'B'), int64(yp.year), 10)
		s.PathologyNo = r.str(appendPad(append(b, '-'), serial%1000000, 6))
	}
	if ct.ExtCause != "" {
		list := h.cat.ext[ct.ExtCause]
		code := list[r.intn(len(list))]
		s.ExtCauseCode, s.ExtCauseName = code, h.cat.names["dx\x00"+code]
	}
	s.DrugAllergy = "1"
	if r.chance(0.06) {
		s.DrugAllergy, s.AllergyDrugs = "2", allergyDrugs[r.intn(len(allergyDrugs))]
	}
	s.ABO = aboCodes[aboTable.pick(pr)]
	s.Rh = pick2(pr, 0.996, "2", "1")
	if s.ABO == "5" || s.ABO == "6" {
		s.Rh = map[string]string{"5": "3", "6": "4"}[s.ABO]
	}
	for i := 0; i < 3; i++ {
		s.ComaBefore[i], s.ComaAfter[i] = frontpage.Some(0), frontpage.Some(0)
	}
	if ct.Dx[0] == 'S' && ct.Dx[1] == '0' && ct.Dx[2] == '6' || ct.Dx[:3] == "I61" {
		if r.chance(0.4) {
			s.ComaBefore = [3]frontpage.Opt[int]{frontpage.Some(0), frontpage.Some(r.intn(12)), frontpage.Some(r.intn(60))}
		}
		if r.chance(0.3) {
			s.ComaAfter = [3]frontpage.Opt[int]{frontpage.Some(r.intn(3)), frontpage.Some(r.intn(24)), frontpage.Some(r.intn(60))}
		}
	}

	// Procedures.
	h.addProcedures(s, ct, sk, dp, r)

	// Intensive care, and the transfers it implies.
	h.addICU(s, ct, sk, r)
	h.addTransfers(s, sk, dp, r)

	// Costs.
	var expected float64 // computed once when the plan fitted the cost level
	if yp.baseCost != nil {
		expected = yp.baseCost[serial-1]
	} else {
		expected = baseCost(ct, sk)
	}
	h.addCosts(s, ct, sk, expected, yp.costMult, r)
	s.TransfusionReaction = "0"
	if s.Costs[frontpage.CostBlood].V > 0 {
		s.TransfusionReaction = pick2(r, 0.01, "1", "2")
	}
}

func (h *Hospital) addComorbidities(s *frontpage.Stay, ct *CaseType, sk *skel, r *rng) {
	list := h.cat.comorbid[h.comorbGroup(ct, float64(sk.age))]
	if len(list) == 0 {
		return
	}
	want := [3]int{int(sk.nPlain), int(sk.nCC), int(sk.nMCC)}
	for sev := 2; sev >= 0; sev-- { // severe before mild (2016 规范 art. 19)
		for n := 0; n < want[sev]; n++ {
			for try := 0; try < 12; try++ {
				c := &list[r.intn(len(list))]
				if c.Severity != sev || float64(c.MinAge) > float64(sk.age) && !ct.Neonate || hasDx(s, c.Dx) {
					continue
				}
				if r.float()*40 > c.Weight+8 { // favour the common conditions
					continue
				}
				poa := c.POA
				if poa == "1" && r.chance(0.03) {
					poa = "3"
				}
				s.Diagnoses = append(s.Diagnoses, frontpage.Diagnosis{Code: c.Dx, Name: c.Name, POA: poa})
				break
			}
		}
	}
}

func hasDx(s *frontpage.Stay, code string) bool {
	for i := range s.Diagnoses {
		if s.Diagnoses[i].Code == code {
			return true
		}
	}
	return false
}

var incisionHealing = map[string][]string{"1": {"1", "2", "3"}, "2": {"4", "5", "6"}, "3": {"7", "8", "9"}}

func (h *Hospital) addProcedures(s *frontpage.Stay, ct *CaseType, sk *skel, dp *deptPlan, r *rng) {
	if ct.Px == "" {
		return
	}
	admDate := dateOf(s.AdmTime)
	los := int(sk.los)
	var offset int
	switch {
	case sk.day || los == 0:
		offset = 0
	case sk.emergency:
		offset = r.intn(min(2, los) + 1)
		if offset > 0 && r.chance(0.5) {
			offset = 0
		}
	default:
		offset = 1 + r.intn(max(1, min(3, los-1)))
		if offset > los {
			offset = los
		}
	}
	day := admDate.AddDate(0, 0, offset)
	t := day.Add(time.Duration(8*60+r.intn(10*60)) * time.Minute)
	if t.Before(s.AdmTime) {
		t = s.AdmTime.Add(time.Duration(30+r.intn(120)) * time.Minute)
	}
	if t.After(s.DisTime) {
		t = s.DisTime.Add(-time.Duration(60+r.intn(60)) * time.Minute)
		if t.Before(s.AdmTime) {
			t = s.AdmTime
		}
	}
	t = t.Truncate(time.Minute)
	p := frontpage.Procedure{Code: ct.Px, Name: ct.PxName, Date: t, Level: ct.Level}
	surgical := ct.Kind == KindSurgery || ct.Kind == KindInterventional
	if surgical || ct.Level != "" {
		if r.chance(0.6) {
			p.Surgeon = dp.chiefs[r.intn(len(dp.chiefs))]
		} else {
			p.Surgeon = dp.attending[r.intn(len(dp.attending))]
		}
		p.Assistant1 = dp.attending[r.intn(len(dp.attending))]
		if surgical && ct.Level >= "3" {
			p.Assistant2 = dp.residents[r.intn(len(dp.residents))]
		}
	} else {
		p.Surgeon = s.Attending
	}
	if ct.Anaesthesia != "" {
		p.Anaesthesia = ct.Anaesthesia
		if ct.Anaesthesia == "0302" || ct.Anaesthesia == "0301" {
			p.Anaesthetist = p.Surgeon // local anaesthesia is given by the operator
		} else {
			p.Anaesthetist = h.anaes[r.intn(len(h.anaes))]
		}
	}
	if ct.Incision != "" {
		if heal, ok := incisionHealing[ct.Incision]; ok {
			x := r.float()
			switch {
			case x < 0.96 || ct.Incision == "3" && x < 0.85:
				p.Incision = heal[0]
			case x < 0.995:
				p.Incision = heal[1]
			default:
				p.Incision = heal[2]
			}
		} else {
			p.Incision = ct.Incision
		}
	}
	if surgical {
		p.Elective = "1"
		if sk.emergency {
			p.Elective = "2"
		}
	}
	s.Procedures = append(s.Procedures, p)
	if ct.Px2 != "" {
		q := frontpage.Procedure{Code: ct.Px2, Name: ct.Px2Name, Date: t, Surgeon: p.Surgeon, Level: "",
			Anaesthesia: p.Anaesthesia, Anaesthetist: p.Anaesthetist}
		if h.cat.procKind[ct.Px2] == KindDiagnostic || h.cat.procKind[ct.Px2] == "" {
			q.Level = "2"
		}
		if q.Anaesthesia == "" {
			q.Anaesthetist = ""
		}
		q.Elective = p.Elective
		s.Procedures = append(s.Procedures, q)
	}
}

func (h *Hospital) addICU(s *frontpage.Stay, ct *CaseType, sk *skel, r *rng) {
	vent := ct.Px == "96.7101" || ct.Px == "96.7201" || ct.Px == "96.0400"
	icuDept := h.depts[sk.dept].prof.NationalCode == "28"
	severe := sk.nMCC > 0 && (ct.IsOperation() && ct.Level == "4" || sk.died) && r.chance(0.4)
	if !vent && !icuDept && !severe || sk.los < 1 {
		return
	}
	typ := "07"
	switch {
	case ct.Neonate:
		typ = "04"
	case sk.age < 14:
		typ = "05"
	case ct.IsOperation():
		typ = "03"
	case ct.Dx[0] == 'I':
		typ = "01"
	case ct.Dx[0] == 'J':
		typ = "02"
	}
	in := s.AdmTime.Add(time.Duration(30+r.intn(180)) * time.Minute)
	if len(s.Procedures) > 0 && ct.IsOperation() {
		in = s.Procedures[0].Date.Add(3 * time.Hour)
	}
	total := s.DisTime.Sub(in)
	frac := 0.3 + 0.5*r.float()
	if icuDept {
		frac = 0.85
	}
	out := in.Add(time.Duration(float64(total) * frac)).Truncate(time.Minute)
	if !out.After(in) || out.After(s.DisTime) {
		return
	}
	s.ICU = append(s.ICU, frontpage.ICUStay{Type: typ, In: in.Truncate(time.Minute), Out: out})
	if vent {
		hours := int(out.Sub(in).Hours() * 0.9)
		if ct.Px == "96.7101" && hours >= 96 {
			hours = 72 + r.intn(23)
		}
		if ct.Px == "96.7201" && hours < 96 {
			hours = 96 // the code says ≥ 96 hours; the ICU episode is then stretched
			s.ICU[0].Out = s.ICU[0].In.Add(100 * time.Hour)
			if s.ICU[0].Out.After(s.DisTime) {
				s.ICU[0].Out = s.DisTime
				hours = int(s.DisTime.Sub(s.ICU[0].In).Hours())
			}
		}
		if hours < 1 {
			hours = 1
		}
		s.VentHours = frontpage.Some(hours)
	}
}

func mrn(r *rng, year, serial int) string {
	var buf [16]byte
	return r.str(appendPad(appendPad(buf[:0], year%100, 2), serial, 7))
}

// appendPad appends the last width digits of v, zero-padded.
func appendPad(b []byte, v, width int) []byte {
	n := len(b)
	for range width {
		b = append(b, '0')
	}
	for i := n + width - 1; i >= n; i-- {
		b[i] = byte('0' + v%10)
		v /= 10
	}
	return b
}

func pick2(r *rng, p float64, a, b string) string {
	if r.chance(p) {
		return a
	}
	return b
}

func roundTo10(v int) int { return (v + 5) / 10 * 10 }

func dateOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// ageAt returns completed years and, for infants, days since birth.
func ageAt(birth, at time.Time) (years, days int) {
	ay, am, ad := at.Date()
	by, bm, bd := birth.Date()
	years = ay - by
	if am < bm || am == bm && ad < bd {
		years--
	}
	if years < 0 {
		years = 0
	}
	days = int(at.Sub(birth).Hours() / 24)
	return
}

func surnameOf(name string) string {
	for i := range name {
		if i > 0 {
			return name[:i]
		}
	}
	return name
}

// addTransfers records 转科: patients of ward departments who spent time in
// intensive care usually went through the ICU department and came back
// (B21C = ICU, own department); patients of the ICU department mostly came
// from the emergency department, and some are transferred back to a ward
// before discharge.
func (h *Hospital) addTransfers(s *frontpage.Stay, sk *skel, dp *deptPlan, r *rng) {
	if h.icu == nil {
		return
	}
	icu := h.icu.prof.Code
	switch {
	case dp == h.icu:
		if sk.emergency && h.edCode != "" && r.chance(0.7) {
			s.AdmDept, s.AdmWard = h.edCode, h.edName+"抢救室"
			s.TransferDepts = append(s.TransferDepts, icu)
		}
		if !sk.died && sk.los >= 3 && r.chance(0.3) {
			to := h.depts[r.intn(len(h.depts))]
			if to != h.icu && to.prof.NationalCode != "0701" && to.prof.NationalCode != "0502" {
				if len(s.TransferDepts) == 0 {
					s.TransferDepts = append(s.TransferDepts, icu)
				}
				s.TransferDepts = append(s.TransferDepts, to.prof.Code)
				s.DisDept, s.DisWard = to.prof.Code, to.wards[r.intn(len(to.wards))]
			}
		}
	case len(s.ICU) > 0 && s.ICU[0].Type != "04" && s.ICU[0].Type != "05" && r.chance(0.6):
		s.TransferDepts = append(s.TransferDepts, icu)
		if !sk.died || r.chance(0.5) {
			s.TransferDepts = append(s.TransferDepts, dp.prof.Code)
		} else {
			s.DisDept, s.DisWard = icu, h.icu.wards[0]
		}
	}
}
