package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/yardstick-health/yardstick/internal/drg"
	"github.com/yardstick-health/yardstick/internal/drgrun"
	"github.com/yardstick-health/yardstick/internal/store"
)

// runGroupStore is `yardstick group` without --in: group every stay of the
// store and record the results (drgrun.GroupStore).
func runGroupStore(ctx context.Context, env *cliEnv, g *groupFlags) error {
	if g.out != "" {
		return usagef("--out 只用于 --in 文件模式 --out applies to --in files only")
	}
	var opt drgrun.GroupStoreOptions
	switch g.weights {
	case "", "auto":
		opt.Weights = drgrun.WeightsAuto
	case drgrun.WeightsInternal, drgrun.WeightsNone:
		opt.Weights = g.weights
	default:
		return usagef("--weights 须为 must be auto, internal or none")
	}
	if g.weightYear != 0 && g.region == "" {
		return usagef("--weight-year 需要 --region needs --region")
	}
	opt.Region, opt.Year = g.region, g.weightYear
	path := g.sf.db
	if path == "" {
		path = store.DefaultPath
	}
	if _, err := os.Stat(path); err != nil {
		return usagef("数据库不存在 store not found: %s (先导入 import first: yardstick import)", path)
	}
	if g.scheme != "" {
		s, err := g.loadScheme(ctx, env)
		if err != nil {
			return err
		}
		opt.Scheme = s
	} else {
		installed, err := installedSchemes(ctx, g.sf.registry())
		if err != nil {
			return err
		}
		demo, err := drg.DemoScheme()
		if err != nil {
			return err
		}
		opt.Schemes, opt.Fallback = installed, demo
		if len(installed) == 0 {
			fmt.Fprintf(env.Stderr, "未安装分组方案, 使用内置演示方案 %s (国家方案的子集) no scheme installed: using the embedded demo pack %s (a subset of the national scheme)\n", drg.DemoID, drg.DemoID)
		}
	}
	db, err := store.Open(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()
	sum, err := drgrun.GroupStore(ctx, db, opt)
	if errors.Is(err, drgrun.ErrNoRegion) {
		return usagef("%v", err)
	}
	if err != nil {
		return err
	}
	if err := db.Close(); err != nil {
		return err
	}
	for _, u := range sum.Schemes {
		if u.Fallback && u.Stays > 0 && len(opt.Schemes) > 0 {
			fmt.Fprintf(env.Stderr, "注意 note: %d 例出院日期不在已安装方案有效期内, 使用内置演示方案 %s stays outside every installed pack's dates were grouped with the demo pack\n", u.Stays, drg.DemoID)
		}
		if len(u.Regions) > 0 {
			fmt.Fprintf(env.Stderr, "注意 note: 方案 %s 有权重表但未指定 --region, 未记录权重 the pack has weight tables but no --region was given, no weights recorded (可用 available: %s)\n", u.ID, strings.Join(u.Regions, ", "))
		}
	}
	if g.json {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(sum); err != nil {
			return fmt.Errorf("write summary: %w", err)
		}
		return nil
	}
	printGroupSummary(env, sum)
	return nil
}

// installedSchemes compiles every installed pack (not the embedded demo,
// which is the fallback).
func installedSchemes(ctx context.Context, reg *drg.DirRegistry) ([]*drg.Scheme, error) {
	ms, err := reg.List(ctx)
	if err != nil {
		return nil, err
	}
	var out []*drg.Scheme
	for _, m := range ms {
		if m.ID == drg.DemoID {
			continue
		}
		s, err := reg.Scheme(ctx, m.ID)
		if err != nil {
			return nil, fmt.Errorf("方案 scheme %s: %w", m.ID, err)
		}
		out = append(out, s)
	}
	return out, nil
}

func printGroupSummary(env *cliEnv, s *drgrun.GroupStoreSummary) {
	w := env.Stdout
	for _, u := range s.Schemes {
		note := ""
		if u.Fallback {
			note = " (内置演示方案 embedded demo pack)"
		}
		fmt.Fprintf(w, "方案 scheme %s %s: %d 例 stays%s\n", u.ID, u.Version, u.Stays, note)
	}
	fmt.Fprintf(w, "分组 grouped %d 例住院 stays: 入组 grouped %d, 无法入组 0000 %d, 歧义 QY %d, 校验不通过 invalid %d\n",
		s.Stays, s.Grouped, s.Ungroupable, s.Ambiguous, s.Invalid)
	if s.NoScheme > 0 {
		fmt.Fprintf(w, "  无适用方案 no scheme in force: %d\n", s.NoScheme)
	}
	fmt.Fprintf(w, "DRG 组数 DRG count: %d\n", s.DRGCount)
	if s.WeightedStays > 0 {
		var src []string
		for _, u := range s.Schemes {
			if u.WeightSource != "" {
				src = append(src, u.WeightSource)
			}
		}
		fmt.Fprintf(w, "CMI %.4f (%d 例有权重 stays with a weight; 权重来源 weights: %s)\n", s.CMI, s.WeightedStays, strings.Join(src, ", "))
	} else {
		fmt.Fprintln(w, "CMI: 无权重 no weights")
	}
	if len(s.TopUngroupable) > 0 {
		fmt.Fprintf(w, "0000 主要诊断 principal diagnoses: %s\n", counts(s.TopUngroupable))
	}
	for _, r := range s.InvalidReasons {
		fmt.Fprintf(w, "校验不通过 invalid: %s — %d\n", r.Key, r.Count)
	}
	if s.Translated > 0 || s.UntranslatedCodes > 0 {
		fmt.Fprintf(w, "编码转换 translation: %d 例经对照表转换 stays translated; %d 个编码无对照 untranslatable codes in %d 例 stays",
			s.Translated, s.UntranslatedCodes, s.UntranslatedStays)
		if len(s.TopUntranslated) > 0 {
			fmt.Fprintf(w, ": %s", counts(s.TopUntranslated))
		}
		fmt.Fprintln(w)
	}
	if s.NotTranslated > 0 {
		fmt.Fprintf(w, "注意 note: %d 例为国家临床版编码, 方案无对照表, 按原编码分组 stays coded in 国家临床版 grouped as is (the pack has no crosswalk)\n", s.NotTranslated)
	}
	fmt.Fprintf(w, "用时 time: %.2fs\n", s.Elapsed.Seconds())
}

func counts(cs []drgrun.Count) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = fmt.Sprintf("%s (%d)", c.Key, c.Count)
	}
	return strings.Join(parts, ", ")
}
