package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/yardstick-health/yardstick/internal/drg"
)

func init() {
	register(&command{
		Name:    "scheme",
		Summary: "DRG 分组方案包: 导入、校验、列出 DRG scheme packs: import, validate, list",
		Usage: `用法 usage:
  yardstick scheme import DIR [--schemes DIR] [--id ID] [--name NAME] [--version V] [--from YYYY-MM-DD] [--to YYYY-MM-DD]
  yardstick scheme validate DIR [--schemes DIR]
  yardstick scheme list [--schemes DIR]
  yardstick scheme weights ID FILE.csv [--schemes DIR]

import   校验并安装一个方案包 (按国家分组表格式组织的文件夹, 可带 pack.json; 叠加包的上级须已安装)。
         有错误时列出全部问题并以退出码 1 结束, 不安装。
         Validate a scheme pack (a folder laid out like the national tables, optionally with
         pack.json; an overlay's parent must be installed) and install it. Any inconsistency
         is reported and nothing is installed (exit 1).
validate 只校验不安装 validate only.
weights  为已安装方案导入权重表 (列 region,year,drg,rw; 空 rw = 未公布) import a relative-weight
         table (columns region,year,drg,rw) into an installed pack, stored as weights/<文件名>.csv.
list     列出已安装的方案 (内置演示方案 ` + drg.DemoID + ` 总是可用) list installed packs
         (the embedded demo pack is always available).

参数 flags:
  --schemes DIR  方案目录 scheme directory (默认 default: 与 --db 同目录下的 schemes/, 否则 ./schemes)
  --db PATH      数据库路径, 用于推定方案目录 database path, locates the scheme directory
  --id/--name/--version/--from/--to  覆盖 pack.json 中的值 (没有 pack.json 时 id 默认为文件夹名)
                 override pack.json (without pack.json the id defaults to the folder name)

完整国家方案 full national scheme:  yardstick scheme import path/to/chs-drg-1.1 --id chs-drg-1.1
`,
		Run: runScheme,
	})
}

// schemeFlags are shared by scheme and group.
type schemeFlags struct {
	schemes string
	db      string
}

func (f *schemeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.schemes, "schemes", "", "scheme directory")
	fs.StringVar(&f.db, "db", "", "database path (scheme directory defaults to schemes/ beside it)")
}

// registry returns the scheme registry: --schemes, else schemes/ beside
// --db, else ./schemes.
func (f *schemeFlags) registry() *drg.DirRegistry {
	dir := f.schemes
	if dir == "" && f.db != "" {
		dir = filepath.Join(filepath.Dir(f.db), "schemes")
	}
	if dir == "" {
		dir = "schemes"
	}
	return drg.NewDirRegistry(dir)
}

func newFlagSet(name string, w io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(w)
	return fs
}

// parseInterspersed parses flags that may come after positional arguments.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, usagef("%v", err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func runScheme(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) == 0 {
		return usagef("缺少子命令 missing subcommand: import, validate or list")
	}
	sub, args := args[0], args[1:]
	var sf schemeFlags
	fs := newFlagSet("scheme "+sub, env.Stderr)
	sf.register(fs)
	var id, name, version, from, to string
	if sub == "import" {
		fs.StringVar(&id, "id", "", "pack id")
		fs.StringVar(&name, "name", "", "pack name")
		fs.StringVar(&version, "version", "", "pack version")
		fs.StringVar(&from, "from", "", "effective from (YYYY-MM-DD)")
		fs.StringVar(&to, "to", "", "effective to (YYYY-MM-DD)")
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	reg := sf.registry()
	switch sub {
	case "list":
		if len(pos) != 0 {
			return usagef("list 不接受参数 takes no arguments")
		}
		list, err := reg.List(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "%-24s %-10s %-10s %-10s %-6s %s\n", "id", "version", "from", "to", "qy", "name")
		for _, m := range list {
			qy := "off"
			if m.QY != nil && m.QY.Enabled {
				qy = "on"
			}
			name := m.Name
			if m.Parent != "" {
				name += " (叠加于 overlay on " + m.Parent + ")"
			}
			fmt.Fprintf(env.Stdout, "%-24s %-10s %-10s %-10s %-6s %s\n", m.ID, dash(m.Version), dash(m.EffectiveFrom), dash(m.EffectiveTo), qy, name)
		}
		fmt.Fprintf(env.Stderr, "方案目录 scheme directory: %s\n", reg.Dir)
		return nil
	case "weights":
		if len(pos) != 2 {
			return usagef("用法 usage: yardstick scheme weights ID FILE.csv")
		}
		data, err := os.ReadFile(pos[1])
		if err != nil {
			return fmt.Errorf("read %s: %w", pos[1], err)
		}
		name := strings.TrimSuffix(filepath.Base(pos[1]), filepath.Ext(pos[1]))
		tables, err := reg.AddWeights(ctx, pos[0], name, data)
		if err != nil {
			return dataErrorf("%v", err)
		}
		for _, t := range tables {
			fmt.Fprintf(env.Stdout, "%s: %s %d — %d 个 DRG 权重 DRG weights\n", pos[0], t.Region, t.Year, len(t.RW))
		}
		return nil
	case "import", "validate":
		if len(pos) != 1 {
			return usagef("需要一个文件夹 need exactly one folder: yardstick scheme %s DIR", sub)
		}
		p, err := drg.ReadPackDir(pos[0])
		if err != nil {
			return err
		}
		for flagVal, dst := range map[string]*string{id: &p.Manifest.ID, name: &p.Manifest.Name, version: &p.Manifest.Version, from: &p.Manifest.EffectiveFrom, to: &p.Manifest.EffectiveTo} {
			if flagVal != "" {
				*dst = flagVal
			}
		}
		if sub == "validate" {
			full, err := drg.ResolveWith(ctx, p, reg)
			if err != nil {
				return err
			}
			s, issues, err := drg.Compile(full)
			printIssues(env.Stderr, issues)
			if err != nil {
				return dataErrorf("方案包有错误 pack has errors")
			}
			st := s.Stats()
			fmt.Fprintf(env.Stdout, "%s: 有效 valid — %d MDC, %d ADRG, %d DRG\n", p.Manifest.ID, st.MDCs, st.ADRGs, st.DRGs)
			return nil
		}
		issues, err := reg.Install(ctx, p)
		printIssues(env.Stderr, issues)
		if err != nil {
			var ve *drg.ValidationError
			if errors.As(err, &ve) {
				return dataErrorf("方案包有错误, 未安装 pack has errors, not installed")
			}
			return err
		}
		s, err := reg.Scheme(ctx, p.Manifest.ID)
		if err != nil {
			return err
		}
		st := s.Stats()
		fmt.Fprintf(env.Stdout, "已安装 installed %s (%s) — %d MDC, %d ADRG, %d DRG → %s\n", p.Manifest.ID, dash(p.Manifest.Version), st.MDCs, st.ADRGs, st.DRGs, filepath.Join(reg.Dir, p.Manifest.ID))
		return nil
	}
	return usagef("未知子命令 unknown subcommand %q: import, validate or list", sub)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// printIssues prints every error and up to 20 warnings.
func printIssues(w io.Writer, issues []drg.Issue) {
	warn := 0
	for _, is := range issues {
		if is.Error {
			fmt.Fprintln(w, is.String())
			continue
		}
		if warn++; warn <= 20 {
			fmt.Fprintln(w, is.String())
		}
	}
	if warn > 20 {
		fmt.Fprintf(w, "… 另有 %d 条警告 %d more warnings\n", warn-20, warn-20)
	}
}
