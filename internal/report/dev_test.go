package report

import (
	"bytes"
	"flag"
	"os"
	"testing"
)

// -sample-out writes the rendered sample report for a visual check
// (go test ./internal/report -run TestSampleHTML -sample-out /tmp/r.html).
var sampleOut = flag.String("sample-out", "", "write the rendered sample report to this file")

func TestSampleHTML(t *testing.T) {
	var buf bytes.Buffer
	if err := RenderHTML(&buf, Sample(2021), nil); err != nil {
		t.Fatal(err)
	}
	if buf.Len() == 0 {
		t.Fatal("empty report")
	}
	if *sampleOut != "" {
		if err := os.WriteFile(*sampleOut, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
