package web

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/yardstick-health/yardstick/internal/catalog"
	"github.com/yardstick-health/yardstick/internal/drg"
	"github.com/yardstick-health/yardstick/internal/frontpage"
	"github.com/yardstick-health/yardstick/internal/ingest"
	"github.com/yardstick-health/yardstick/internal/store"
)

// maxUpload bounds one uploaded file (a year of front pages of a large
// hospital is a few hundred MB as CSV).
const maxUpload = 1 << 30

// uploadJob is a browser upload being imported in the background. The
// browser polls GET /api/v1/imports/upload-N until Done.
type uploadJob struct {
	ID       string    `json:"id"`
	Kind     string    `json:"kind"`
	File     string    `json:"file"`
	Started  time.Time `json:"started_at"`
	RowsRead int64     `json:"rows_read"`
	Done     bool      `json:"done"`
	Status   string    `json:"status"` // running, ok, failed
	Message  string    `json:"message"`
	ImportID int64     `json:"import_id"`
	RowsGood int       `json:"rows_good"`
	RowsBad  int       `json:"rows_bad"`
	Inserted int64     `json:"inserted"`
	Replaced int64     `json:"replaced"`
	Phase    string    `json:"phase"` // queued, reading, grouping, checking, facts, done
	Warning  string    `json:"warning"`

	Problems []string `json:"problems"` // catalogue rows that could not be read

	rows       *atomic.Int64
	mu         *sync.Mutex // guards Phase and Warning while running
	catKind    catalog.Kind
	catVersion string
	schemeID   string
}

func (j *uploadJob) setPhase(p string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.Phase = p
}

func (j *uploadJob) setWarning(w string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.Warning = w
}

type importRunner struct {
	s *Server
	// runMu runs one upload at a time: an import, the regrouping and the
	// checks all write, and DuckDB would abort one of two concurrent
	// writers with a conflict.
	runMu sync.Mutex
	mu    sync.Mutex
	seq   int
	jobs  map[string]*uploadJob
	wg    sync.WaitGroup
}

func newImportRunner(s *Server) *importRunner {
	return &importRunner{s: s, jobs: map[string]*uploadJob{}}
}

func (ir *importRunner) wait() { ir.wg.Wait() }

func (ir *importRunner) snapshot(id string) (uploadJob, bool) {
	ir.mu.Lock()
	defer ir.mu.Unlock()
	j, ok := ir.jobs[id]
	if !ok {
		return uploadJob{}, false
	}
	cp := uploadJob{ID: j.ID, Kind: j.Kind, File: j.File, Started: j.Started, Done: j.Done, Status: j.Status, Message: j.Message, Problems: j.Problems,
		ImportID: j.ImportID, RowsGood: j.RowsGood, RowsBad: j.RowsBad, Inserted: j.Inserted, Replaced: j.Replaced}
	cp.RowsRead = j.rows.Load()
	j.mu.Lock()
	cp.Phase, cp.Warning = j.Phase, j.Warning
	j.mu.Unlock()
	return cp, true
}

// importKinds are the uploads the Data page offers. Kinds whose reader has
// not landed yet are listed with Available=false so the page says so.
// kindCatalogue is a procedure or diagnosis catalogue (internal/catalog); it
// is recorded in catalog_versions rather than in imports.
const kindCatalogue = "catalogue"

var importKinds = map[string]bool{
	kindCatalogue:         true,
	kindScheme:            true,
	kindWeights:           true,
	store.KindFrontPage:   true,
	store.KindOutpatient:  true,
	store.KindDepartments: true,
}

func (s *Server) handleImportUpload(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	kind := r.URL.Query().Get("kind")
	if kind == "" {
		kind = store.KindFrontPage
	}
	if !importKinds[kind] {
		writeErr(w, http.StatusBadRequest, "暂不支持此类导入: "+kind, "import kind not supported yet: "+kind)
		return
	}
	var catKind catalog.Kind
	catVersion := r.URL.Query().Get("version")
	schemeID := r.URL.Query().Get("scheme")
	if kind == kindWeights && !drg.ValidID(schemeID) {
		writeErr(w, http.StatusBadRequest, "需要方案编号 scheme=ID", "the scheme id is required (scheme=ID)")
		return
	}
	if kind == kindCatalogue {
		var ok bool
		if catKind, ok = catalog.ParseKind(r.URL.Query().Get("catalog")); !ok {
			writeErr(w, http.StatusBadRequest, "未知目录类型", "unknown catalogue kind (procedure_category, level4, minimally_invasive, day_surgery, complication)")
			return
		}
		if y, err := strconv.Atoi(catVersion); err != nil || y < 1990 || y > 2100 {
			writeErr(w, http.StatusBadRequest, "需要目录版本年份 version=YYYY", "the catalogue version year is required (version=YYYY)")
			return
		}
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
	mr, err := r.MultipartReader()
	if err != nil {
		writeErr(w, http.StatusBadRequest, "需要multipart/form-data上传", "expected a multipart/form-data upload")
		return
	}
	var tmp, orig string
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			writeErr(w, http.StatusBadRequest, "上传中断", "upload interrupted")
			return
		}
		if part.FormName() != "file" || part.FileName() == "" {
			part.Close()
			continue
		}
		orig = filepath.Base(part.FileName())
		ext := strings.ToLower(filepath.Ext(orig))
		if kind == kindScheme && ext != ".zip" {
			part.Close()
			writeErr(w, http.StatusBadRequest, "方案包请上传zip压缩包", "upload a scheme pack as a .zip of its folder")
			return
		}
		if kind != kindScheme && ext != ".csv" && ext != ".xlsx" && ext != ".txt" && ext != ".tsv" {
			part.Close()
			writeErr(w, http.StatusBadRequest, "只支持CSV或XLSX文件", "only CSV or XLSX files are accepted")
			return
		}
		// Stream to disk: files can be far larger than memory should hold.
		f, err := os.CreateTemp(s.cfg.UploadDir, "yardstick-upload-*"+ext)
		if err != nil {
			part.Close()
			s.internalError(w, r, fmt.Errorf("create upload file: %w", err))
			return
		}
		_, err = io.Copy(f, part)
		part.Close()
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(f.Name())
			writeErr(w, http.StatusBadRequest, "上传失败或文件过大", "upload failed or file too large")
			return
		}
		tmp = f.Name()
		break
	}
	if tmp == "" {
		writeErr(w, http.StatusBadRequest, "缺少文件字段 file", "missing form field 'file'")
		return
	}
	ir := s.imports
	ir.mu.Lock()
	ir.seq++
	job := &uploadJob{ID: "upload-" + strconv.Itoa(ir.seq), Kind: kind, File: orig, catKind: catKind, catVersion: catVersion, schemeID: schemeID, Started: s.now(), Status: "running", Phase: "queued", rows: new(atomic.Int64), mu: new(sync.Mutex)}
	ir.jobs[job.ID] = job
	ir.mu.Unlock()
	c.audit(r, store.AuditImport, job.ID, kind+" "+orig, true)
	ir.wg.Add(1)
	go func() {
		defer ir.wg.Done()
		defer os.Remove(tmp)
		ir.runMu.Lock()
		defer ir.runMu.Unlock()
		job.setPhase("reading")
		// The import outlives the request but not the server: it runs on a
		// context detached from the request.
		ir.run(context.WithoutCancel(r.Context()), job, tmp)
	}()
	snap, _ := ir.snapshot(job.ID)
	writeJSON(w, http.StatusAccepted, snap)
}

// outcomeOf converts a reader's report for the store, naming the file as the
// user uploaded it rather than by its temp path.
func outcomeOf(rep *ingest.Report, file string) *store.ImportOutcome {
	if rep == nil {
		return &store.ImportOutcome{}
	}
	out := &store.ImportOutcome{Format: rep.Format, Encoding: rep.Encoding, HeaderStyle: rep.HeaderStyle,
		RowsRead: rep.RowsRead, RowsGood: rep.RowsGood, RowsBad: rep.RowsBad}
	for _, e := range rep.Errors {
		out.Errors = append(out.Errors, store.RowError{File: file, Line: e.Line, Column: e.Column, Field: e.Field, ReasonCN: e.ReasonCN, ReasonEN: e.ReasonEN})
	}
	return out
}

func (ir *importRunner) run(ctx context.Context, job *uploadJob, path string) {
	meta := store.ImportMeta{Kind: job.Kind, File: job.File}
	started := time.Now()
	var res *store.ImportResult
	var err error
	// A reference file that cannot be read at all is still recorded as a
	// failed run, so the history shows why it was refused.
	refFailed := func(rep *ingest.Report, rerr error) (*store.ImportResult, error) {
		out := outcomeOf(rep, job.File)
		r := &store.ImportResult{Status: "failed", Outcome: out}
		r.ImportID, _ = ir.s.db.RecordFailedImport(ctx, meta, started, out, rerr)
		return r, rerr
	}
	switch job.Kind {
	case kindCatalogue:
		ir.runCatalogue(ctx, job, path)
		return
	case kindScheme, kindWeights:
		ir.runScheme(ctx, job, path)
		return
	case store.KindDepartments:
		depts, rep, rerr := ingest.ReadDepartments(ctx, path, ingest.Options{})
		job.rows.Store(int64(len(depts)))
		if rerr != nil {
			res, err = refFailed(rep, rerr)
		} else {
			res, err = ir.s.db.ImportDepartments(ctx, meta, depts, outcomeOf(rep, job.File))
		}
	case store.KindOutpatient:
		visits, rep, rerr := ingest.ReadVisits(ctx, path, ingest.Options{})
		job.rows.Store(int64(len(visits)))
		if rerr != nil {
			res, err = refFailed(rep, rerr)
		} else {
			res, err = ir.s.db.ImportVisits(ctx, meta, visits, outcomeOf(rep, job.File))
		}
	default:
		produce := func(ctx context.Context, emit func([]frontpage.Stay) error) (*store.ImportOutcome, error) {
			rep, err := ingest.ReadFrontPages(ctx, path, ingest.Options{Progress: func(n int) { job.rows.Store(int64(n)) }}, emit)
			if rep != nil {
				job.rows.Store(int64(rep.RowsRead))
			}
			return outcomeOf(rep, job.File), err
		}
		res, err = ir.s.db.ImportStays(ctx, meta, produce)
	}
	if err == nil && job.Kind == store.KindFrontPage && res != nil && res.ImportID > 0 {
		if gerr := ir.s.groupAndCheck(ctx, res.ImportID, job.setPhase); gerr != nil {
			ir.s.log.Error("group/check after import failed", "job", job.ID, "err", gerr)
			job.setWarning("导入成功，但分组或质控失败 imported, but grouping or checking failed: " + gerr.Error())
		}
	}
	if err == nil {
		job.setPhase("facts")
		// New stays need their facts before the indicators can count them.
		if ferr := ir.s.refreshFacts(ctx); ferr != nil {
			ir.s.log.Error("refresh facts after import failed", "job", job.ID, "err", ferr)
		}
	}
	ir.s.invalidate()
	ir.mu.Lock()
	defer ir.mu.Unlock()
	job.Done = true
	job.Status = "failed"
	job.setPhase("done")
	if res != nil {
		job.ImportID, job.Inserted, job.Replaced = res.ImportID, res.Inserted, res.Replaced
		if res.Outcome != nil {
			job.RowsGood, job.RowsBad = res.Outcome.RowsGood, res.Outcome.RowsBad
		}
		if err == nil {
			job.Status = res.Status
		}
	}
	if err != nil {
		job.Message = err.Error()
		ir.s.log.Warn("browser import failed", "job", job.ID, "err", err)
	}
	ir.s.metrics.importDone(job.Status)
}

type importRow struct {
	ID       int64   `json:"id"`
	Kind     string  `json:"kind"`
	File     string  `json:"file"`
	Format   string  `json:"format"`
	Encoding string  `json:"encoding"`
	Started  *string `json:"started_at"`
	Finished *string `json:"finished_at"`
	RowsRead int64   `json:"rows_read"`
	RowsGood int64   `json:"rows_good"`
	RowsBad  int64   `json:"rows_bad"`
	Inserted int64   `json:"inserted"`
	Replaced int64   `json:"replaced"`
	Status   string  `json:"status"`
	Message  string  `json:"message"`
}

const importCols = `import_id, kind, coalesce(file, ''), coalesce(format, ''), coalesce(encoding, ''), started_at, finished_at,
	coalesce(rows_read, 0), coalesce(rows_good, 0), coalesce(rows_bad, 0), coalesce(rows_inserted, 0), coalesce(rows_replaced, 0), status, coalesce(message, '')`

func scanImport(sc interface{ Scan(...any) error }) (importRow, error) {
	var x importRow
	var st, fin sql.NullTime
	err := sc.Scan(&x.ID, &x.Kind, &x.File, &x.Format, &x.Encoding, &st, &fin, &x.RowsRead, &x.RowsGood, &x.RowsBad, &x.Inserted, &x.Replaced, &x.Status, &x.Message)
	if st.Valid {
		v := st.Time.Format("2006-01-02 15:04:05")
		x.Started = &v
	}
	if fin.Valid {
		v := fin.Time.Format("2006-01-02 15:04:05")
		x.Finished = &v
	}
	return x, err
}

type importsResp struct {
	Catalogs []catalogVersion `json:"catalogs"`
	Imports  []importRow      `json:"imports"`
	Running  []uploadJob      `json:"running"`
	Kinds    []kindInfo       `json:"kinds"`
}

type kindInfo struct {
	Kind      string `json:"kind"`
	NameCN    string `json:"name_cn"`
	NameEN    string `json:"name_en"`
	Available bool   `json:"available"`
}

var uploadKinds = []kindInfo{
	{store.KindFrontPage, "病案首页", "Front pages", true},
	{store.KindOutpatient, "门急诊量", "Outpatient volumes", true},
	{store.KindDepartments, "科室字典", "Departments", true},
	{kindCatalogue, "手术操作与并发症目录", "Procedure and complication catalogues", true},
	{kindScheme, "DRG方案包（zip）", "DRG scheme pack (zip)", true},
	{kindWeights, "DRG权重表", "DRG weight table", true},
}

func (s *Server) handleImports(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	rows, err := s.db.SQL().QueryContext(r.Context(), `SELECT `+importCols+` FROM imports ORDER BY import_id DESC LIMIT 500`)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	defer rows.Close()
	out := importsResp{Imports: []importRow{}, Running: []uploadJob{}, Kinds: []kindInfo{}}
	if out.Catalogs, err = s.catalogVersions(r.Context()); err != nil {
		s.internalError(w, r, err)
		return
	}
	for rows.Next() {
		x, err := scanImport(rows)
		if err != nil {
			s.internalError(w, r, err)
			return
		}
		out.Imports = append(out.Imports, x)
	}
	if err := rows.Err(); err != nil {
		s.internalError(w, r, err)
		return
	}
	for _, k := range uploadKinds {
		k.Available = importKinds[k.Kind]
		out.Kinds = append(out.Kinds, k)
	}
	s.imports.mu.Lock()
	ids := make([]string, 0, len(s.imports.jobs))
	for id := range s.imports.jobs {
		ids = append(ids, id)
	}
	s.imports.mu.Unlock()
	for _, id := range ids {
		if j, ok := s.imports.snapshot(id); ok && !j.Done {
			out.Running = append(out.Running, j)
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// handleImport answers both a running upload ("upload-N", polled by the
// browser) and a recorded import run (numeric import id).
func (s *Server) handleImport(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	id := r.PathValue("id")
	if strings.HasPrefix(id, "upload-") {
		j, ok := s.imports.snapshot(id)
		if !ok {
			notFound(w)
			return
		}
		writeJSON(w, http.StatusOK, j)
		return
	}
	n, ok := pathID(r, "id")
	if !ok {
		notFound(w)
		return
	}
	x, err := scanImport(s.db.SQL().QueryRowContext(r.Context(), `SELECT `+importCols+` FROM imports WHERE import_id = ?`, n))
	if err == sql.ErrNoRows {
		notFound(w)
		return
	}
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, x)
}

type importError struct {
	File     string `json:"file"`
	Line     int64  `json:"line"`
	Column   string `json:"column"`
	Field    string `json:"field"`
	ReasonCN string `json:"reason_cn"`
	ReasonEN string `json:"reason_en"`
}

func (s *Server) handleImportErrors(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	n, ok := pathID(r, "id")
	if !ok {
		notFound(w)
		return
	}
	limit := 1000
	if isExport(r) {
		limit = maxExportRows
	}
	rows, err := s.db.SQL().QueryContext(r.Context(), `SELECT coalesce(file, ''), coalesce(line, 0), coalesce(column_name, ''), coalesce(field, ''),
		coalesce(reason_cn, ''), coalesce(reason_en, '') FROM import_errors WHERE import_id = ? ORDER BY line LIMIT ?`, n, limit)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	defer rows.Close()
	out := []importError{}
	for rows.Next() {
		var e importError
		if err := rows.Scan(&e.File, &e.Line, &e.Column, &e.Field, &e.ReasonCN, &e.ReasonEN); err != nil {
			s.internalError(w, r, err)
			return
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		s.internalError(w, r, err)
		return
	}
	if isExport(r) {
		header := []string{"文件 file", "行 line", "列 column", "字段 field", "原因 reason", "reason"}
		xs := make([][]any, 0, len(out))
		for _, e := range out {
			xs = append(xs, []any{e.File, e.Line, e.Column, e.Field, e.ReasonCN, e.ReasonEN})
		}
		s.export(w, r, c, "import-"+strconv.FormatInt(n, 10)+"-errors", header, xs)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		ImportID int64         `json:"import_id"`
		Errors   []importError `json:"errors"`
	}{n, out})
}

// runScheme installs a pack or a weight table, then regroups the store.
func (ir *importRunner) runScheme(ctx context.Context, job *uploadJob, path string) {
	var msg string
	var problems []string
	var err error
	if job.Kind == kindScheme {
		tmp, terr := os.MkdirTemp(ir.s.cfg.UploadDir, "yardstick-pack-*")
		if terr != nil {
			err = terr
		} else {
			defer os.RemoveAll(tmp)
			var id string
			id, problems, err = ir.s.installPack(ctx, path, tmp)
			msg = "已安装方案 installed scheme " + id
		}
	} else {
		var data []byte
		if data, err = os.ReadFile(path); err == nil {
			msg, err = ir.s.addWeights(ctx, job.schemeID, job.File, data)
		}
	}
	if err == nil {
		// Regroup with the new scheme or weights (no new stays to check).
		if gerr := ir.s.groupAndCheck(ctx, 0, job.setPhase); gerr != nil {
			job.setWarning("已安装，但重新分组失败 installed, but regrouping failed: " + gerr.Error())
		}
		job.setPhase("facts")
		if ferr := ir.s.refreshFacts(ctx); ferr != nil {
			ir.s.log.Error("refresh facts after scheme upload failed", "job", job.ID, "err", ferr)
		}
	}
	ir.mu.Lock()
	defer ir.mu.Unlock()
	if len(problems) > 1000 {
		problems = problems[:1000]
	}
	job.Done, job.Status, job.Message, job.Problems = true, "ok", msg, problems
	if err != nil {
		job.Status, job.Message = "failed", err.Error()
	}
	job.setPhase("done")
	ir.s.metrics.importDone(job.Status)
}

// runCatalogue imports a catalogue version; the facts of every stay are then
// derived again (the store drops them when a catalogue changes).
func (ir *importRunner) runCatalogue(ctx context.Context, job *uploadJob, path string) {
	finish := func(status, msg string, problems []string) {
		ir.mu.Lock()
		defer ir.mu.Unlock()
		job.Done, job.Status, job.Message = true, status, msg
		if len(problems) > 1000 {
			problems = problems[:1000]
		}
		job.Problems = problems
		job.setPhase("done")
		ir.s.metrics.importDone(status)
	}
	rows, err := catalog.ReadFile(ctx, path)
	if err != nil {
		finish("failed", err.Error(), nil)
		return
	}
	job.rows.Store(int64(len(rows)))
	entries, problems, err := catalog.Parse(job.catKind, rows)
	if err != nil {
		finish("failed", err.Error(), problems)
		return
	}
	c := catalog.New(job.catKind, job.catVersion, job.File, entries)
	if err := ir.s.db.ImportCatalog(ctx, c); err != nil {
		finish("failed", err.Error(), problems)
		return
	}
	job.setPhase("facts")
	if err := ir.s.refreshFacts(ctx); err != nil {
		ir.s.log.Error("refresh facts after catalogue import failed", "job", job.ID, "err", err)
	}
	ir.mu.Lock()
	job.RowsGood, job.RowsBad = len(entries), len(problems)
	ir.mu.Unlock()
	finish("ok", c.Label(), problems)
}

type catalogVersion struct {
	Kind     string `json:"kind"`
	Version  string `json:"version"`
	Source   string `json:"source"`
	Entries  int    `json:"entries"`
	Imported string `json:"imported_at"`
}

func (s *Server) catalogVersions(ctx context.Context) ([]catalogVersion, error) {
	out := []catalogVersion{}
	if ti := s.tableInfo(ctx, "catalog_versions", "kind", "version"); !ti.hasCols {
		return out, nil
	}
	rows, err := s.db.SQL().QueryContext(ctx, `SELECT kind, version, coalesce(source, ''), coalesce(entries, 0), imported_at FROM catalog_versions ORDER BY imported_at DESC`)
	if err != nil {
		return nil, fmt.Errorf("read catalogue versions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c catalogVersion
		var at sql.NullTime
		if err := rows.Scan(&c.Kind, &c.Version, &c.Source, &c.Entries, &at); err != nil {
			return nil, fmt.Errorf("read catalogue versions: %w", err)
		}
		if at.Valid {
			c.Imported = at.Time.Format("2006-01-02 15:04:05")
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
