package web

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/yardstick-health/yardstick/internal/drg"
	"github.com/yardstick-health/yardstick/internal/drgrun"
	"github.com/yardstick-health/yardstick/internal/frontpage"
	"github.com/yardstick-health/yardstick/internal/qc"
	"github.com/yardstick-health/yardstick/internal/store"
)

// The server holds the store open for its lifetime (DuckDB allows one
// writing process), so `yardstick group` and `yardstick check` cannot run
// beside it. After a browser upload of front pages the server therefore does
// what those commands do with their defaults: it regroups the store (the
// installed scheme packs by discharge date, the embedded demo pack for the
// rest, weights chosen automatically) and checks the new stays.

func (s *Server) schemeDir() string {
	if s.cfg.SchemeDir != "" {
		return s.cfg.SchemeDir
	}
	return filepath.Join(filepath.Dir(s.db.Path()), "schemes")
}

// registry returns the scheme-pack registry, created once: it caches the
// compiled schemes, which take long to compile.
func (s *Server) registry() *drg.DirRegistry {
	s.regOnce.Do(func() { s.reg = drg.NewDirRegistry(s.schemeDir()) })
	return s.reg
}

func (s *Server) schemes(ctx context.Context) (installed []*drg.Scheme, demo *drg.Scheme, err error) {
	reg := s.registry()
	ms, err := reg.List(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("列出方案 list scheme packs: %w", err)
	}
	for _, m := range ms {
		if m.ID == drg.DemoID {
			continue
		}
		sc, err := reg.Scheme(ctx, m.ID)
		if err != nil {
			return nil, nil, fmt.Errorf("方案 scheme %s: %w", m.ID, err)
		}
		installed = append(installed, sc)
	}
	demo, err = drg.DemoScheme()
	if err != nil {
		return nil, nil, err
	}
	return installed, demo, nil
}

// groupAndCheck regroups the store and runs the quality rules over the stays
// of one import (importID 0: regroup only).
func (s *Server) groupAndCheck(ctx context.Context, importID int64, phase func(string)) error {
	installed, demo, err := s.schemes(ctx)
	if err != nil {
		return err
	}
	phase("grouping")
	if _, err := drgrun.GroupStore(ctx, s.db, drgrun.GroupStoreOptions{Schemes: installed, Fallback: demo}); err != nil {
		return fmt.Errorf("DRG分组 group: %w", err)
	}
	if importID == 0 {
		return nil
	}
	phase("checking")
	rows, err := s.db.SQL().QueryContext(ctx, `SELECT stay_id FROM stays WHERE import_id = ?`, importID)
	if err != nil {
		return fmt.Errorf("list imported stays: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return fmt.Errorf("list imported stays: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if len(ids) == 0 {
		return nil
	}
	dicts, err := s.db.CodeDicts(ctx)
	if err != nil {
		return err
	}
	eng, err := qc.New(qc.Options{Dicts: dicts})
	if err != nil {
		return fmt.Errorf("质控规则 quality rules: %w", err)
	}
	if _, err := s.db.RunCheck(ctx, eng, store.CheckOptions{Filter: store.Filter{StayIDs: ids}}); err != nil {
		return fmt.Errorf("质控 check: %w", err)
	}
	return nil
}

// stayTrace regroups one stay with the scheme that grouped it, recording
// every step, and renders the trace in the page language.
func (s *Server) stayTrace(ctx context.Context, id int64, st *frontpage.Stay, schemeID, lang string) (string, error) {
	var sc *drg.Scheme
	var err error
	if schemeID == "" || schemeID == drg.DemoID {
		sc, err = drg.DemoScheme()
	} else {
		sc, err = s.registry().Scheme(ctx, schemeID)
	}
	if err != nil {
		return "", fmt.Errorf("方案 scheme %s: %w", schemeID, err)
	}
	in := drgrun.InputFromStay(id, st)
	c := in.Case
	r := sc.GroupWith(&c, drg.Options{Trace: true, Translate: sc.HasCrosswalks() && (in.DxSystem == frontpage.DxGuolin2 || in.PxSystem == frontpage.PxGuolin3)})
	return r.Trace.Render(lang), nil
}
