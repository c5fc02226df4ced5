package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/yardstick-health/yardstick/internal/frontpage"
	"github.com/yardstick-health/yardstick/internal/ingest"
)

func init() {
	register(&command{
		Name:    "bench",
		Summary: "性能基准（开发用）benchmarks (for developers)",
		Usage: `用法 usage:
  yardstick bench import [--stays N] [--encoding utf-8|gbk] [--dir DIR] [--keep] [--json]
  yardstick bench web [--db FILE] [--users 50] [--duration 20s] [--think 0s]

生成一个宽表病案首页 CSV（全国接口全部列，平均 10 个诊断、5 个手术操作），
导入到一个新的临时数据库，报告每秒病例数和峰值内存（VmHWM）。
Generates a wide front-page CSV (every column of the national layout, 10
diagnoses and 5 procedures per stay on average), imports it into a fresh
temporary store exactly as "yardstick import frontpage" does, and reports
stays/s (end to end: decode, parse, store, commit) and the peak resident
memory of the import (VmHWM, reset after generating the file).

参数 flags:
  --stays N        病例数 number of stays (default 1000000)
  --encoding E     utf-8 (default) or gbk
  --dir DIR        工作目录 working directory (default: a new temp directory)
  --keep           保留生成的文件和数据库 keep the generated file and store
  --reuse          重用 DIR 中已生成的同名文件 reuse the file a previous --keep run left in DIR
                   (its stay count must match --stays)
  --json           JSON 输出 JSON output

` + benchWebUsage,
		Run: runBench,
	})
}

type benchResult struct {
	Stays         int     `json:"stays"`
	Encoding      string  `json:"encoding"`
	FileBytes     int64   `json:"file_bytes"`
	Columns       int     `json:"columns"`
	GenSeconds    float64 `json:"generate_seconds"`
	ImportSeconds float64 `json:"import_seconds"`
	// ImportCPUSeconds is the process CPU time (user+sys, all threads) of
	// the import: on a shared machine wall time depends on the neighbours,
	// CPU time much less.
	ImportCPUSeconds float64 `json:"import_cpu_seconds"`
	StaysPerSec      float64 `json:"stays_per_second"`
	PeakRSSMiB       float64 `json:"peak_rss_mib"`
	StoreBytes       int64   `json:"store_bytes"`
	CPUs             int     `json:"cpus"`
}

func runBench(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) > 0 && args[0] == "web" {
		return runBenchWeb(ctx, env, args[1:])
	}
	if len(args) == 0 || args[0] != "import" {
		return usagef("用法 usage: yardstick bench import|web ... (see --help)")
	}
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	n := fs.Int("stays", 1_000_000, "")
	enc := fs.String("encoding", "utf-8", "")
	dir := fs.String("dir", "", "")
	keep := fs.Bool("keep", false, "")
	reuse := fs.Bool("reuse", false, "")
	asJSON := fs.Bool("json", false, "")
	rest, err := parseInterleaved(fs, args[1:])
	if err != nil {
		return usagef("%v", err)
	}
	if len(rest) > 0 || *n <= 0 {
		return usagef("用法 usage: yardstick bench import [--stays N>0] [--encoding utf-8|gbk]")
	}
	if *enc != "utf-8" && *enc != "gbk" {
		return usagef("--encoding 只能是 must be utf-8 or gbk")
	}
	if *dir == "" {
		d, err := os.MkdirTemp("", "yardstick-bench-")
		if err != nil {
			return fmt.Errorf("create temp dir: %w", err)
		}
		*dir = d
		if !*keep {
			defer os.RemoveAll(d)
		}
	}
	csvPath := filepath.Join(*dir, "frontpages-"+*enc+".csv")
	dbPath := filepath.Join(*dir, "bench.duckdb")
	os.Remove(dbPath)
	os.Remove(dbPath + ".wal")

	t0 := time.Now()
	cols := len(frontpage.Fields())
	if _, err := os.Stat(csvPath); err != nil || !*reuse {
		if cols, err = writeBenchCSV(ctx, csvPath, *n, *enc); err != nil {
			return err
		}
	}
	res := benchResult{Stays: *n, Encoding: *enc, Columns: cols, GenSeconds: time.Since(t0).Seconds(), CPUs: runtime.NumCPU()}
	if st, err := os.Stat(csvPath); err == nil {
		res.FileBytes = st.Size()
	}
	fmt.Fprintf(env.Stderr, "生成 generated %s (%d stays, %.0f MiB) in %.1fs; importing…\n", csvPath, *n, float64(res.FileBytes)/(1<<20), res.GenSeconds)

	// The generator's memory is not the import's: reset the high-water mark
	// (Linux: writing 5 to clear_refs resets VmHWM) and let the GC return it.
	runtime.GC()
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)

	var out, errb strings.Builder
	t1, cpu1 := time.Now(), cpuTime()
	code := run(ctx, &cliEnv{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb},
		[]string{"import", "frontpage", "--db", dbPath, "--quiet", "--json", csvPath})
	res.ImportSeconds = time.Since(t1).Seconds()
	res.ImportCPUSeconds = (cpuTime() - cpu1).Seconds()
	if code != 0 {
		return fmt.Errorf("导入失败 import failed (exit %d): %s", code, strings.TrimSpace(errb.String()))
	}
	var sum importSummary
	if err := json.Unmarshal([]byte(out.String()), &sum); err != nil || len(sum.Files) != 1 || sum.Files[0].Inserted != int64(*n) {
		return fmt.Errorf("导入结果不符 unexpected import result: %v %s", err, out.String())
	}
	res.StaysPerSec = float64(*n) / res.ImportSeconds
	res.PeakRSSMiB = float64(vmHWM()) / 1024
	for _, p := range []string{dbPath, dbPath + ".wal"} {
		if st, err := os.Stat(p); err == nil {
			res.StoreBytes += st.Size()
		}
	}
	if *asJSON {
		e := json.NewEncoder(env.Stdout)
		e.SetIndent("", "  ")
		return e.Encode(res)
	}
	fmt.Fprintf(env.Stdout, "import frontpage: %d stays (%s, %d columns, %.0f MiB) in %.1fs = %.0f stays/s (%.1f CPU s); peak RSS %.0f MiB; store %.0f MiB; %d CPUs\n",
		res.Stays, res.Encoding, res.Columns, float64(res.FileBytes)/(1<<20), res.ImportSeconds, res.StaysPerSec, res.ImportCPUSeconds, res.PeakRSSMiB, float64(res.StoreBytes)/(1<<20), res.CPUs)
	return nil
}

// cpuTime returns the CPU time (user+sys) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// vmHWM returns the peak resident set size of the process in KiB (0 if unknown).
func vmHWM() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			v, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return v
		}
	}
	return 0
}

// writeBenchCSV streams n generated stays to path in the full national wide
// layout and returns the number of columns.
func writeBenchCSV(ctx context.Context, path string, n int, enc string) (int, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, fmt.Errorf("create %s: %w", path, err)
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	w, err := ingest.NewCSVWriter(bw, ingest.WriteOptions{Encoding: enc})
	if err != nil {
		return 0, err
	}
	g := newBenchGen(1)
	var s frontpage.Stay
	for i := 0; i < n; i++ {
		if i%10000 == 0 && ctx.Err() != nil {
			return 0, ctx.Err()
		}
		g.stay(&s, i)
		if err := w.Write(&s); err != nil {
			return 0, fmt.Errorf("write %s: %w", path, err)
		}
	}
	if err := w.Flush(); err != nil {
		return 0, err
	}
	if err := bw.Flush(); err != nil {
		return 0, fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return 0, fmt.Errorf("close %s: %w", path, err)
	}
	// header + every registry field (the writer's default layout)
	return len(frontpage.Fields()), nil
}

// benchGen builds plausible stays quickly: realistic shapes (Chinese text,
// ICD-like codes, dates, costs) without the clinical coherence of the
// synthetic-hospital generator, which a throughput benchmark does not need.
type benchGen struct {
	r *rand.Rand
}

func newBenchGen(seed uint64) *benchGen { return &benchGen{r: rand.New(rand.NewPCG(seed, 42))} }

var (
	benchSurnames  = []string{"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周"}
	benchGiven     = []string{"伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军"}
	benchDxNames   = []string{"急性阑尾炎", "社区获得性肺炎", "2型糖尿病", "原发性高血压", "冠状动脉粥样硬化性心脏病", "脑梗死", "慢性阻塞性肺疾病急性加重", "胆囊结石伴慢性胆囊炎"}
	benchPxNames   = []string{"腹腔镜下阑尾切除术", "经皮冠状动脉支架置入术", "腹腔镜胆囊切除术", "全髋关节置换术", "静脉输液", "气管插管"}
	benchIncisions = []string{"0", "1", "2", "4", "5"} // RC014 codes (Ⅰ/甲, Ⅰ/乙, Ⅱ/甲, Ⅱ/乙)
	benchDepts     = []string{"0301", "0302", "0303", "0401", "0402", "0501", "0701", "1001"}
)

func (g *benchGen) pick(s []string) string { return s[g.r.IntN(len(s))] }

func (g *benchGen) icd() string {
	return fmt.Sprintf("%c%02d.%d%02d", 'A'+rune(g.r.IntN(26)), g.r.IntN(100), g.r.IntN(10), g.r.IntN(100))
}

func (g *benchGen) stay(s *frontpage.Stay, i int) {
	r := g.r
	*s = frontpage.Stay{}
	adm := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(r.IntN(365*24*60)) * time.Minute)
	los := 1 + r.IntN(20)
	dis := adm.Add(time.Duration(los*24*60+r.IntN(600)) * time.Minute)
	s.OrgCode, s.OrgName = "45608850-1", "示例市第一人民医院"
	s.MRN, s.AdmissionNo = fmt.Sprintf("%08d", i/2), 1+i%2
	s.HealthCard, s.Payment = "", strconv.Itoa(1+r.IntN(8))
	s.Name = g.pick(benchSurnames) + g.pick(benchGiven)
	s.Sex = strconv.Itoa(1 + r.IntN(2))
	s.BirthDate = time.Date(1930+r.IntN(90), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
	s.AgeYears = frontpage.Some(adm.Year() - s.BirthDate.Year())
	s.Nationality, s.Ethnicity, s.IDType = "CHN", "01", "01"
	s.IDNumber = fmt.Sprintf("110101%s%04d", s.BirthDate.Format("20060102"), r.IntN(10000))
	s.Marital, s.Occupation = "20", "17"
	s.BirthPlace, s.NativeProvince = "北京市东城区", "11"
	s.RegAddress, s.RegPostcode = "北京市东城区和平里街道", "100010"
	s.Address, s.Phone, s.Postcode = "北京市东城区和平里街道1号", "13800000000", "100010"
	s.Employer, s.EmployerPhone, s.EmployerPostcode = "无", "-", "100010"
	s.ContactName, s.ContactRelation, s.ContactAddress, s.ContactPhone = g.pick(benchSurnames)+g.pick(benchGiven), "1", "同患者", "13900000000"
	s.DaySurgery, s.AdmRoute = "0", strconv.Itoa(1+r.IntN(3))
	s.AdmTime, s.DisTime = adm, dis
	dept := g.pick(benchDepts)
	s.AdmDept, s.AdmWard, s.DisDept, s.DisWard = dept, "1病区", dept, "1病区"
	s.LOS = frontpage.Some(los)
	s.DischargeWay, s.ReadmitPlan = "1", "1"
	s.DeptHead, s.ChiefPhysician, s.Attending, s.Resident, s.Nurse, s.Coder = "李主任", "王医师", "赵医师", "钱医师", "孙护士", "周编码"
	s.RecordQuality, s.QCPhysician, s.QCNurse, s.QCDate = "1", "吴医师", "郑护士", dis.Truncate(24*time.Hour)
	s.OPDxCode, s.OPDxName, s.AdmCondition = g.icd(), g.pick(benchDxNames), "2"
	nDx := 1 + r.IntN(19) // 10 on average
	s.Diagnoses = make([]frontpage.Diagnosis, nDx)
	for k := range s.Diagnoses {
		s.Diagnoses[k] = frontpage.Diagnosis{Code: g.icd(), Name: g.pick(benchDxNames), POA: strconv.Itoa(1 + r.IntN(4))}
	}
	nPx := r.IntN(11) // 5 on average
	s.Procedures = make([]frontpage.Procedure, nPx)
	for k := range s.Procedures {
		s.Procedures[k] = frontpage.Procedure{Code: fmt.Sprintf("%02d.%02d%02d", r.IntN(100), r.IntN(100), r.IntN(100)), Name: g.pick(benchPxNames),
			Date: adm.Add(time.Duration(1+r.IntN(48)) * time.Hour).Truncate(time.Minute), Level: strconv.Itoa(1 + r.IntN(4)),
			Surgeon: "王医师", Assistant1: "赵医师", Incision: benchIncisions[r.IntN(len(benchIncisions))], Anaesthesia: "01", Anaesthetist: "冯医师", Elective: "1"}
	}
	s.DrugAllergy, s.ABO, s.Rh = "1", strconv.Itoa(1+r.IntN(4)), "2"
	for k := 0; k < 3; k++ {
		s.ComaBefore[k], s.ComaAfter[k] = frontpage.Some(0), frontpage.Some(0)
	}
	if r.IntN(20) == 0 {
		s.VentHours = frontpage.Some(r.IntN(200))
		s.ICU = []frontpage.ICUStay{{Type: "1", In: adm.Add(2 * time.Hour), Out: adm.Add(50 * time.Hour)}}
	}
	total := 0.0
	for c := frontpage.CostItem(2); c < frontpage.NumCostItems; c++ {
		if c.IsSubItem() || r.IntN(3) == 0 {
			continue
		}
		v := float64(r.IntN(500000)) / 100
		s.Costs[c] = frontpage.Some(v)
		total += v
	}
	s.Costs[frontpage.CostTotal] = frontpage.Some(total)
	s.Costs[frontpage.CostSelfPaid] = frontpage.Some(float64(int(total*0.3*100)) / 100)
	s.Normalize()
}
