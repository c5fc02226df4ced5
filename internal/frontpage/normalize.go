package frontpage

// Normalize tidies a stay after parsing: it drops diagnosis, procedure and
// ICU lines that are entirely empty (gaps left by wide layouts with unused
// columns), keeping partially filled lines so the quality rules can report
// them, and fills the code systems with the front-page defaults when the file
// did not say.
func (s *Stay) Normalize() {
	if len(s.Diagnoses) > 0 {
		out := s.Diagnoses[:1] // the principal slot keeps its position even if empty
		for _, d := range s.Diagnoses[1:] {
			if d != (Diagnosis{}) {
				out = append(out, d)
			}
		}
		s.Diagnoses = out
		if len(s.Diagnoses) == 1 && s.Diagnoses[0] == (Diagnosis{}) {
			s.Diagnoses = nil
		}
	}
	if len(s.Procedures) > 0 {
		out := s.Procedures[:0]
		for i, p := range s.Procedures {
			if i == 0 || p != (Procedure{}) {
				out = append(out, p)
			}
		}
		s.Procedures = out
		if len(s.Procedures) == 1 && s.Procedures[0] == (Procedure{}) {
			s.Procedures = nil
		}
	}
	if len(s.ICU) > 0 {
		out := s.ICU[:0]
		for _, u := range s.ICU {
			if u != (ICUStay{}) {
				out = append(out, u)
			}
		}
		s.ICU = out
	}
	if s.DxCodeSystem == "" {
		s.DxCodeSystem = DefaultDxS
	}
	if s.PxCodeSystem == "" {
		s.PxCodeSystem = DefaultPxS
	}
}
