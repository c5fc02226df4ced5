package synth

import (
	"context"
	"fmt"
	"io"
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

// batchSize is the number of stays a worker fills and formats at a time:
// small enough that a batch's stays (~2 kB each) and rows stay in the
// worker's cache, large enough that handing batches over costs nothing.
const batchSize = 128

type batch struct {
	lo, hi  int
	stays   []frontpage.Stay
	defects []Defect
	hasDef  []bool
	stats   YearStats
	rows    []byte
	ends    []int // end offset of each stay's row in rows
	done    chan struct{}
}

// batchPool keeps batches between calls, so the stays' slices and the row
// buffers are already grown: a year then allocates little besides strings.
var batchPool sync.Pool

func getBatch() *batch {
	if b, ok := batchPool.Get().(*batch); ok {
		return b
	}
	return &batch{stays: make([]frontpage.Stay, batchSize), defects: make([]Defect, batchSize), hasDef: make([]bool, batchSize)}
}

// Stays generates the front pages of one year in discharge order and calls
// fn for each. The Stay passed to fn is reused once fn returns: copy it
// (CloneStay) to keep it. d is non-nil when the stay as passed carries an
// injected defect (a duplicated stay is passed twice; the second time with
// d.Kind == DefectDuplicateStay).
func (h *Hospital) Stays(ctx context.Context, year int, opt StreamOptions, fn func(s *frontpage.Stay, d *Defect) error) error {
	return h.stream(ctx, year, opt, nil, func(s *frontpage.Stay, d *Defect, _ []byte) error { return fn(s, d) })
}

// WriteCSV generates one year and writes it as CSV (header of field codes,
// then one row per stay) to w. onDefect, when set, receives every injected
// defect with its line in the file. Rows are formatted by the workers, so
// writing costs the caller only a copy.
func (h *Hospital) WriteCSV(ctx context.Context, year int, opt StreamOptions, cols []*frontpage.Field, w io.Writer, onDefect func(Defect)) error {
	sw, err := NewStayWriter(w, cols)
	if err != nil {
		return err
	}
	line := 1
	err = h.stream(ctx, year, opt, sw.cols, func(s *frontpage.Stay, d *Defect, row []byte) error {
		line++
		if d != nil && onDefect != nil {
			dd := *d
			dd.Line = line
			onDefect(dd)
		}
		sw.rows++
		_, err := sw.w.Write(row)
		return err
	})
	if err != nil {
		return err
	}
	return sw.Flush()
}

// stream is the generation pipeline: the year is planned sequentially, then
// workers fill (and, when cols is set, format) batches of stays while the
// caller's goroutine hands them to fn in order.
func (h *Hospital) stream(ctx context.Context, year int, opt StreamOptions, cols []colFn, fn func(s *frontpage.Stay, d *Defect, row []byte) error) error {
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
		free <- getBatch()
	}
	defer func() { // batches (their stays' slices, row buffers) serve the next call
		for {
			select {
			case b := <-free:
				batchPool.Put(b)
			default:
				return
			}
		}
	}()
	jobs := make(chan *batch, k)
	pending := make(chan *batch, k)
	stop := make(chan struct{})
	inj := &injector{h: h, year: year, rate: opt.DefectRate}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := newRNG(0, 0)
			r.ar = new(strArena)
			ir := newRNG(0, 0)
			for b := range jobs {
				b.stats = YearStats{}
				b.rows, b.ends = b.rows[:0], b.ends[:0]
				for i := b.lo; i < b.hi; i++ {
					s := &b.stays[i-b.lo]
					h.fill(s, yp, &yp.stays[i], i+1, r)
					if opt.Stats != nil {
						b.stats.Add(s)
					}
					b.hasDef[i-b.lo] = inj.apply(s, &yp.stays[i], ir, &b.defects[i-b.lo])
					if cols != nil {
						b.rows = appendRow(b.rows, cols, s)
						b.ends = append(b.ends, len(b.rows))
					}
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
	var dup frontpage.Stay
consume:
	for b := range pending {
		<-b.done
		if opt.Stats != nil {
			opt.Stats.merge(&b.stats)
		}
		start := 0
		for i := range b.hi - b.lo {
			if err = ctx.Err(); err != nil {
				break consume
			}
			s := &b.stays[i]
			var row []byte
			if cols != nil {
				row = b.rows[start:b.ends[i]]
				start = b.ends[i]
			}
			var d *Defect
			if b.hasDef[i] {
				d = &b.defects[i]
			}
			if d != nil && d.Kind == DefectDuplicateStay {
				copyStay(&dup, s)
				if err = fn(s, nil, row); err != nil {
					break consume
				}
				if err = fn(&dup, d, row); err != nil {
					break consume
				}
				continue
			}
			if err = fn(s, d, row); err != nil {
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

func appendRow(b []byte, cols []colFn, s *frontpage.Stay) []byte {
	for i, c := range cols {
		if i > 0 {
			b = append(b, ',')
		}
		b = c(b, s)
	}
	return append(b, '\r', '\n')
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

func (st *YearStats) merge(o *YearStats) {
	st.Discharges += o.Discharges
	st.Operations += o.Operations
	st.Level4 += o.Level4
	st.DaySurgeries += o.DaySurgeries
	st.LOSDays += o.LOSDays
	st.Deaths += o.Deaths
	st.Births += o.Births
	st.Neonates += o.Neonates
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
