package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// The PDF is the HTML report printed by headless Chromium: the print CSS of
// the template (A4, @page margins, no breaks inside tables) is the layout,
// so the PDF and the browser print look the same and no PDF library is
// needed.

// browsers are the executable names tried, in order.
var browsers = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// ErrNoBrowser is returned when no headless browser is found on PATH.
var ErrNoBrowser = errors.New("未找到 Chromium，无法生成 PDF；请安装 chromium（Debian/Ubuntu: apt-get install -y chromium fonts-noto-cjk）" +
	" no chromium/chromium-browser/google-chrome on PATH: install the chromium package (and fonts-noto-cjk for Chinese text)")

// FindBrowser returns the path of the first headless-capable browser on PATH.
func FindBrowser() (string, error) {
	for _, b := range browsers {
		if p, err := exec.LookPath(b); err == nil {
			return p, nil
		}
	}
	return "", ErrNoBrowser
}

// RenderPDF renders the HTML report and prints it to PDF with the browser at
// path browser ("" = FindBrowser). The HTML goes through a private temporary
// directory that is removed afterwards.
func RenderPDF(ctx context.Context, w io.Writer, d *Data, tmpl *Template, browser string) error {
	if browser == "" {
		var err error
		if browser, err = FindBrowser(); err != nil {
			return err
		}
	}
	dir, err := os.MkdirTemp("", "yardstick-report-")
	if err != nil {
		return fmt.Errorf("pdf temp dir: %w", err)
	}
	defer os.RemoveAll(dir)
	htmlPath := filepath.Join(dir, "report.html")
	pdfPath := filepath.Join(dir, "report.pdf")
	f, err := os.Create(htmlPath)
	if err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	if err := RenderHTML(f, d, tmpl); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	args := []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--no-first-run", "--no-pdf-header-footer",
		// A private profile so a running desktop browser is not disturbed.
		"--user-data-dir=" + filepath.Join(dir, "profile"),
		"--print-to-pdf=" + pdfPath,
		"file://" + filepath.ToSlash(htmlPath),
	}
	cmd := exec.CommandContext(ctx, browser, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Stdout = io.Discard
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s --print-to-pdf: %w: %s", filepath.Base(browser), err, lastLine(stderr.String()))
	}
	pdf, err := os.ReadFile(pdfPath)
	if err != nil || len(pdf) == 0 {
		return fmt.Errorf("%s 未生成 PDF did not write the PDF: %s", filepath.Base(browser), lastLine(stderr.String()))
	}
	if _, err := w.Write(pdf); err != nil {
		return fmt.Errorf("write pdf: %w", err)
	}
	return nil
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}
