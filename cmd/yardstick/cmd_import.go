package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/yardstick-health/yardstick/internal/frontpage"
	"github.com/yardstick-health/yardstick/internal/ingest"
	"github.com/yardstick-health/yardstick/internal/store"
)

func init() {
	register(&command{
		Name:    "import",
		Summary: "导入病案首页、门急诊量、科室字典 import front pages, outpatient volumes, departments",
		Usage: `用法 usage:
  yardstick import frontpage [flags] FILE...   住院病案首页 inpatient front pages (CSV/XLSX)
  yardstick import outpatient [flags] FILE     门急诊人次 outpatient/emergency volumes
  yardstick import departments [flags] FILE    科室字典 department dictionary

每个文件一次导入、一个事务：失败或中断（Ctrl-C）时数据库保持原样。
Each file is one import in one transaction: if it fails or is interrupted
(Ctrl-C) the store is left as it was. A stay already in the store (same
organisation + 病案号 + 住院次数) is replaced, not duplicated. Rows that cannot
be used are reported as "file:line: field: 原因 / reason", skipped, and all of
them are recorded in the import_errors table.

参数 flags:
  --db FILE          数据库文件 store file (default yardstick.duckdb)
  --mapping FILE     医院映射文件 hospital mapping file (column names, value codes)
  --strict           任何错误行都使整个文件失败 any bad row fails the whole file
  --json             在标准输出打印 JSON 摘要 print a JSON summary on stdout
  --quiet            不显示进度 no progress on stderr
  --max-errors N     最多打印 N 条错误行 print at most N error lines (default 20; all are stored)
  --memory-limit M   DuckDB 内存上限 DuckDB memory limit (default 256MB; raise it if DuckDB reports out of memory)

退出码 exit codes: 0 成功 ok, 1 有错误行或文件被拒绝 bad rows reported or a file refused,
2 用法或系统错误 usage or system error.
`,
		Run: runImport,
	})
}

// defaultImportMemory caps DuckDB during imports: the load is streamed, so
// more memory does not make it faster, and the whole process must stay under
// 1 GiB for a million-stay file (docs/storage.md).
const defaultImportMemory = "256MB"

// importThreads limits DuckDB's threads during imports: the parser already
// keeps one core busy, and every DuckDB thread holds its own partial row
// groups of every table, which is what exhausted the memory limit in tests.
var importThreads = 1

// importGoMemory is the Go heap's soft limit during imports (unless
// GOMEMLIMIT is set): the parser's live heap is ~120 MB, and without a limit
// the GC lets the heap double between collections.
const importGoMemory = 320 << 20

// importFlags are the flags shared by the import subcommands.
type importFlags struct {
	db, mapping  string
	strict, json bool
	quiet        bool
	maxErrors    int
	memoryLimit  string
}

// parseInterleaved parses flags that may come before or after the
// positional arguments (users write "import frontpage a.csv --strict").
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func newImportFlagSet(f *importFlags) *flag.FlagSet {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&f.db, "db", store.DefaultPath, "")
	fs.StringVar(&f.mapping, "mapping", "", "")
	fs.BoolVar(&f.strict, "strict", false, "")
	fs.BoolVar(&f.json, "json", false, "")
	fs.BoolVar(&f.quiet, "quiet", false, "")
	fs.IntVar(&f.maxErrors, "max-errors", 20, "")
	fs.StringVar(&f.memoryLimit, "memory-limit", defaultImportMemory, "")
	return fs
}

// fileSummary is the --json shape of one imported file.
type fileSummary struct {
	File        string         `json:"file"`
	Kind        string         `json:"kind"`
	Status      string         `json:"status"` // ok, failed
	ImportID    int64          `json:"import_id,omitempty"`
	Format      string         `json:"format,omitempty"`
	Encoding    string         `json:"encoding,omitempty"`
	HeaderStyle string         `json:"header_style,omitempty"`
	RowsRead    int            `json:"rows_read"`
	RowsGood    int            `json:"rows_good"`
	RowsBad     int            `json:"rows_bad"`
	Inserted    int64          `json:"inserted"`
	Replaced    int64          `json:"replaced"`
	Seconds     float64        `json:"seconds"`
	Error       string         `json:"error,omitempty"`
	Errors      []jsonRowError `json:"errors"`
	ErrorsMore  int            `json:"errors_not_listed"`
	Notes       []string       `json:"notes,omitempty"`
	outcome     *store.ImportOutcome
}

type jsonRowError struct {
	File     string `json:"file"`
	Line     int    `json:"line"`
	Column   string `json:"column,omitempty"`
	Field    string `json:"field,omitempty"`
	ReasonCN string `json:"reason_cn"`
	ReasonEN string `json:"reason_en"`
}

type importSummary struct {
	DB    string         `json:"db"`
	Files []*fileSummary `json:"files"`
}

// severity of a file's failure, mapped to the exit code at the end.
const (
	sevOK     = 0
	sevData   = 1 // bad rows reported, or the file was refused (strict, unreadable)
	sevSystem = 2 // store or I/O failure, interrupted
)

// storeError marks an error that came from the store through emit, so it is
// not mistaken for a problem of the input file.
type storeError struct{ err error }

func (e *storeError) Error() string { return e.err.Error() }
func (e *storeError) Unwrap() error { return e.err }

func runImport(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) == 0 {
		return usagef("缺少导入类型 missing what to import: frontpage, outpatient or departments (see --help)")
	}
	kind := args[0]
	switch kind {
	case store.KindFrontPage, store.KindOutpatient, store.KindDepartments:
	default:
		return usagef("未知导入类型 unknown import kind %q (frontpage, outpatient, departments)", kind)
	}
	var f importFlags
	fs := newImportFlagSet(&f)
	files, err := parseInterleaved(fs, args[1:])
	if err != nil {
		return usagef("%v", err)
	}
	if len(files) == 0 {
		return usagef("缺少文件 missing FILE")
	}
	if kind != store.KindFrontPage && len(files) > 1 {
		return usagef("import %s 只接受一个文件 takes one FILE", kind)
	}
	if f.maxErrors < 0 {
		return usagef("--max-errors 不能为负 must be >= 0")
	}
	for _, p := range files {
		st, err := os.Stat(p)
		if err != nil {
			return usagef("文件不存在或无法读取 cannot read %s: %v", p, err)
		}
		if st.IsDir() {
			return usagef("%s 是目录 is a directory", p)
		}
	}
	if f.mapping != "" {
		if _, err := os.Stat(f.mapping); err != nil {
			return usagef("映射文件无法读取 cannot read mapping file %s: %v", f.mapping, err)
		}
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(importGoMemory))
	}
	db, err := store.OpenWith(ctx, f.db, store.Options{MemoryLimit: f.memoryLimit, BulkLoad: true, Threads: importThreads})
	if err != nil {
		return err
	}
	defer db.Close()

	sum := &importSummary{DB: f.db}
	printed := 0
	worst := sevOK
	var firstSys error
	for _, path := range files {
		fsum, sev, err := importFile(ctx, env, db, kind, path, &f)
		sum.Files = append(sum.Files, fsum)
		printed += printRowErrors(env.Stderr, fsum, f.maxErrors-printed)
		switch {
		case fsum.Status != "ok":
			// A refused file is a diagnostic: stderr, also with --json.
			fmt.Fprintln(env.Stderr, summaryLine(fsum))
		case !f.json:
			fmt.Fprintln(env.Stdout, summaryLine(fsum))
		}
		if sev > worst {
			worst = sev
		}
		if sev == sevSystem {
			firstSys = err
			break // the store or the process is in trouble: do not go on
		}
	}
	if f.json {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(sum); err != nil {
			return fmt.Errorf("write JSON: %w", err)
		}
	}
	total, bad := 0, 0
	for _, fs := range sum.Files {
		total += len(fs.outcomeErrors())
		if fs.Status != "ok" {
			bad++
		}
	}
	if total > printed && f.maxErrors >= 0 {
		fmt.Fprintf(env.Stderr, "…另有 %d 条错误未显示，全部记录在 import_errors 表 %d more errors not shown; all are stored in table import_errors\n", total-printed, total-printed)
	}
	switch worst {
	case sevSystem:
		return firstSys
	case sevData:
		if bad > 0 {
			return dataErrorf("%d 个文件导入失败，数据库中未保存这些文件的任何数据 %d file(s) refused, nothing of them was stored", bad, bad)
		}
		return dataErrorf("%d 行有错误已跳过 %d bad rows skipped", total, total)
	}
	return nil
}

func (fs *fileSummary) outcomeErrors() []store.RowError {
	if fs.outcome == nil {
		return nil
	}
	return fs.outcome.Errors
}

// printRowErrors prints up to limit error lines of a file and returns how
// many it printed.
func printRowErrors(w io.Writer, fs *fileSummary, limit int) int {
	n := 0
	for _, e := range fs.outcomeErrors() {
		if n >= limit {
			break
		}
		fmt.Fprintln(w, formatRowError(e))
		n++
	}
	return n
}

// formatRowError writes "file:line: column (field): 原因 / reason", the
// ingest package's format (store.RowError is the stored copy of it).
func formatRowError(e store.RowError) string { return ingest.RowError(e).String() }

func summaryLine(fs *fileSummary) string {
	if fs.Status != "ok" {
		return fmt.Sprintf("%s: 导入失败，未保存任何数据 import failed, nothing stored: %s (读取 read %d 行 rows, 错误行 bad %d)",
			fs.File, fs.Error, fs.RowsRead, fs.RowsBad)
	}
	return fmt.Sprintf("%s: 读取 read %d 行 rows, 导入 imported %d, 替换 replaced %d, 错误行 bad %d (%.1fs, import #%d)",
		fs.File, fs.RowsRead, fs.Inserted, fs.Replaced, fs.RowsBad, fs.Seconds, fs.ImportID)
}

func outcomeOf(rep *ingest.Report) *store.ImportOutcome {
	if rep == nil {
		return &store.ImportOutcome{}
	}
	out := &store.ImportOutcome{Format: rep.Format, Encoding: rep.Encoding, HeaderStyle: rep.HeaderStyle,
		RowsRead: rep.RowsRead, RowsGood: rep.RowsGood, RowsBad: rep.RowsBad}
	out.Errors = make([]store.RowError, len(rep.Errors))
	for i, e := range rep.Errors {
		out.Errors[i] = store.RowError{File: e.File, Line: e.Line, Column: e.Column, Field: e.Field, ReasonCN: e.ReasonCN, ReasonEN: e.ReasonEN}
	}
	return out
}

// importFile imports one file and classifies the outcome.
func importFile(ctx context.Context, env *cliEnv, db *store.DB, kind, path string, f *importFlags) (*fileSummary, int, error) {
	start := time.Now()
	fsum := &fileSummary{File: path, Kind: kind, Status: "failed"}
	prog := newProgress(env.Stderr, f.quiet, path)
	opt := ingest.Options{MappingFile: f.mapping, Strict: f.strict, Progress: prog.update}
	meta := store.ImportMeta{Kind: kind, File: path}
	var (
		res     *store.ImportResult
		err     error
		notes   []string
		readErr error // error of the reader, as opposed to the store
	)
	switch kind {
	case store.KindFrontPage:
		res, err = db.ImportStays(ctx, meta, func(ctx context.Context, emit func([]frontpage.Stay) error) (*store.ImportOutcome, error) {
			rep, rerr := ingest.ReadFrontPages(ctx, path, opt, func(b []frontpage.Stay) error {
				if err := emit(b); err != nil {
					return &storeError{err}
				}
				return nil
			})
			if rep != nil {
				notes = rep.Notes
			}
			var se *storeError
			if rerr != nil && !errors.As(rerr, &se) {
				readErr = rerr
			}
			return outcomeOf(rep), rerr
		})
	case store.KindDepartments:
		depts, rep, rerr := ingest.ReadDepartments(ctx, path, opt)
		res, err = refImport(ctx, db, meta, start, rep, rerr, &readErr, func(out *store.ImportOutcome) (*store.ImportResult, error) {
			return db.ImportDepartments(ctx, meta, depts, out)
		})
		if rep != nil {
			notes = rep.Notes
		}
	case store.KindOutpatient:
		visits, rep, rerr := ingest.ReadVisits(ctx, path, opt)
		res, err = refImport(ctx, db, meta, start, rep, rerr, &readErr, func(out *store.ImportOutcome) (*store.ImportResult, error) {
			return db.ImportVisits(ctx, meta, visits, out)
		})
		if rep != nil {
			notes = rep.Notes
		}
	}
	prog.done()
	fsum.Seconds = time.Since(start).Seconds()
	fsum.Notes = notes
	if res != nil {
		fsum.ImportID, fsum.Status, fsum.Inserted, fsum.Replaced = res.ImportID, res.Status, res.Inserted, res.Replaced
		if out := res.Outcome; out != nil {
			fsum.outcome = out
			fsum.Format, fsum.Encoding, fsum.HeaderStyle = out.Format, out.Encoding, out.HeaderStyle
			fsum.RowsRead, fsum.RowsGood, fsum.RowsBad = out.RowsRead, out.RowsGood, out.RowsBad
		}
	}
	fsum.Errors = []jsonRowError{}
	for i, e := range fsum.outcomeErrors() {
		if i >= f.maxErrors {
			fsum.ErrorsMore = len(fsum.outcomeErrors()) - i
			break
		}
		fsum.Errors = append(fsum.Errors, jsonRowError(e))
	}
	switch {
	case err == nil:
		if fsum.RowsBad > 0 || len(fsum.outcomeErrors()) > 0 {
			return fsum, sevData, nil
		}
		return fsum, sevOK, nil
	case ctx.Err() != nil:
		fsum.Error = "已中断，数据库未改变 interrupted, store unchanged"
		return fsum, sevSystem, fmt.Errorf("%s: %s", path, fsum.Error)
	case readErr != nil:
		fsum.Error = readErr.Error()
		return fsum, sevData, nil
	default:
		fsum.Error = err.Error()
		if strings.Contains(fsum.Error, "Out of Memory") {
			fsum.Error += " — 请用 --memory-limit 调大 DuckDB 内存上限 raise DuckDB's limit with --memory-limit (now " + f.memoryLimit + ")"
		}
		return fsum, sevSystem, fmt.Errorf("%s: %s", path, fsum.Error)
	}
}

// refImport stores reference data that was read whole; a reader error
// (strict failure, unreadable file) stores nothing and records the run as failed.
func refImport(ctx context.Context, db *store.DB, meta store.ImportMeta, start time.Time, rep *ingest.Report, rerr error,
	readErr *error, save func(*store.ImportOutcome) (*store.ImportResult, error)) (*store.ImportResult, error) {
	out := outcomeOf(rep)
	if rerr == nil {
		return save(out)
	}
	*readErr = rerr
	res := &store.ImportResult{Status: "failed", Outcome: out}
	if ctx.Err() == nil {
		// Best effort: the refusal itself is what the user must see.
		res.ImportID, _ = db.RecordFailedImport(ctx, meta, start, out, rerr)
	}
	return res, rerr
}

// progress prints a throttled "rows read" line on stderr while a long
// import runs, only when stderr is a terminal.
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	on    bool
	name  string
	start time.Time
	last  time.Time
	shown bool
}

func newProgress(w io.Writer, quiet bool, name string) *progress {
	return &progress{w: w, on: !quiet && isTerminal(w), name: name, start: time.Now(), last: time.Now()}
}

func (p *progress) update(rows int) {
	if !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if now.Sub(p.last) < time.Second {
		return
	}
	p.last = now
	rate := float64(rows) / now.Sub(p.start).Seconds()
	fmt.Fprintf(p.w, "\r%s: 已读取 read %d 行 rows (%.0f/s)   ", p.name, rows, rate)
	p.shown = true
}

func (p *progress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		fmt.Fprintln(p.w)
	}
}

// isTerminal reports whether w is a character device (a terminal), so
// progress lines do not end up in redirected logs.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
