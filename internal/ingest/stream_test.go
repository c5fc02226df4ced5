package ingest

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/yardstick-health/yardstick/internal/frontpage"
)

// rowGen is an io.Reader producing a CSV file of n rows on the fly, so a
// test can stream far more data than it keeps in memory.
type rowGen struct {
	n, i   int
	pad    string
	buf    []byte
	header bool
	bytes  int64
}

func (g *rowGen) Read(p []byte) (int, error) {
	for len(g.buf) == 0 {
		if !g.header {
			g.header = true
			g.buf = []byte("A01,A48,A49,B12,B15,C03C,C04N,B37,D01\n")
			continue
		}
		if g.i >= g.n {
			return 0, io.EOF
		}
		g.buf = fmt.Appendf(g.buf, "12345678-9,G%09d,1,2021-03-05 08:00,2021-03-10 09:00,I20.000,不稳定型心绞痛,%s,%d.25\n", g.i, g.pad, g.i)
		g.i++
	}
	n := copy(p, g.buf)
	g.buf = g.buf[n:]
	g.bytes += int64(n)
	return n, nil
}

// TestStreamingMemoryIsFlat reads ~330 MB of generated rows and checks the
// live heap stays far below the input size: the reader never holds the
// file, only a few batches.
func TestStreamingMemoryIsFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 330 MB")
	}
	g := &rowGen{n: 300_000, pad: strings.Repeat("再住院目的", 70)}
	var peak, early uint64
	batches, stays := 0, 0
	rep, err := ReadFrontPagesFrom(context.Background(), g, "generated", Options{}, func(s []frontpage.Stay) error {
		stays += len(s)
		batches++
		if batches%15 == 0 {
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
			if stays < g.n/3 {
				early = max(early, ms.HeapAlloc)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if stays != g.n || rep.RowsGood != g.n {
		t.Fatalf("stays %d good %d, want %d", stays, rep.RowsGood, g.n)
	}
	if g.bytes < 300<<20 {
		t.Fatalf("generated only %d bytes", g.bytes)
	}
	const limit = 80 << 20
	if peak == 0 || peak > limit {
		t.Errorf("live heap peaked at %d MB while streaming %d MB (limit %d MB)", peak>>20, g.bytes>>20, limit>>20)
	}
	// Flat: the heap late in the file is not larger than early on (beyond
	// the duplicate index, ~30 bytes per stay, and the varying number of
	// batches in flight at the moment of sampling).
	if early == 0 || peak > early+24<<20 {
		t.Errorf("live heap grew from %d MB (first third) to %d MB", early>>20, peak>>20)
	}
	t.Logf("streamed %d MB, live heap %d MB early, %d MB peak", g.bytes>>20, early>>20, peak>>20)
}
