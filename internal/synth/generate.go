package synth

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"github.com/yardstick-health/yardstick/internal/frontpage"
)

// StreamOptions tune Hospital.Stays.
type StreamOptions struct {
	// DefectRate is the share of stays that get one injected defect (0 = a
	// clean file). Each defect is reported to the callback.
	DefectRate float64
	// Stats, when set, accumulates the year's figures from the clean stays
	// (before defects are injected).
	Stats *YearStats
	// Workers is the number of goroutines filling front pages (0 = GOMAXPROCS,
	// at most 8). The output does not depend on it.
	Workers int
}

const batchSize = 512

type batch struct {
	lo, hi int
	stays  []frontpage.Stay
	done   chan struct{}
}

// Stays generates the front pages of one year in discharge order and calls
// fn for each. The Stay passed to fn is reused once fn returns: copy it
// (CloneStay) to keep it. d is non-nil when the stay as passed carries an
// injected defect (a duplicated stay is passed twice; the second time with
// d.Kind == DefectDuplicateStay).
func (h *Hospital) Stays(ctx context.Context, year int, opt StreamOptions, fn func(s *frontpage.Stay, d *Defect) error) error {
	if year < 1990 || year > 2100 {
		return fmt.Errorf("年份超出范围 year out of range: %d", year)
	}
	if opt.DefectRate < 0 || opt.DefectRate > 1 {
		return fmt.Errorf("缺陷比例必须在 0 到 1 之间 defect rate must be in [0, 1], got %v", opt.DefectRate)
	}
	yp := h.planYear(year)
	workers := opt.Workers
	if workers <= 0 {
		workers = min(runtime.GOMAXPROCS(0), 8)
	}
	nb := (len(yp.stays) + batchSize - 1) / batchSize
	k := 2 * workers
	free := make(chan *batch, k)
	for i := 0; i < k; i++ {
		free <- &batch{stays: make([]frontpage.Stay, batchSize)}
	}
	jobs := make(chan *batch, k)
	pending := make(chan *batch, k)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := newRNG(0, 0)
			for b := range jobs {
				for i := b.lo; i < b.hi; i++ {
					h.fill(&b.stays[i-b.lo], yp, &yp.stays[i], i+1, r)
				}
				close(b.done)
			}
		}()
	}
	go func() {
		defer close(pending)
		defer close(jobs)
		for i := 0; i < nb; i++ {
			var b *batch
			select {
			case b = <-free:
			case <-stop:
				return
			}
			b.lo, b.hi = i*batchSize, min((i+1)*batchSize, len(yp.stays))
			b.done = make(chan struct{})
			jobs <- b
			pending <- b
		}
	}()
	var err error
	inj := newInjector(h, year, opt.DefectRate)
	var dup frontpage.Stay
consume:
	for b := range pending {
		<-b.done
		for i := range b.hi - b.lo {
			if err = ctx.Err(); err != nil {
				break consume
			}
			s := &b.stays[i]
			if opt.Stats != nil {
				opt.Stats.Add(s)
			}
			d := inj.apply(s, b.lo+i)
			if d != nil && d.Kind == DefectDuplicateStay {
				copyStay(&dup, s)
				if err = fn(s, nil); err != nil {
					break consume
				}
				if err = fn(&dup, d); err != nil {
					break consume
				}
				continue
			}
			if err = fn(s, d); err != nil {
				break consume
			}
		}
		free <- b
	}
	if err != nil {
		close(stop)
		for b := range pending { // let the producer and workers finish
			<-b.done
		}
	}
	wg.Wait()
	return err
}

// CloneStay returns a deep copy of a stay.
func CloneStay(s *frontpage.Stay) *frontpage.Stay {
	c := new(frontpage.Stay)
	copyStay(c, s)
	return c
}

func copyStay(dst, src *frontpage.Stay) {
	dx, px, icu, tr := dst.Diagnoses[:0], dst.Procedures[:0], dst.ICU[:0], dst.TransferDepts[:0]
	*dst = *src
	dst.Diagnoses = append(dx, src.Diagnoses...)
	dst.Procedures = append(px, src.Procedures...)
	dst.ICU = append(icu, src.ICU...)
	dst.TransferDepts = append(tr, src.TransferDepts...)
	if len(src.TransferDepts) == 0 {
		dst.TransferDepts = nil
	}
	if len(src.ICU) == 0 {
		dst.ICU = nil
	}
}

// YearStats are the figures of a year that the profile summary publishes,
// computed from front pages (definitions in docs/synth.md).
type YearStats struct {
	Discharges   int
	Operations   int // stays with at least one surgery/intervention of level 1–4
	Level4       int // operations whose highest level is 4
	DaySurgeries int // B38 = 1
	LOSDays      int // sum of B20
	Deaths       int
	Births       int // birth weights recorded on delivery records
	Neonates     int
}

// Add counts one stay.
func (st *YearStats) Add(s *frontpage.Stay) {
	st.Discharges++
	if s.LOS.Valid {
		st.LOSDays += s.LOS.V
	}
	if s.Died() {
		st.Deaths++
	}
	if s.DaySurgery == "1" {
		st.DaySurgeries++
	}
	op, top := false, ""
	for i := range s.Procedures {
		p := &s.Procedures[i]
		k := ProcedureKind(p.Code)
		if (k == KindSurgery || k == KindInterventional) && p.Level >= "1" && p.Level <= "4" {
			op = true
			if p.Level > top {
				top = p.Level
			}
		}
	}
	if op {
		st.Operations++
		if top == "4" {
			st.Level4++
		}
	}
	if s.AgeDays.Valid && s.AgeDays.V <= 28 && s.AgeYears.V == 0 {
		st.Neonates++
	} else {
		for _, w := range s.BirthWeights {
			if w.Valid {
				st.Births++
			}
		}
	}
}

// MeanLOS is the average length of stay.
func (st *YearStats) MeanLOS() float64 {
	if st.Discharges == 0 {
		return 0
	}
	return float64(st.LOSDays) / float64(st.Discharges)
}

// Level4Share is the share of operations at level 4.
func (st *YearStats) Level4Share() float64 {
	if st.Operations == 0 {
		return 0
	}
	return float64(st.Level4) / float64(st.Operations)
}
