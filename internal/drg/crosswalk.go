package drg

// HasCrosswalks reports whether the pack carries both 国家临床版 → 医保版
// crosswalks (diagnoses and procedures). Callers that know each stay's code
// system (the store) translate only what is coded in 国家临床版.
func (s *Scheme) HasCrosswalks() bool { return s.dxXwalk != nil && s.pxXwalk != nil }

// TranslateDx maps a 国家临床版 diagnosis code to the scheme's 医保版 code.
func (s *Scheme) TranslateDx(code string) (string, bool) {
	id, ok := s.dxXwalk[code]
	if !ok {
		return "", false
	}
	return s.dxCode[id], true
}

// TranslatePx maps a 国家临床版 procedure code to the scheme's 医保版 code.
func (s *Scheme) TranslatePx(code string) (string, bool) {
	id, ok := s.pxXwalk[code]
	if !ok {
		return "", false
	}
	return s.pxCode[id], true
}
