package drg

import (
	"time"

	"github.com/yardstick-health/yardstick/internal/frontpage"
)

// CaseFromStay maps a front page to a grouping case: the one place that
// decides which front-page fields the grouper reads. The store's lean
// grouping read (store.DB.EachGroupInput) follows the same rules from the
// columns, and a test keeps the two in step.
//
// Birth weight is used only for patients under one year: A18x01 (新生儿出生
// 体重) first, then A17 (新生儿入院体重). On a mother's delivery record A18
// holds her baby's weight and must not make her look like a neonate. A
// missing age in days is unknown (-1), not 0.
func CaseFromStay(s *frontpage.Stay) Case {
	c := Case{ID: s.MRN, Sex: s.Sex, AgeYears: s.AgeYears.V, AgeDays: -1, LOS: s.LOS.V, DischargeWay: s.DischargeWay, Dept: s.DisDept}
	if s.AgeDays.Valid {
		c.AgeDays = s.AgeDays.V
	}
	if !s.AgeYears.Valid || s.AgeYears.V == 0 {
		if w := s.BirthWeights[0]; w.Valid && w.V > 0 {
			c.BirthWeight = w.V
		} else if w := s.NewbornAdmWeight; w.Valid && w.V > 0 {
			c.BirthWeight = w.V
		}
	}
	if !s.DisTime.IsZero() {
		t := s.DisTime
		c.Discharge = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	}
	c.Diagnoses = make([]string, 0, len(s.Diagnoses))
	for _, d := range s.Diagnoses {
		c.Diagnoses = append(c.Diagnoses, d.Code)
	}
	c.Procedures = make([]string, 0, len(s.Procedures))
	for _, p := range s.Procedures {
		c.Procedures = append(c.Procedures, p.Code)
	}
	return c
}
