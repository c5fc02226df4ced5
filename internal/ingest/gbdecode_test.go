package ingest

import (
	"bytes"
	"io"
	"math/rand/v2"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

func decodeBoth(t testing.TB, in []byte) (fast, ref []byte) {
	// A small reader chunk size exercises sequences cut at buffer ends.
	f, err := io.ReadAll(transform.NewReader(iotestHalf{bytes.NewReader(in)}, newGBDecoder()))
	if err != nil {
		t.Fatal(err)
	}
	r, err := io.ReadAll(transform.NewReader(bytes.NewReader(in), simplifiedchinese.GB18030.NewDecoder()))
	if err != nil {
		t.Fatal(err)
	}
	return f, r
}

// iotestHalf returns at most 7 bytes per Read.
type iotestHalf struct{ r io.Reader }

func (h iotestHalf) Read(p []byte) (int, error) {
	if len(p) > 7 {
		p = p[:7]
	}
	return h.r.Read(p)
}

func TestGBDecoderMatchesXText(t *testing.T) {
	// Every BMP rune GB18030 can encode, plus some outside the BMP, mixed with ASCII.
	var src bytes.Buffer
	for r := rune(0x20); r < 0x10000; r++ {
		if r >= 0xD800 && r < 0xE000 {
			continue
		}
		src.WriteRune(r)
		if r%7 == 0 {
			src.WriteString("ab,1")
		}
	}
	src.WriteString("𠀀😀𪚥")
	enc, err := simplifiedchinese.GB18030.NewEncoder().Bytes(src.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	fast, ref := decodeBoth(t, enc)
	if !bytes.Equal(fast, ref) {
		i := 0
		for i < len(fast) && fast[i] == ref[i] {
			i++
		}
		t.Fatalf("decoders differ at %d: fast %q ref %q src %q", i, fast[i:i+12], ref[i:i+12], src.Bytes()[i:i+12])
	}
	// Random bytes, including invalid sequences: same output as x/text.
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 200; i++ {
		b := make([]byte, rng.IntN(64))
		for j := range b {
			b[j] = byte(rng.UintN(256))
		}
		fast, ref := decodeBoth(t, b)
		if !bytes.Equal(fast, ref) {
			t.Fatalf("input %x: fast %q, x/text %q", b, fast, ref)
		}
		if !utf8.Valid(fast) {
			t.Fatalf("invalid UTF-8 out of %x", b)
		}
	}
}

func FuzzGBDecode(f *testing.F) {
	f.Add([]byte("\xd5\xc5\xc8\xfdabc\x81\x30\x81\x30\xff\x80"))
	f.Fuzz(func(t *testing.T, b []byte) {
		fast, ref := decodeBoth(t, b)
		if !bytes.Equal(fast, ref) {
			t.Fatalf("fast %q, x/text %q", fast, ref)
		}
	})
}
