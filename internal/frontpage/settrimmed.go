package frontpage

// SetTrimmed is Set for callers that have already trimmed raw and checked
// that it is not blank (IsBlank). The importer calls it on its hot path,
// where trimming every cell twice was a measurable share of the parse time.
func (f *Field) SetTrimmed(s *Stay, v string) error { return f.set(s, v) }
