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
// version pinned in go.mod, so TestRawDuckConn fails loudly if an upgrade
// moves the field, and EachStay falls back to database/sql if it ever
// cannot get it.

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
	dtDouble
	dtDate
	dtTimestamp
	dtVarchar
)

var duckTypeIDs = [...]bindings.Type{
	dtBigint: bindings.TypeBigInt, dtInteger: bindings.TypeInteger, dtDouble: bindings.TypeDouble,
	dtDate: bindings.TypeDate, dtTimestamp: bindings.TypeTimestamp, dtVarchar: bindings.TypeVarchar,
}

// duckQuery runs q with args on conn and calls fn with every chunk of the
// result, streamed (a materialised result is a second copy of every value
// in freshly allocated memory: more page faults, no gain). want lists the column types fn reads; a result of
// another shape is an error rather than misread memory.
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
// never written again, so a kept Stay only keeps its blocks alive.
type strArena struct {
	buf []byte
}

const arenaBlock = 64 << 10

func (a *strArena) copy(s string) string {
	if s == "" {
		return ""
	}
	if len(s) > cap(a.buf)-len(a.buf) {
		a.buf = make([]byte, 0, max(arenaBlock, len(s)))
	}
	start := len(a.buf)
	a.buf = append(a.buf, s...)
	return unsafe.String(&a.buf[start], len(s))
}
