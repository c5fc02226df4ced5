package web

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// findChromium locates a Chromium for the browser tests. They are skipped
// with a how-to when none is installed, unless YARDSTICK_E2E=1 (as in CI),
// which makes a missing browser a failure.
func findChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{os.Getenv("YARDSTICK_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "no Chromium found: install it (apt-get install -y chromium fonts-noto-cjk) or set YARDSTICK_CHROMIUM=/path/to/chrome"
	if os.Getenv("YARDSTICK_E2E") == "1" {
		t.Fatal(msg + " (YARDSTICK_E2E=1 requires the browser tests to run)")
	}
	t.Skip(msg)
	return ""
}

// browser starts a headless Chromium with a 1366×768 window.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := findChromium(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.WindowSize(1366, 768),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(cancel3)
	// The window size includes the browser frame: fix the page viewport.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1366, 768)); err != nil {
		t.Fatalf("start Chromium %s: %v", path, err)
	}
	return ctx
}

func run(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func pageText(t *testing.T, ctx context.Context) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
	if err != nil {
		t.Fatalf("read page text: %v", err)
	}
	return s
}

// waitText waits until the page shows want (pages render after fetches).
func waitText(t *testing.T, ctx context.Context, want string) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		s := pageText(t, ctx)
		if strings.Contains(s, want) {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("page never showed %q; it shows:\n%.1500s", want, s)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// screenshot saves the viewport (1366×768) and checks it is not blank: a
// rendered page has many distinct colours and a fair share of non-background
// pixels. Files go to $YARDSTICK_SCREENSHOTS when set (kept for review),
// else to the test's temp dir.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	// Charts initialise on the next animation frame; give them a moment.
	time.Sleep(400 * time.Millisecond)
	buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	img, err := png.Decode(bytes.NewReader(buf))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if b := img.Bounds(); b.Dx() != 1366 || b.Dy() != 768 {
		t.Errorf("screenshot %s is %dx%d, want 1366x768", name, b.Dx(), b.Dy())
	}
	colours, busy := imageStats(img)
	if colours < 50 || busy < 0.05 {
		t.Errorf("screenshot %s looks blank: %d colours, %.1f%% non-background", name, colours, busy*100)
	}
	dir := os.Getenv("YARDSTICK_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644); err != nil {
		t.Fatal(err)
	}
}

func imageStats(img image.Image) (colours int, busy float64) {
	seen := map[uint32]bool{}
	b := img.Bounds()
	var n, nonBg int
	bg := img.At(b.Max.X-2, b.Max.Y-2)
	br, bgG, bb, _ := bg.RGBA()
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			seen[(r>>11)<<10|(g>>11)<<5|(bl>>11)] = true
			n++
			if r != br || g != bgG || bl != bb {
				nonBg++
			}
		}
	}
	return len(seen), float64(nonBg) / float64(n)
}

// TestBrowser drives the real front end in headless Chromium: log in, read
// the overview, drill from the level-4 surgery share down to one
// department's stays, upload a file with a bad row and read the error
// report, and screenshot every main page.
func TestBrowser(t *testing.T) {
	ctx := browser(t)
	f := newDemoFixture(t, 0.03)
	base := f.ts.URL
	year := fmt.Sprint(f.year)

	// Log in.
	run(t, ctx, "open login", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS(`input[name=username]`)))
	screenshot(t, ctx, "01-login")
	run(t, ctx, "log in",
		chromedp.SendKeys(chromedp.CSS(`input[name=username]`), "qc"),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), testPass),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)))
	text := waitText(t, ctx, "医院运营总览")
	for _, want := range []string{"出院人次", "平均住院日", "出院患者四级手术比例", "同比", "环比", "门急诊人次"} {
		if !strings.Contains(text, want) {
			t.Errorf("overview lacks %q", want)
		}
	}
	screenshot(t, ctx, "02-overview")

	// Drill: the level-4 card → the indicator page → one department → stays.
	run(t, ctx, "open level-4 indicator", chromedp.Click(chromedp.CSS(`a.kpi[href*="level4_share"]`)))
	waitText(t, ctx, "按科室")
	run(t, ctx, "wait for department links", chromedp.WaitVisible(chromedp.CSS(`a.drill[data-dept="`+f.dept+`"]`)))
	screenshot(t, ctx, "03-indicator-level4")
	run(t, ctx, "drill to department", chromedp.Click(chromedp.CSS(`a.drill[data-dept="`+f.dept+`"]`)))
	waitText(t, ctx, "分子病例")
	run(t, ctx, "stay rows", chromedp.WaitVisible(chromedp.CSS(`table.data tbody tr`)))
	depts, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('table.data tbody tr')].map(r => r.children[6].innerText)`))
	if err != nil {
		t.Fatal(err)
	}
	var wantRows int
	if err := f.db.SQL().QueryRow(`SELECT count(*) FROM stay_facts WHERE year = ? AND dept = ? AND level4 AND surgical`, f.year, f.dept).Scan(&wantRows); err != nil {
		t.Fatal(err)
	}
	count, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`.table-tools .count`)))
	if err != nil {
		t.Fatal(err)
	}
	if wantRows == 0 || !strings.Contains(count, fmt.Sprintf("共 %d 行", wantRows)) || len(depts) == 0 {
		t.Errorf("drill-down shows %q (%d rows drawn), want %d level-4 stays of %s", count, len(depts), wantRows, f.dept)
	}
	for i := 1; i < len(depts); i++ {
		if depts[i] != depts[0] {
			t.Errorf("drill-down row %d is of department %q, want all %q", i, depts[i], depts[0])
			break
		}
	}
	if strings.Contains(pageText(t, ctx), "身份信息已显示") {
		t.Error("identities shown by default")
	}
	screenshot(t, ctx, "04-drill-stays")

	// Stay detail: the front page, masked.
	run(t, ctx, "open a stay", chromedp.Click(chromedp.CSS(`table.data tbody tr td a`)))
	text = waitText(t, ctx, "出院诊断")
	for _, want := range []string{"病案号", "姓名", "出院科别", "质控问题", "分组过程"} {
		if !strings.Contains(text, want) {
			t.Errorf("stay page lacks %q", want)
		}
	}
	screenshot(t, ctx, "05-stay")

	// Other pages.
	for _, p := range []struct{ hash, want, shot string }{
		{"#/indicators?year=" + year, "指标库", "06-indicators"},
		{"#/departments?year=" + year, "科室", "07-departments"},
		{"#/departments/" + f.dept + "?year=" + year, "全院排名", "08-department"},
		{"#/drg?year=" + year, "病例组合指数 CMI", "09-drg"},
		{"#/quality?year=" + year, "100分制评分分布", "10-quality"},
	} {
		run(t, ctx, "open "+p.hash, chromedp.Navigate(base+"/"+p.hash))
		waitText(t, ctx, p.want)
		screenshot(t, ctx, p.shot)
	}

	// Upload a file with one bad row and read the error report.
	csvPath := filepath.Join(t.TempDir(), "upload.csv")
	if err := os.WriteFile(csvPath, uploadCSV(t), 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, ctx, "open data page", chromedp.Navigate(base+"/#/data"), chromedp.WaitVisible(chromedp.CSS(`input[type=file]`)))
	run(t, ctx, "upload", chromedp.SetUploadFiles(chromedp.CSS(`input[type=file]`), []string{csvPath}), chromedp.Click(chromedp.CSS(`form.upload button[type=submit]`)))
	text = waitText(t, ctx, "错误行报告")
	if !strings.Contains(text, "导入完成") || !strings.Contains(text, "错误 1 行") {
		t.Errorf("upload status not shown: %.800s", text)
	}
	errRows, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('.errors-box table.data tbody tr')].map(r => r.innerText)`))
	if err != nil {
		t.Fatal(err)
	}
	if len(errRows) != 1 || !strings.Contains(errRows[0], "upload.csv") || !strings.Contains(errRows[0], "4") {
		t.Errorf("error report rows %q: want one row for line 4 of upload.csv", errRows)
	}
	screenshot(t, ctx, "11-data-upload")

	// English.
	run(t, ctx, "switch to English", chromedp.Navigate(base+"/#/overview?year="+year))
	waitText(t, ctx, "医院运营总览")
	run(t, ctx, "click English", chromedp.Click(chromedp.CSS(`header.top button.link`)))
	waitText(t, ctx, "hospital overview")
	screenshot(t, ctx, "12-overview-en")
}

// TestBrowserDeptHead checks in the browser that a department head lands on
// their own department's numbers and cannot open another department's stay.
func TestBrowserDeptHead(t *testing.T) {
	ctx := browser(t)
	f := newDemoFixture(t, 0.01)
	var other int64
	if err := f.db.SQL().QueryRow(`SELECT min(stay_id) FROM stays WHERE dis_dept <> ?`, f.dept).Scan(&other); err != nil {
		t.Fatal(err)
	}
	run(t, ctx, "log in",
		chromedp.Navigate(f.ts.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`input[name=username]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=username]`), "headA"),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), testPass),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)))
	text := waitText(t, ctx, "范围")
	if !strings.Contains(text, f.dept) {
		t.Errorf("overview scope does not name %s", f.dept)
	}
	// The registry shows the head's department as the value column.
	run(t, ctx, "open registry", chromedp.Navigate(f.ts.URL+"/#/indicators"))
	text = waitText(t, ctx, "指标库")
	var name string
	if err := f.db.SQL().QueryRow(`SELECT dept_name FROM departments WHERE dept_code = ?`, f.dept).Scan(&name); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, name) {
		t.Errorf("registry of the head of %s lacks the column %q", f.dept, name)
	}
	screenshot(t, ctx, "15-depthead-registry")
	// The head's stay list holds only their department, and search works.
	run(t, ctx, "open stays", chromedp.Navigate(f.ts.URL+"/#/stays"))
	waitText(t, ctx, "病例清单")
	run(t, ctx, "stay rows", chromedp.WaitVisible(chromedp.CSS(`table.data tbody tr`)))
	depts, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...new Set([...document.querySelectorAll('table.data tbody tr')].map(r => r.children[6].innerText))]`))
	if err != nil {
		t.Fatal(err)
	}
	if len(depts) != 1 || depts[0] != name {
		t.Errorf("department head's stay list shows departments %q, want only %q", depts, name)
	}
	run(t, ctx, "open other stay", chromedp.Navigate(fmt.Sprintf("%s/#/stays/%d", f.ts.URL, other)))
	waitText(t, ctx, "病例不存在或无权查看")
	screenshot(t, ctx, "13-depthead-denied")
}

// TestBrowserAdmin unmasks a stay as an administrator with the identity
// grant and finds the unmasking in the audit log on the admin page.
func TestBrowserAdmin(t *testing.T) {
	ctx := browser(t)
	f := newDemoFixture(t, 0.01)
	var id int64
	var name string
	if err := f.db.SQL().QueryRow(`SELECT stay_id, name FROM stays WHERE length(name) >= 3 ORDER BY stay_id LIMIT 1`).Scan(&id, &name); err != nil {
		t.Fatal(err)
	}
	run(t, ctx, "log in",
		chromedp.Navigate(f.ts.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`input[name=username]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=username]`), "admin"),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), testPass),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)))
	waitText(t, ctx, "医院运营总览")
	run(t, ctx, "open stay", chromedp.Navigate(fmt.Sprintf("%s/#/stays/%d", f.ts.URL, id)))
	text := waitText(t, ctx, "显示身份（留痕）")
	if strings.Contains(text, name) {
		t.Fatal("name shown before unmasking")
	}
	run(t, ctx, "unmask", chromedp.Click(chromedp.CSS(`.page-head a.btn`)))
	waitText(t, ctx, name)
	run(t, ctx, "admin page", chromedp.Navigate(f.ts.URL+"/#/admin"))
	text = waitText(t, ctx, "审计日志")
	if !strings.Contains(text, "identity_view") || !strings.Contains(text, fmt.Sprintf("stay:%d", id)) {
		t.Errorf("audit log on the admin page lacks the identity view of stay %d", id)
	}
	screenshot(t, ctx, "14-admin-audit")
}
