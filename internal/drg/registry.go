package drg

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
)

// SchemeRegistry stores installed scheme packs. It is an interface so the
// storage can move (today a directory, later the DuckDB store) without
// touching callers.
type SchemeRegistry interface {
	// List returns the manifests of every available pack, sorted by id.
	List(ctx context.Context) ([]Manifest, error)
	// Pack returns a pack by id with overlays resolved onto their parents.
	Pack(ctx context.Context, id string) (*Pack, error)
	// Install validates a pack and stores it, replacing a pack with the same id.
	Install(ctx context.Context, p *Pack) ([]Issue, error)
}

// DemoID is the id of the embedded demo pack, always available.
const DemoID = "demo-chs-drg-1.1"

var idPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// ValidID reports whether id can name a pack (it becomes a directory name).
func ValidID(id string) bool { return idPattern.MatchString(id) }

// DirRegistry keeps each pack in <Dir>/<id>/ in the pack format, plus the
// embedded demo pack. Compiled schemes are cached; safe for concurrent use.
type DirRegistry struct {
	Dir string

	mu      sync.Mutex
	schemes map[string]*Scheme
}

// NewDirRegistry returns a registry rooted at dir (created on first install).
func NewDirRegistry(dir string) *DirRegistry {
	return &DirRegistry{Dir: dir, schemes: map[string]*Scheme{}}
}

func (r *DirRegistry) List(ctx context.Context) ([]Manifest, error) {
	out := []Manifest{demoManifest()}
	entries, err := os.ReadDir(r.Dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("list schemes in %s: %w", r.Dir, err)
	}
	for _, e := range entries {
		if !e.IsDir() || strings.HasSuffix(e.Name(), ".tmp") {
			continue // .tmp: an interrupted install
		}
		b, err := os.ReadFile(filepath.Join(r.Dir, e.Name(), fileManifest))
		if err != nil {
			continue // not a pack
		}
		var m Manifest
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Join(r.Dir, e.Name(), fileManifest), err)
		}
		if m.ID == DemoID {
			continue
		}
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

func (r *DirRegistry) Pack(ctx context.Context, id string) (*Pack, error) {
	return r.pack(ctx, id, 0)
}

func (r *DirRegistry) pack(ctx context.Context, id string, depth int) (*Pack, error) {
	if depth > 8 {
		return nil, fmt.Errorf("方案 %s: 上级方案链过长或成环 parent chain too long or cyclic", id)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var p *Pack
	if id == DemoID {
		var err error
		if p, err = DemoPack(); err != nil {
			return nil, err
		}
	} else {
		if !ValidID(id) {
			return nil, fmt.Errorf("方案 id 无效 invalid scheme id %q", id)
		}
		dir := filepath.Join(r.Dir, id)
		if _, err := os.Stat(filepath.Join(dir, fileManifest)); err != nil {
			return nil, fmt.Errorf("方案 %s 未安装 scheme not installed in %s (yardstick scheme list)", id, r.Dir)
		}
		var err error
		if p, err = ReadPack(os.DirFS(dir)); err != nil {
			return nil, fmt.Errorf("scheme %s: %w", id, err)
		}
	}
	if !p.isOverlay() {
		return p, nil
	}
	parent, err := r.pack(ctx, p.Manifest.Parent, depth+1)
	if err != nil {
		return nil, fmt.Errorf("方案 %s 的上级 parent of %s: %w", id, id, err)
	}
	return Resolve(parent, p)
}

// Scheme returns the compiled scheme of an installed pack (cached).
func (r *DirRegistry) Scheme(ctx context.Context, id string) (*Scheme, error) {
	r.mu.Lock()
	s, ok := r.schemes[id]
	r.mu.Unlock()
	if ok {
		return s, nil
	}
	p, err := r.Pack(ctx, id)
	if err != nil {
		return nil, err
	}
	s, _, err = Compile(p)
	if err != nil {
		return nil, fmt.Errorf("scheme %s: %w", id, err)
	}
	r.mu.Lock()
	r.schemes[id] = s
	r.mu.Unlock()
	return s, nil
}

// Install validates the pack (resolving an overlay against installed
// parents) and writes it to <Dir>/<id>/. An overlay is stored as an overlay,
// so it follows later updates of its parent.
func (r *DirRegistry) Install(ctx context.Context, p *Pack) ([]Issue, error) {
	id := p.Manifest.ID
	if !ValidID(id) {
		return nil, fmt.Errorf("方案 id 无效 invalid scheme id %q (letters, digits, . _ -)", id)
	}
	if id == DemoID {
		return nil, fmt.Errorf("%s 是内置演示方案, 不能覆盖 is the embedded demo and cannot be replaced", DemoID)
	}
	full := p
	if p.isOverlay() {
		parent, err := r.Pack(ctx, p.Manifest.Parent)
		if err != nil {
			return nil, err
		}
		if full, err = Resolve(parent, p); err != nil {
			return nil, err
		}
	}
	_, issues, err := Compile(full)
	if err != nil {
		return issues, err
	}
	dst := filepath.Join(r.Dir, id)
	tmp := dst + ".tmp"
	if err := os.RemoveAll(tmp); err != nil {
		return issues, fmt.Errorf("install: %w", err)
	}
	if err := WritePack(p, tmp); err != nil {
		return issues, err
	}
	if err := os.RemoveAll(dst); err != nil {
		return issues, fmt.Errorf("install: %w", err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		return issues, fmt.Errorf("install: %w", err)
	}
	r.mu.Lock()
	delete(r.schemes, id)
	r.mu.Unlock()
	return issues, nil
}

// WritePack writes a pack in the on-disk format to dir.
func WritePack(p *Pack, dir string) error {
	write := func(name string, data []byte) error {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return fmt.Errorf("write pack: %w", err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return fmt.Errorf("write pack: %w", err)
		}
		return nil
	}
	files, err := p.Files()
	if err != nil {
		return err
	}
	for name, data := range files {
		if err := write(name, data); err != nil {
			return err
		}
	}
	return nil
}

// Files renders the pack as file name → content.
func (p *Pack) Files() (map[string][]byte, error) {
	out := map[string][]byte{}
	js := func(v any) ([]byte, error) {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", " ")
		if err := enc.Encode(v); err != nil {
			return nil, err
		}
		return b.Bytes(), nil
	}
	var err error
	if out[fileManifest], err = js(p.Manifest); err != nil {
		return nil, fmt.Errorf("encode %s: %w", fileManifest, err)
	}
	if p.hasMDCJSON || len(p.MDCs) > 0 {
		if out[fileMDC], err = js(p.MDCs); err != nil {
			return nil, fmt.Errorf("encode %s: %w", fileMDC, err)
		}
	}
	if p.hasADRGJSON || len(p.ADRGs) > 0 {
		if out[fileADRG], err = js(p.ADRGs); err != nil {
			return nil, fmt.Errorf("encode %s: %w", fileADRG, err)
		}
	}
	for name, t := range p.Tables {
		var b bytes.Buffer
		if err := t.writeCSV(&b); err != nil {
			return nil, fmt.Errorf("encode %s: %w", name, err)
		}
		out[name] = b.Bytes()
	}
	for name, b := range p.Extra {
		out[name] = b
	}
	return out, nil
}

// LoadDir reads the pack in dir and resolves it against reg when it is an
// overlay (reg may be nil for base packs). A folder without pack.json — the
// national tables as published — gets the folder name as id.
func LoadDir(ctx context.Context, dir string, reg SchemeRegistry) (*Pack, error) {
	p, err := ReadPackDir(dir)
	if err != nil {
		return nil, err
	}
	return ResolveWith(ctx, p, reg)
}

// Selector picks, for each case, the scheme in force on its discharge date.
type Selector struct {
	schemes []*Scheme // sorted by effective_from, latest first
}

// NewSelector builds a selector over schemes (e.g. the successive versions
// used by one payer). Overlapping ranges are allowed: the scheme that took
// effect last wins.
func NewSelector(schemes ...*Scheme) (*Selector, error) {
	if len(schemes) == 0 {
		return nil, errors.New("没有分组方案 no scheme given")
	}
	s := &Selector{schemes: append([]*Scheme(nil), schemes...)}
	sort.SliceStable(s.schemes, func(i, j int) bool { return s.schemes[i].from.After(s.schemes[j].from) })
	return s, nil
}

// For returns the scheme in force on d (zero d: the latest scheme).
func (s *Selector) For(d time.Time) (*Scheme, bool) {
	for _, sc := range s.schemes {
		if sc.InForce(d) {
			return sc, true
		}
	}
	return nil, false
}

// ReasonNoScheme is the Result.Reason when no scheme covers the discharge date.
const ReasonNoScheme = "出院日期不在任何分组方案的有效期内 no scheme in force on the discharge date"

// Group groups one case with the scheme in force on its discharge date.
func (s *Selector) Group(c *Case, opt Options) Result {
	sc, ok := s.For(c.Discharge)
	if !ok {
		return Result{Status: StatusInvalid, MDC: "0000", ADRG: "00", DRG: "0000", Reason: ReasonNoScheme}
	}
	return sc.GroupWith(c, opt)
}

// GroupAll groups a stream of cases, calling fn with each case and its
// result (which carries the scheme id and version). It stops at the first
// error from fn or when ctx is done. For parallel use, run several GroupAll
// over partitions: schemes and selectors are read-only.
func (s *Selector) GroupAll(ctx context.Context, cases iter.Seq[Case], opt Options, fn func(*Case, Result) error) error {
	n := 0
	for c := range cases {
		if n++; n&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if err := fn(&c, s.Group(&c, opt)); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// ReadPackDir reads a pack folder without resolving overlays. A folder
// without pack.json gets the folder name as id.
func ReadPackDir(dir string) (*Pack, error) {
	p, err := ReadPack(os.DirFS(dir))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	if p.Manifest.ID == "" {
		abs, err := filepath.Abs(dir)
		if err != nil {
			abs = dir
		}
		p.Manifest.ID = filepath.Base(abs)
		if p.Manifest.Name == "" {
			p.Manifest.Name = p.Manifest.ID
		}
	}
	return p, nil
}

// ResolveWith resolves an overlay pack against its parent in reg; a base pack
// is returned as is.
func ResolveWith(ctx context.Context, p *Pack, reg SchemeRegistry) (*Pack, error) {
	if !p.isOverlay() {
		return p, nil
	}
	if reg == nil {
		return nil, fmt.Errorf("叠加方案 %s 需要已安装的上级方案 %s overlay needs its parent installed", p.Manifest.ID, p.Manifest.Parent)
	}
	parent, err := reg.Pack(ctx, p.Manifest.Parent)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p.Manifest.ID, err)
	}
	return Resolve(parent, p)
}

// AddWeights validates a weight file (columns region,year,drg,rw) against an
// installed pack and stores it as weights/<name>.csv of that pack, replacing
// a file of the same name. It returns the tables read. The embedded demo
// pack cannot be changed; install an overlay instead.
func (r *DirRegistry) AddWeights(ctx context.Context, id, name string, data []byte) ([]WeightTable, error) {
	if id == DemoID {
		return nil, fmt.Errorf("%s 是内置演示方案, 不能修改 is the embedded demo and cannot be changed", DemoID)
	}
	if !ValidID(id) || !ValidID(name) {
		return nil, fmt.Errorf("方案或文件名无效 invalid scheme id %q or weight name %q", id, name)
	}
	s, err := r.Scheme(ctx, id)
	if err != nil {
		return nil, err
	}
	t, err := parseTable(name, data)
	if err != nil {
		return nil, err
	}
	tables, err := weightTablesFrom(t)
	if err != nil {
		return nil, err
	}
	for _, wt := range tables {
		for code := range wt.RW {
			if _, ok := s.drgIndex[code]; !ok {
				return nil, fmt.Errorf("%s %d: DRG %s 不在方案 %s 中 not in the scheme", wt.Region, wt.Year, code, id)
			}
		}
	}
	dir := filepath.Join(r.Dir, id, "weights")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("add weights: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".csv"), data, 0o644); err != nil {
		return nil, fmt.Errorf("add weights: %w", err)
	}
	r.mu.Lock()
	delete(r.schemes, id)
	r.mu.Unlock()
	return tables, nil
}
