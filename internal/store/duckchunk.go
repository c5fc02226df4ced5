package store

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"reflect"
	"time"
	"unsafe"

	bindings "github.com/duckdb/duckdb-go-bindings"
)

// Columnar reads through DuckDB's C API.
//
// database/sql hands every value over as a boxed driver.Value: ≈ 25 ns and
// an allocation per value, ≈ 65 values per front page, plus the SQL-side
// concatenation that kept that number down. Reading the whole store back
// (yardstick check over a million stays) spent more time there than in the
// rules. The C API's data chunks give typed column arrays instead, which Go
// reads in place (docs/storage.md, "Reading stays back").
//
// The driver (duckdb-go) does not export its C connection; rawDuckConn takes
// it from the driver connection by reflection. That is tied to the driver
// version pinned in go.mod: TestRawDuckConn fails if an upgrade moves or
// retypes the field, and at run time EachStay and RunCheck then return
// errNoRawConn rather than read memory they do not understand.

var errNoRawConn = errors.New("duckdb-go connection layout not recognised")

// rawDuckConn returns the C connection of a duckdb-go driver connection
// (the argument of sql.Conn.Raw). It is valid while Raw's callback runs.
func rawDuckConn(dc any) (bindings.Connection, error) {
	v := reflect.ValueOf(dc)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return bindings.Connection{}, errNoRawConn
	}
	f := v.Elem().FieldByName("conn")
	if !f.IsValid() || f.Type() != reflect.TypeFor[bindings.Connection]() {
		return bindings.Connection{}, errNoRawConn
	}
	c := *(*bindings.Connection)(unsafe.Pointer(f.UnsafeAddr()))
	if c.Ptr == nil {
		return bindings.Connection{}, errNoRawConn
	}
	return c, nil
}

// duckType is the physical type a column of a chunk query must have.
type duckType uint8

const (
	dtBigint duckType = iota
	dtInteger
	dtTinyint
	dtDouble
	dtDate
	dtTimestamp
	dtVarchar
)

var duckTypeIDs = [...]bindings.Type{
	dtBigint: bindings.TypeBigInt, dtInteger: bindings.TypeInteger, dtTinyint: bindings.TypeTinyInt, dtDouble: bindings.TypeDouble,
	dtDate: bindings.TypeDate, dtTimestamp: bindings.TypeTimestamp, dtVarchar: bindings.TypeVarchar,
}

// duckQuery runs q with args on conn and calls fn with every chunk of the
// result, streamed (a materialised result is a second copy of every value
// in freshly allocated memory: more page faults, no gain). want lists the
// column types fn reads; a result of another shape is an error rather than
// misread memory.
func duckQuery(conn bindings.Connection, q string, args []any, want []duckType, fn func(c *duckChunk) error) error {
	var stmt bindings.PreparedStatement
	if bindings.Prepare(conn, q, &stmt) == bindings.StateError {
		err := errors.New(bindings.PrepareError(stmt))
		bindings.DestroyPrepare(&stmt)
		return err
	}
	defer bindings.DestroyPrepare(&stmt)
	for i, a := range args {
		if err := duckBind(stmt, bindings.IdxT(i+1), a); err != nil {
			return err
		}
	}
	var res bindings.Result
	if bindings.ExecutePreparedStreaming(stmt, &res) == bindings.StateError {
		err := errors.New(bindings.ResultError(&res))
		bindings.DestroyResult(&res)
		return err
	}
	defer bindings.DestroyResult(&res)
	if n := int(bindings.ColumnCount(&res)); n != len(want) {
		return fmt.Errorf("chunk query returns %d columns, want %d", n, len(want))
	}
	for i, t := range want {
		if got := bindings.ColumnType(&res, bindings.IdxT(i)); got != duckTypeIDs[t] {
			return fmt.Errorf("chunk query column %d (%s) has type %d, want %d", i, bindings.ColumnName(&res, bindings.IdxT(i)), got, duckTypeIDs[t])
		}
	}
	c := &duckChunk{vecs: make([]duckVec, len(want))}
	for {
		ch := bindings.FetchChunk(res)
		if ch.Ptr == nil {
			return nil
		}
		c.n = int(bindings.DataChunkGetSize(ch))
		for i := range c.vecs {
			vec := bindings.DataChunkGetVector(ch, bindings.IdxT(i))
			c.vecs[i] = duckVec{data: bindings.VectorGetData(vec), valid: bindings.VectorGetValidity(vec)}
		}
		err := fn(c)
		bindings.DestroyDataChunk(&ch)
		if err != nil {
			return err
		}
	}
}

func duckBind(stmt bindings.PreparedStatement, i bindings.IdxT, a any) error {
	if v, ok := a.(driver.Valuer); ok {
		var err error
		if a, err = v.Value(); err != nil {
			return err
		}
	}
	var st bindings.State
	switch x := a.(type) {
	case string:
		st = bindings.BindVarchar(stmt, i, x)
	case int64:
		st = bindings.BindInt64(stmt, i, x)
	case int:
		st = bindings.BindInt64(stmt, i, int64(x))
	case time.Time:
		st = bindings.BindTimestamp(stmt, i, bindings.NewTimestamp(x.UnixMicro()))
	default:
		return fmt.Errorf("chunk query: cannot bind %T", a)
	}
	if st == bindings.StateError {
		return fmt.Errorf("chunk query: bind parameter %d", i)
	}
	return nil
}

// duckChunk is one data chunk of a result; its values are valid during the
// callback only (strings point into DuckDB's memory).
type duckChunk struct {
	n    int
	vecs []duckVec
}

type duckVec struct {
	data  unsafe.Pointer
	valid unsafe.Pointer // uint64 bitmask, nil when every row is valid
}

func (c *duckChunk) null(col, row int) bool {
	m := c.vecs[col].valid
	if m == nil {
		return false
	}
	w := *(*uint64)(unsafe.Add(m, (row>>6)*8))
	return w&(1<<(row&63)) == 0
}

func (c *duckChunk) int64(col, row int) int64 {
	return *(*int64)(unsafe.Add(c.vecs[col].data, row*8))
}

func (c *duckChunk) int32(col, row int) int32 {
	return *(*int32)(unsafe.Add(c.vecs[col].data, row*4))
}

func (c *duckChunk) float64(col, row int) float64 {
	return *(*float64)(unsafe.Add(c.vecs[col].data, row*8))
}

// str returns a VARCHAR value without copying: valid during the callback
// only (copy it with strArena.copy to keep it). NULL reads as "".
func (c *duckChunk) str(col, row int) string {
	if c.null(col, row) {
		return ""
	}
	// duckdb_string_t (duckdb.h): uint32 length, then up to 12 bytes inline,
	// or a 4-byte prefix and a pointer at offset 8. The driver reads it the
	// same way (vector_getters.go getBytes).
	p := unsafe.Add(c.vecs[col].data, row*16)
	n := *(*uint32)(p)
	if n == 0 {
		return ""
	}
	if n <= 12 {
		return unsafe.String((*byte)(unsafe.Add(p, 4)), int(n))
	}
	return unsafe.String(*(**byte)(unsafe.Add(p, 8)), int(n))
}

// timestamp reads a TIMESTAMP as the driver does: UTC, zero when NULL.
func (c *duckChunk) timestamp(col, row int) time.Time {
	if c.null(col, row) {
		return time.Time{}
	}
	return time.UnixMicro(c.int64(col, row)).UTC()
}

// date reads a DATE as the driver does: UTC midnight, zero when NULL.
func (c *duckChunk) date(col, row int) time.Time {
	if c.null(col, row) {
		return time.Time{}
	}
	return time.Unix(int64(c.int32(col, row))*86400, 0).UTC()
}

// strArena copies strings out of DuckDB's memory into shared blocks: one
// allocation per block instead of one per value. Strings handed out are
// never written again while anything may read them: a kept Stay keeps its
// blocks alive, and blocks are only reused (RunCheck, see partMem) once
// every stay whose strings they hold has been handed back.
type strArena struct {
	buf  []byte
	mem  *partMem  // records the blocks of the current part (pooled reads)
	pool *stayPool // gives blocks back for reuse (nil: always new blocks)
}

const arenaBlock = 64 << 10

// begin starts the strings of a new part in a new block, recorded in mem
// (nil: not recorded).
func (a *strArena) begin(mem *partMem) {
	a.buf, a.mem = nil, mem
}

func (a *strArena) copy(s string) string {
	if s == "" {
		return ""
	}
	if len(s) > cap(a.buf)-len(a.buf) {
		a.buf = a.block(len(s))
	}
	start := len(a.buf)
	a.buf = append(a.buf, s...)
	return unsafe.String(&a.buf[start], len(s))
}

// block returns an empty block for at least n bytes: a reused one when the
// pool has one and n fits, recorded in the part's memory.
func (a *strArena) block(n int) []byte {
	if n > arenaBlock {
		return make([]byte, 0, n) // rare; not reused
	}
	b := a.pool.reuseBlock()
	if b == nil {
		b = make([]byte, 0, arenaBlock)
	}
	if a.mem != nil {
		a.mem.blocks = append(a.mem.blocks, b)
	}
	return b
}

// duckAppender appends rows to a table through data chunks filled in
// place: the driver's Appender boxes every value (≈ 45 ns each), which
// was most of the cost of writing a check's scores and findings. Rows join
// the transaction open on the connection, like the driver's appender.
type duckAppender struct {
	table string
	app   bindings.Appender
	chunk bindings.DataChunk
	vecs  []bindings.Vector
	data  []unsafe.Pointer
	n     int // rows in the current chunk
	size  int // rows per chunk
}

func newDuckAppender(conn bindings.Connection, table string, types []duckType) (*duckAppender, error) {
	a := &duckAppender{table: table, size: int(bindings.VectorSize())}
	if bindings.AppenderCreate(conn, "", table, &a.app) == bindings.StateError {
		err := fmt.Errorf("create appender for %s: %s", table, bindings.AppenderError(a.app))
		bindings.AppenderDestroy(&a.app)
		return nil, err
	}
	if n := int(bindings.AppenderColumnCount(a.app)); n != len(types) {
		bindings.AppenderDestroy(&a.app)
		return nil, fmt.Errorf("appender for %s: table has %d columns, writer %d", table, n, len(types))
	}
	lts := make([]bindings.LogicalType, len(types))
	for i, t := range types {
		lts[i] = bindings.CreateLogicalType(duckTypeIDs[t])
	}
	a.chunk = bindings.CreateDataChunk(lts)
	for i := range lts {
		bindings.DestroyLogicalType(&lts[i])
	}
	a.vecs = make([]bindings.Vector, len(types))
	a.data = make([]unsafe.Pointer, len(types))
	a.bind()
	return a, nil
}

// bind fetches the vectors of the (new or reset) chunk.
func (a *duckAppender) bind() {
	for i := range a.vecs {
		a.vecs[i] = bindings.DataChunkGetVector(a.chunk, bindings.IdxT(i))
		a.data[i] = bindings.VectorGetData(a.vecs[i])
	}
}

// next starts a row and returns its index in the chunk; set every column.
func (a *duckAppender) next() (int, error) {
	if a.n == a.size {
		if err := a.flushChunk(); err != nil {
			return 0, err
		}
	}
	a.n++
	return a.n - 1, nil
}

func (a *duckAppender) flushChunk() error {
	if a.n == 0 {
		return nil
	}
	bindings.DataChunkSetSize(a.chunk, bindings.IdxT(a.n))
	if bindings.AppendDataChunk(a.app, a.chunk) == bindings.StateError {
		return fmt.Errorf("append to %s: %s", a.table, bindings.AppenderError(a.app))
	}
	bindings.DataChunkReset(a.chunk)
	a.bind()
	a.n = 0
	return nil
}

func (a *duckAppender) null(col, row int) {
	bindings.VectorEnsureValidityWritable(a.vecs[col])
	m := bindings.VectorGetValidity(a.vecs[col])
	w := (*uint64)(unsafe.Add(m, (row>>6)*8))
	*w &^= 1 << (row & 63)
}

func (a *duckAppender) int64(col, row int, v int64) {
	*(*int64)(unsafe.Add(a.data[col], row*8)) = v
}

func (a *duckAppender) int32(col, row int, v int32) {
	*(*int32)(unsafe.Add(a.data[col], row*4)) = v
}

func (a *duckAppender) int8(col, row int, v int8) {
	*(*int8)(unsafe.Add(a.data[col], row)) = v
}

func (a *duckAppender) float64(col, row int, v float64) {
	*(*float64)(unsafe.Add(a.data[col], row*8)) = v
}

// str stores s, NULL when empty. Strings of up to 12 bytes are written
// inline into the duckdb_string_t (no DuckDB allocation, no cgo call);
// longer ones are copied by DuckDB into the vector's heap.
func (a *duckAppender) str(col, row int, s string) {
	switch {
	case s == "":
		a.null(col, row)
	case len(s) <= 12:
		p := unsafe.Add(a.data[col], row*16)
		*(*[16]byte)(p) = [16]byte{}
		*(*uint32)(p) = uint32(len(s))
		copy(unsafe.Slice((*byte)(unsafe.Add(p, 4)), 12), s)
	default:
		bindings.VectorAssignStringElementLen(a.vecs[col], bindings.IdxT(row), unsafe.Slice(unsafe.StringData(s), len(s)))
	}
}

// close appends the last rows and releases the appender. With flush false
// (an earlier error) the pending rows are dropped.
func (a *duckAppender) close(flush bool) error {
	var err error
	if flush {
		err = a.flushChunk()
		if err == nil && bindings.AppenderClose(a.app) == bindings.StateError {
			err = fmt.Errorf("flush appender for %s: %s", a.table, bindings.AppenderError(a.app))
		}
	}
	bindings.DestroyDataChunk(&a.chunk)
	bindings.AppenderDestroy(&a.app)
	return err
}
