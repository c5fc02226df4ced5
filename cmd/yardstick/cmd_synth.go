package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/yardstick-health/yardstick/internal/synth"
)

func init() {
	register(&command{
		Name:    "synth",
		Summary: "生成模拟医院数据 generate a synthetic hospital (front pages, visits, departments)",
		Usage: `用法 usage:
  yardstick synth --profile NAME --years 2020,2021 --out DIR [flags]
  yardstick synth --list

生成一家模拟医院：每年一个病案首页文件（导入格式）、每日门急诊及健康体检人次、科室字典、
注入缺陷的真值文件和 manifest.json。同一种子生成逐字节相同的文件。
Writes a synthetic hospital into DIR: one front-page file per year (import
format), daily outpatient/emergency/health-check visits, the department
dictionary, the truth file of injected defects and manifest.json with the
generated and published figures. The same seed gives byte-identical files.
All names, ID numbers and addresses are synthetic.

参数 flags:
  --profile NAME     模拟医院类型 profile (tertiary-general, county-general, maternal-child; see --list)
  --years LIST       年份 years, comma-separated (default 2020,2021)
  --seed N           随机种子 seed (default 1)
  --scale X          规模系数 volume multiplier, e.g. 0.01 for tests, 10 for load (default 1)
  --defects X        注入缺陷的病案比例 share of stays with an injected defect, 0–1 (default 0)
  --out DIR          输出目录 output directory (required)
  --format F         病案首页文件格式 front-page format: csv (default) or xlsx
  --encoding E       编码 encoding: utf-8 (default) or gbk
  --headers H        表头 CSV header style: code (default, national field codes), chinese or pinyin
  --max-dx N         其他诊断列数 other-diagnosis column groups (default 20)
  --max-px N         其他手术列数 other-procedure column groups (default 8)
  --json             在标准输出打印 JSON 摘要 print the manifest as JSON on stdout
  --list             列出模拟医院类型 list the profiles
`,
		Run: runSynth,
	})
}

func runSynth(ctx context.Context, env *cliEnv, args []string) error {
	fs := flag.NewFlagSet("synth", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	profile := fs.String("profile", "", "")
	years := fs.String("years", "2020,2021", "")
	seed := fs.Uint64("seed", 1, "")
	scale := fs.Float64("scale", 1, "")
	defects := fs.Float64("defects", 0, "")
	out := fs.String("out", "", "")
	format := fs.String("format", "csv", "")
	enc := fs.String("encoding", "utf-8", "")
	headers := fs.String("headers", "code", "")
	maxDx := fs.Int("max-dx", synth.DefaultMaxDx, "")
	maxPx := fs.Int("max-px", synth.DefaultMaxPx, "")
	asJSON := fs.Bool("json", false, "")
	list := fs.Bool("list", false, "")
	rest, err := parseInterleaved(fs, args)
	if err != nil {
		return usagef("%v", err)
	}
	if len(rest) > 0 {
		return usagef("多余的参数 unexpected arguments: %v", rest)
	}
	if *list {
		for _, name := range synth.Profiles() {
			p, err := synth.LoadProfile(name)
			if err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, "%-18s %s — %d 出院 discharges/year\n", name, p.Title, p.Summary.Discharges)
		}
		return nil
	}
	if *profile == "" {
		return usagef("缺少 --profile NAME missing --profile (one of: %s)", strings.Join(synth.Profiles(), ", "))
	}
	if *out == "" {
		return usagef("缺少 --out DIR missing --out DIR")
	}
	ys, err := parseYears(*years)
	if err != nil {
		return usagef("%v", err)
	}
	if !(*scale > 0) || *scale > 1000 {
		return usagef("--scale 必须在 0 和 1000 之间 must be in (0, 1000]")
	}
	if *defects < 0 || *defects > 1 {
		return usagef("--defects 必须在 0 和 1 之间 must be in [0, 1]")
	}
	if _, err := synth.LoadProfile(*profile); err != nil {
		return usagef("%v", err)
	}
	cfg := synth.Config{Profile: *profile, Years: ys, Seed: *seed, Scale: *scale, Defects: *defects,
		Format: *format, Encoding: *enc, Headers: *headers, MaxDx: *maxDx, MaxPx: *maxPx}
	res, err := synth.Generate(ctx, cfg, *out)
	if err != nil {
		return err
	}
	if *asJSON {
		e := json.NewEncoder(env.Stdout)
		e.SetIndent("", "  ")
		return e.Encode(res)
	}
	printSynthSummary(env.Stdout, res)
	fmt.Fprintf(env.Stdout, "文件 files (%s):\n", *out)
	for _, f := range res.Files {
		fmt.Fprintf(env.Stdout, "  %s\n", f)
	}
	return nil
}

func parseYears(s string) ([]int, error) {
	var ys []int
	seen := map[int]bool{}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		y, err := strconv.Atoi(part)
		if err != nil || y < 1990 || y > 2100 {
			return nil, fmt.Errorf("年份无效 invalid year %q", part)
		}
		if !seen[y] {
			seen[y] = true
			ys = append(ys, y)
		}
	}
	if len(ys) == 0 {
		return nil, fmt.Errorf("缺少年份 no year given")
	}
	return ys, nil
}

// printSynthSummary prints the generated figures of each year next to the
// published summary the profile is calibrated to.
func printSynthSummary(w io.Writer, res *synth.Result) {
	pub := res.Published
	fmt.Fprintf(w, "模拟医院 profile %s (seed %d, scale %g)\n", res.Profile, res.Seed, res.Scale)
	fmt.Fprint(w, padCells("指标 figure", 26))
	for _, y := range res.Years {
		fmt.Fprintf(w, "%12d", y.Year)
	}
	fmt.Fprintf(w, "  公布 published %d\n", res.RefYear)
	row := func(name string, gen func(y synth.YearResult) string, published string) {
		fmt.Fprint(w, padCells(name, 26))
		for _, y := range res.Years {
			fmt.Fprintf(w, "%12s", gen(y))
		}
		fmt.Fprintf(w, "%18s\n", published)
	}
	scaled := func(v int) string {
		if v == 0 {
			return "-"
		}
		return strconv.Itoa(int(float64(v)*res.Scale + 0.5))
	}
	row("出院 discharges", func(y synth.YearResult) string { return strconv.Itoa(y.Stats.Discharges) }, scaled(pub.Discharges))
	row("手术 operations", func(y synth.YearResult) string { return strconv.Itoa(y.Stats.Operations) }, scaled(pub.Operations))
	row("四级手术占比 level-4", func(y synth.YearResult) string { return fmt.Sprintf("%.1f%%", 100*y.Stats.Level4Share()) },
		pct(pub.Level4Share))
	row("日间手术 day surgery", func(y synth.YearResult) string { return strconv.Itoa(y.Stats.DaySurgeries) }, scaled(pub.DaySurgeries))
	row("平均住院日 mean LOS", func(y synth.YearResult) string { return fmt.Sprintf("%.2f", y.MeanLOS) }, fmt.Sprintf("%.1f", pub.MeanLOS))
	row("死亡 deaths", func(y synth.YearResult) string { return strconv.Itoa(y.Stats.Deaths) }, "-")
	row("活产 births", func(y synth.YearResult) string { return strconv.Itoa(y.Stats.Births) }, scaled(pub.Births))
	row("门急诊 OP+ED visits", func(y synth.YearResult) string { return strconv.Itoa(y.Visits) }, scaled(pub.Visits))
	row("健康体检 health checks", func(y synth.YearResult) string { return strconv.Itoa(y.HealthCheck) }, "-")
	if len(res.Defects) > 0 {
		n := 0
		for _, c := range res.Defects {
			n += c
		}
		fmt.Fprintf(w, "注入缺陷 injected defects: %d (见 see %s)\n", n, synth.TruthFile)
	}
}

func pct(v float64) string {
	if v == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", 100*v)
}

// padCells pads s to width terminal cells, counting CJK characters as two.
func padCells(s string, width int) string {
	n := 0
	for _, r := range s {
		if r >= 0x1100 {
			n += 2
		} else {
			n++
		}
	}
	if n >= width {
		return s + " "
	}
	return s + strings.Repeat(" ", width-n)
}
