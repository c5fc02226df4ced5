package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	bindings "github.com/duckdb/duckdb-go-bindings"

	"github.com/yardstick-health/yardstick/internal/frontpage"
)

// EachStay reads the store in parts of readPartIDs consecutive stay ids. Two
// readers, each on its own connection, fill parts concurrently while the
// caller consumes earlier parts in order. A part is four plain range
// queries (stays and the three child tables, no ORDER BY and no
// aggregation: DuckDB sorting or concatenating cost more than the rows
// themselves) read column by column from DuckDB's data chunks (duckchunk.go)
// and assembled in Go. Measured in docs/storage.md, "Reading stays back".
const (
	readPartIDs = 16384
	readReaders = 2
)

// stayReadCol is one column of the stays query and where it goes: the
// offset of its field in frontpage.Stay, taken from the column's accessor
// (fieldOffset), so the reader stores values without a call per value.
type stayReadCol struct {
	kind colKind
	off  uintptr
}

var (
	stayReadCols []stayReadCol // after stay_id, import_id and admission_no; the packed column last
	packedRead   []stayReadCol // the fields of the packed column, in order
	stayReadSQL  string
	stayReadWant []duckType
)

func init() {
	names := []string{"stay_id", "import_id", "admission_no"}
	stayReadWant = []duckType{dtBigint, dtBigint, dtBigint}
	for i := range stayCols {
		c := &stayCols[i]
		rc := stayReadCol{kind: c.Kind, off: fieldOffset(c)}
		if c.Packed {
			packedRead = append(packedRead, rc)
			continue
		}
		stayReadCols = append(stayReadCols, rc)
		stayReadWant = append(stayReadWant, map[colKind]duckType{colText: dtVarchar, colList: dtVarchar, colInt: dtBigint,
			colFloat: dtDouble, colDate: dtDate, colTime: dtTimestamp}[c.Kind])
		names = append(names, c.Name)
	}
	names = append(names, packedColumn)
	stayReadWant = append(stayReadWant, dtVarchar)
	stayReadSQL = "SELECT " + strings.Join(names, ", ") + " FROM stays WHERE "
}

// fieldOffset is the offset in frontpage.Stay of the field c's accessor
// points to.
func fieldOffset(c *stayCol) uintptr {
	var probe frontpage.Stay
	var p unsafe.Pointer
	switch c.Kind {
	case colText:
		p = unsafe.Pointer(c.str(&probe))
	case colList:
		p = unsafe.Pointer(c.list(&probe))
	case colInt:
		p = unsafe.Pointer(c.num(&probe))
	case colFloat:
		p = unsafe.Pointer(c.amt(&probe))
	case colDate, colTime:
		p = unsafe.Pointer(c.tm(&probe))
	}
	off := uintptr(p) - uintptr(unsafe.Pointer(&probe))
	if p == nil || off >= unsafe.Sizeof(probe) {
		panic("store: accessor of column " + c.Name + " does not point into the Stay")
	}
	return off
}

// The child tables, one row per line.
var (
	dxReadSQL   = "SELECT stay_id, seq, code, name, poa FROM stay_diagnoses WHERE "
	dxReadWant  = []duckType{dtBigint, dtInteger, dtVarchar, dtVarchar, dtVarchar}
	pxReadSQL   = "SELECT stay_id, seq, code, op_date, " + packedColumn + " FROM stay_procedures WHERE "
	pxReadWant  = []duckType{dtBigint, dtInteger, dtVarchar, dtTimestamp, dtVarchar}
	icuReadSQL  = "SELECT stay_id, seq, icu_type, in_time, out_time FROM stay_icu WHERE "
	icuReadWant = []duckType{dtBigint, dtInteger, dtVarchar, dtTimestamp, dtTimestamp}
)

// readPart is one range [from, to) of stay ids.
type readPart struct {
	from, to int64
	ids      []int64
	stays    []*frontpage.Stay
	err      error
	done     chan struct{}
}

// EachStay calls fn for every stay matching the filter, in stay_id order,
// with its diagnoses, procedures and ICU stays. fn gets a fresh Stay it may
// keep (its strings share blocks with the other stays of its part, see
// strArena); returning an error stops the iteration and is returned.
//
// The parts are read with separate queries, so they are separate snapshots:
// if an import commits in the same process while EachStay runs, a replaced
// stay may be missed or come without its lines. Commands run imports and
// reads in separate processes, where DuckDB's file lock rules this out.
func (db *DB) EachStay(ctx context.Context, f Filter, fn func(id int64, s *frontpage.Stay) error) error {
	return db.eachStay(ctx, f, nil, nil, fn)
}

// stayPool recycles Stay structs (≈ 2 KB each, the largest allocation of
// a read) and the capacity of their line slices, for a caller that hands
// every stay back once done with it and keeps no pointer to it or its
// lines: RunCheck after writing a batch's findings. The strings a recycled
// Stay held stay valid (they live in the arena). One lock per batch, not
// per stay: the readers and the writer would contend on it otherwise.
type stayPool struct {
	mu     sync.Mutex
	free   []pooledStay
	blocks [][]byte // string blocks of parts whose stays are all back

	// Set by eachStay before reading: the parts' string memory, by part
	// number ((stay id - lo) / partIDs).
	lo, partIDs int64
	parts       []*partMem
}

// partMem is the string memory of one part of a pooled read. Its blocks
// are reused once every stay of the part has been handed back (put): by
// then the findings of those stays are written (their text copied into
// DuckDB) and nothing reads their strings any more; the check's summary
// copies the department and coder strings it keeps (qc.Aggregate).
type partMem struct {
	blocks [][]byte
	live   atomic.Int64 // stays of the part not handed back yet
}

// reuseBlock returns a free string block emptied, or nil.
func (p *stayPool) reuseBlock() []byte {
	if p == nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	n := len(p.blocks)
	if n == 0 {
		return nil
	}
	b := p.blocks[n-1]
	p.blocks[n-1] = nil
	p.blocks = p.blocks[:n-1]
	return b[:0]
}

// partOf is the memory of the part holding stay id.
func (p *stayPool) partOf(id int64) *partMem { return p.parts[(id-p.lo)/p.partIDs] }

// pooledStay is a Stay to fill and line slices whose capacity it may use.
type pooledStay struct {
	s   *frontpage.Stay
	dx  []frontpage.Diagnosis
	px  []frontpage.Procedure
	icu []frontpage.ICUStay
}

// take appends up to n pooled stays to dst, new ones when the pool is
// empty; a nil pool gives one new stay.
func (p *stayPool) take(dst []pooledStay, n int) []pooledStay {
	if p == nil {
		return append(dst, pooledStay{s: new(frontpage.Stay)})
	}
	p.mu.Lock()
	k := min(n, len(p.free))
	dst = append(dst, p.free[len(p.free)-k:]...)
	clear(p.free[len(p.free)-k:])
	p.free = p.free[:len(p.free)-k]
	p.mu.Unlock()
	for len(dst) < n {
		dst = append(dst, pooledStay{s: new(frontpage.Stay)})
	}
	return dst
}

// put takes back stays the caller is done with, ids[i] being the id of
// ss[i]; a part whose stays are all back gives its string blocks for reuse.
func (p *stayPool) put(ids []int64, ss []*frontpage.Stay) {
	var done []*partMem
	for _, id := range ids {
		if m := p.partOf(id); m.live.Add(-1) == 0 {
			done = append(done, m)
		}
	}
	back := make([]pooledStay, len(ss))
	for i, s := range ss {
		// Cleared so the recycled lines do not keep old parts' arena
		// blocks alive.
		clear(s.Diagnoses)
		clear(s.Procedures)
		clear(s.ICU)
		back[i] = pooledStay{s: s, dx: s.Diagnoses[:0], px: s.Procedures[:0], icu: s.ICU[:0]}
		*s = frontpage.Stay{}
	}
	p.mu.Lock()
	p.free = append(p.free, back...)
	p.mu.Unlock()
	for _, m := range done {
		p.release(m)
	}
}

// release makes the string blocks of a part available for reuse.
func (p *stayPool) release(m *partMem) {
	p.mu.Lock()
	p.blocks = append(p.blocks, m.blocks...)
	p.mu.Unlock()
	m.blocks = nil
}

// importIndex is the import_id of every stay an eachStay reads, by stay
// id: one int64 per id between the first and the last stay read (8 MB for a
// million stays), filled by the readers before they hand a part over.
// RunCheck writes it with each finding instead of joining stays afterwards.
type importIndex struct {
	lo  int64
	ids []int64
}

func (x *importIndex) of(id int64) int64 { return x.ids[id-x.lo] }

// eachStay is EachStay taking Stays from pool (nil: fresh ones) and, when
// imports is not nil, recording their import ids there.
func (db *DB) eachStay(ctx context.Context, f Filter, pool *stayPool, imports *importIndex, fn func(id int64, s *frontpage.Stay) error) error {
	cond, args := f.where()
	q := "SELECT min(stay_id), max(stay_id) FROM stays"
	if cond != "" {
		q += " WHERE " + cond
	}
	var lo, hi sql.NullInt64
	if err := db.db.QueryRowContext(ctx, q, args...).Scan(&lo, &hi); err != nil {
		return fmt.Errorf("读取病案 read stays: %w", err)
	}
	if !lo.Valid {
		return nil
	}
	if imports != nil {
		imports.lo, imports.ids = lo.Int64, make([]int64, hi.Int64-lo.Int64+1)
	}
	partIDs := int64(readPartIDs)
	if db.readPartIDs > 0 {
		partIDs = db.readPartIDs
	}
	if pool != nil {
		pool.lo, pool.partIDs = lo.Int64, partIDs
		pool.parts = make([]*partMem, (hi.Int64-lo.Int64)/partIDs+1)
		for i := range pool.parts {
			pool.parts[i] = &partMem{}
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	parts := make(chan *readPart, readReaders)
	work := make(chan *readPart, readReaders)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		for range parts {
		}
		wg.Wait()
	}()
	go func() {
		defer close(parts)
		defer close(work)
		for from := lo.Int64; from <= hi.Int64; from += partIDs {
			p := &readPart{from: from, to: min(from+partIDs, hi.Int64+1), done: make(chan struct{})}
			select {
			case work <- p:
			case <-ctx.Done():
				return
			}
			select {
			case parts <- p:
			case <-ctx.Done():
				return
			}
		}
	}()
	readers := readReaders
	if hi.Int64-lo.Int64 < partIDs {
		readers = 1
	}
	for i := 0; i < readers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := db.withDuckConn(ctx, func(conn bindings.Connection) error {
				sc := partScratch{pool: pool, imports: imports}
				sc.arena.pool = pool
				for p := range work {
					if p.err = ctx.Err(); p.err == nil {
						p.err = sc.read(conn, p, cond, args)
					}
					close(p.done)
				}
				return nil
			})
			// A reader that could not start fails the parts it would
			// have read; the other reader may have taken some already.
			for p := range work {
				p.err = err
				close(p.done)
			}
		}()
	}
	for p := range parts {
		<-p.done
		if p.err != nil {
			return p.err
		}
		for i, s := range p.stays {
			if err := fn(p.ids[i], s); err != nil {
				return err
			}
		}
		p.ids, p.stays = nil, nil
	}
	return ctx.Err()
}

// withDuckConn runs fn on a pooled connection's C handle.
func (db *DB) withDuckConn(ctx context.Context, fn func(bindings.Connection) error) error {
	c, err := db.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("读取病案 read stays: %w", err)
	}
	defer c.Close()
	return c.Raw(func(dc any) error {
		conn, err := rawDuckConn(dc)
		if err != nil {
			return fmt.Errorf("读取病案 read stays: %w", err)
		}
		return fn(conn)
	})
}

// partQuery is base (ending in WHERE) restricted to the ids of p and, for
// the child tables (child true), to stays passing the filter.
func partQuery(base string, p *readPart, cond string, args []any, child bool) (string, []any) {
	q := base + "stay_id >= ? AND stay_id < ?"
	out := []any{p.from, p.to}
	if cond != "" {
		if child {
			q += " AND stay_id IN (SELECT stay_id FROM stays WHERE stay_id >= ? AND stay_id < ? AND (" + cond + "))"
			out = append(out, p.from, p.to)
		} else {
			q += " AND (" + cond + ")"
		}
		out = append(out, args...)
	}
	return q, out
}

// partScratch holds one reader's buffers, reused from part to part.
type partScratch struct {
	pool    *stayPool
	imports *importIndex
	spare   []pooledStay      // taken from pool, not used yet
	slots   []pooledStay      // the part's stays by slot (s nil: none)
	rows    []*frontpage.Stay // the stays of the chunk being read
	arena   strArena
	dx      lines[frontpage.Diagnosis]
	px      lines[frontpage.Procedure]
	icu     lines[frontpage.ICUStay]
}

// read reads the stays of one id range with their child rows.
func (sc *partScratch) read(conn bindings.Connection, p *readPart, cond string, args []any) error {
	width := int(p.to - p.from)
	arena, dx, px, icu := &sc.arena, &sc.dx, &sc.px, &sc.icu
	var mem *partMem
	if sc.pool != nil {
		mem = sc.pool.partOf(p.from)
	}
	arena.begin(mem)
	dx.reset()
	px.reset()
	icu.reset()
	slot := func(id int64) int {
		if i := id - p.from; i >= 0 && i < int64(width) {
			return int(i)
		}
		return -1
	}

	q, qa := partQuery(dxReadSQL, p, cond, args, true)
	err := duckQuery(conn, q, qa, dxReadWant, func(c *duckChunk) error {
		for r := 0; r < c.n; r++ {
			if i := slot(c.int64(0, r)); i >= 0 {
				dx.add(i, c.int32(1, r), frontpage.Diagnosis{
					Code: arena.copy(c.str(2, r)), Name: arena.copy(c.str(3, r)), POA: arena.copy(c.str(4, r))})
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("读取诊断 read diagnoses: %w", err)
	}

	q, qa = partQuery(pxReadSQL, p, cond, args, true)
	err = duckQuery(conn, q, qa, pxReadWant, func(c *duckChunk) error {
		for r := 0; r < c.n; r++ {
			i := slot(c.int64(0, r))
			if i < 0 {
				continue
			}
			pr := frontpage.Procedure{Code: arena.copy(c.str(2, r)), Date: c.timestamp(3, r)}
			if packed := c.str(4, r); packed != "" {
				if err := unpackInto(unsafe.Pointer(&pr), pxPackedRead, arena.copy(packed)); err != nil {
					return fmt.Errorf("stay %d procedure %d: %w", c.int64(0, r), c.int32(1, r), err)
				}
			}
			px.add(i, c.int32(1, r), pr)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("读取手术操作 read procedures: %w", err)
	}

	q, qa = partQuery(icuReadSQL, p, cond, args, true)
	err = duckQuery(conn, q, qa, icuReadWant, func(c *duckChunk) error {
		for r := 0; r < c.n; r++ {
			if i := slot(c.int64(0, r)); i >= 0 {
				icu.add(i, c.int32(1, r), frontpage.ICUStay{Type: arena.copy(c.str(2, r)), In: c.timestamp(3, r), Out: c.timestamp(4, r)})
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("读取重症监护 read ICU stays: %w", err)
	}

	slots := slices.Grow(sc.slots[:0], width)[:width]
	clear(slots)
	sc.slots = slots
	q, qa = partQuery(stayReadSQL, p, cond, args, false)
	packedAt := len(stayReadWant) - 1
	err = duckQuery(conn, q, qa, stayReadWant, func(c *duckChunk) error {
		// Column by column: one type switch per column and chunk.
		rows := sc.rows[:0]
		for r := 0; r < c.n; r++ {
			i := slot(c.int64(0, r))
			if i < 0 {
				rows = append(rows, nil)
				continue
			}
			if len(sc.spare) == 0 {
				sc.spare = sc.pool.take(sc.spare, min(256, width))
			}
			ps := sc.spare[len(sc.spare)-1]
			sc.spare = sc.spare[:len(sc.spare)-1]
			s := ps.s
			s.AdmissionNo = int(c.int64(2, r))
			if sc.imports != nil {
				sc.imports.ids[p.from+int64(i)-sc.imports.lo] = c.int64(1, r)
			}
			slots[i] = ps
			rows = append(rows, s)
		}
		sc.rows = rows
		for k := range stayReadCols {
			readColumn(c, 3+k, stayReadCols[k], rows, arena)
		}
		for r, s := range rows {
			if s == nil {
				continue
			}
			if packed := c.str(packedAt, r); packed != "" {
				if err := unpackStay(s, arena.copy(packed)); err != nil {
					return fmt.Errorf("stay %d: %w", c.int64(0, r), err)
				}
			}
		}
		clear(rows)
		return nil
	})
	if err != nil {
		return fmt.Errorf("读取病案 read stays: %w", err)
	}
	// A line whose stay is not in the part (an import committed between
	// the queries) is dropped.
	dx.assign(width, func(i int) []frontpage.Diagnosis { return slots[i].dx },
		func(i int, v []frontpage.Diagnosis) {
			if s := slots[i].s; s != nil {
				s.Diagnoses = v
			}
		})
	px.assign(width, func(i int) []frontpage.Procedure { return slots[i].px },
		func(i int, v []frontpage.Procedure) {
			if s := slots[i].s; s != nil {
				s.Procedures = v
			}
		})
	icu.assign(width, func(i int) []frontpage.ICUStay { return slots[i].icu },
		func(i int, v []frontpage.ICUStay) {
			if s := slots[i].s; s != nil {
				s.ICU = v
			}
		})
	for i := range slots {
		if s := slots[i].s; s != nil {
			p.ids = append(p.ids, p.from+int64(i))
			p.stays = append(p.stays, s)
		}
	}
	clear(slots)
	if mem != nil {
		// Before the part is handed over: put may run as soon as it is.
		if mem.live.Store(int64(len(p.stays))); len(p.stays) == 0 {
			sc.pool.release(mem)
		}
	}
	return nil
}

// readColumn stores column col of every row of c in its Stay (nil rows
// are outside the part).
func readColumn(c *duckChunk, col int, rc stayReadCol, rows []*frontpage.Stay, arena *strArena) {
	at := func(s *frontpage.Stay) unsafe.Pointer { return unsafe.Add(unsafe.Pointer(s), rc.off) }
	switch rc.kind {
	case colText, colList:
		for r, s := range rows {
			if s != nil {
				if v := c.str(col, r); v != "" {
					setText(at(s), rc.kind, arena.copy(v))
				}
			}
		}
	case colInt:
		for r, s := range rows {
			if s != nil && !c.null(col, r) {
				*(*frontpage.Opt[int])(at(s)) = frontpage.Some(int(c.int64(col, r)))
			}
		}
	case colFloat:
		for r, s := range rows {
			if s != nil && !c.null(col, r) {
				*(*frontpage.Opt[float64])(at(s)) = frontpage.Some(c.float64(col, r))
			}
		}
	case colDate:
		for r, s := range rows {
			if s != nil && !c.null(col, r) {
				*(*time.Time)(at(s)) = c.date(col, r)
			}
		}
	case colTime:
		for r, s := range rows {
			if s != nil && !c.null(col, r) {
				*(*time.Time)(at(s)) = c.timestamp(col, r)
			}
		}
	}
}

// setText sets the text or list field at p from its stored form.
func setText(p unsafe.Pointer, kind colKind, v string) {
	if kind == colList {
		*(*[]string)(p) = strings.Split(v, ",")
		return
	}
	*(*string)(p) = v
}

// unpackStay sets the packed fields of s from the packed column.
func unpackStay(s *frontpage.Stay, packed string) error {
	return unpackInto(unsafe.Pointer(s), packedRead, packed)
}

// pxPackedRead is where the fields of a procedure's packed column go.
var pxPackedRead = func() []stayReadCol {
	var probe frontpage.Procedure
	out := make([]stayReadCol, len(pxPacked))
	for k := range pxPacked {
		out[k] = stayReadCol{kind: colText, off: uintptr(unsafe.Pointer(pxPacked[k].str(&probe))) - uintptr(unsafe.Pointer(&probe))}
	}
	return out
}()

// unpackInto splits a packed column (appendPacked) into the fields of the
// struct at base, one per target, setting each non-empty field unescaped.
// Offsets rather than a setter closure: a closure would move the caller's
// struct to the heap (one allocation per procedure row).
func unpackInto(base unsafe.Pointer, targets []stayReadCol, packed string) error {
	n := len(targets)
	// Escapes are rare: look for them once, not in every field.
	esc := strings.IndexByte(packed, packEsc) >= 0
	for k := 0; k < n; k++ {
		f := packed
		if k < n-1 {
			j := strings.IndexByte(packed, packSep)
			if j < 0 {
				return fmt.Errorf("%s has %d fields, want %d", packedColumn, k+1, n)
			}
			f, packed = packed[:j], packed[j+1:]
		} else if strings.IndexByte(f, packSep) >= 0 {
			return fmt.Errorf("%s has more than %d fields", packedColumn, n)
		}
		if f != "" {
			if esc {
				f = unpackField(f)
			}
			setText(unsafe.Add(base, targets[k].off), targets[k].kind, f)
		}
	}
	return nil
}

// lines collects the child rows of a part and hands them out per stay in
// seq order. Its own buffers are reused from part to part.
type lines[T any] struct {
	slot []int32
	seq  []int32
	val  []T
	// assign's scratch
	start, next, order, seqBuf []int32
}

func (l *lines[T]) reset() {
	clear(l.val) // drop references to the previous part's strings
	l.slot, l.seq, l.val = l.slot[:0], l.seq[:0], l.val[:0]
}

func (l *lines[T]) add(slot int, seq int32, v T) {
	l.slot = append(l.slot, int32(slot))
	l.seq = append(l.seq, seq)
	l.val = append(l.val, v)
}

// assign calls set with the lines of each slot that has any, sorted by
// seq. Rows usually arrive in stay and seq order already; a counting sort
// by slot keeps arrival order, then each stay's few lines are sorted if
// needed. The lines go into spare(slot) when its capacity suffices (the
// slices of a recycled Stay, see stayPool); the other slots share one array
// allocated per call, each capped so that appending to one stay's lines
// cannot overwrite the next stay's.
func (l *lines[T]) assign(width int, spare func(slot int) []T, set func(slot int, v []T)) {
	if len(l.val) == 0 {
		return
	}
	start := slices.Grow(l.start[:0], width+1)[:width+1]
	clear(start)
	for _, s := range l.slot {
		start[s+1]++
	}
	for i := 1; i <= width; i++ {
		start[i] += start[i-1]
	}
	next := append(l.next[:0], start[:width]...)
	order := slices.Grow(l.order[:0], len(l.slot))[:len(l.slot)]
	for k, s := range l.slot {
		order[next[s]] = int32(k)
		next[s]++
	}
	l.start, l.next, l.order = start, next, order
	shared := 0
	for i := 0; i < width; i++ {
		if n := int(start[i+1] - start[i]); n > 0 && cap(spare(i)) < n {
			shared += n
		}
	}
	var fresh []T
	if shared > 0 {
		fresh = make([]T, shared)
	}
	for i := 0; i < width; i++ {
		idx := order[start[i]:start[i+1]]
		n := len(idx)
		if n == 0 {
			continue
		}
		dst := spare(i)
		if cap(dst) >= n {
			dst = dst[:n]
		} else {
			dst, fresh = fresh[:n:n], fresh[n:]
		}
		sorted := true
		for j, k := range idx {
			dst[j] = l.val[k]
			if j > 0 && l.seq[k] < l.seq[idx[j-1]] {
				sorted = false
			}
		}
		if !sorted {
			seq := l.seqBuf[:0]
			for _, k := range idx {
				seq = append(seq, l.seq[k])
			}
			sortBySeq(dst, seq)
			l.seqBuf = seq
		}
		set(i, dst)
	}
}

// sortBySeq sorts v by the parallel seq values (insertion sort: a stay has
// a handful of lines).
func sortBySeq[T any](v []T, seq []int32) {
	for i := 1; i < len(v); i++ {
		for j := i; j > 0 && seq[j] < seq[j-1]; j-- {
			seq[j], seq[j-1] = seq[j-1], seq[j]
			v[j], v[j-1] = v[j-1], v[j]
		}
	}
}
