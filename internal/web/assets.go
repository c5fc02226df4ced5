package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

// dist holds the built front end (web/ → `npm run build`). It is committed so
// that `go build` alone produces a working binary; web/check-dist.sh keeps it
// in step with the sources.
//
//go:embed all:dist
var distFS embed.FS

//go:embed openapi.json
var openapiJSON []byte

func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(openapiJSON)
}

// mountAssets serves the single-page app: real files from dist, and
// index.html for every other non-API path so client routes can be reloaded.
func (s *Server) mountAssets() {
	sub, err := fs.Sub(distFS, "dist")
	if err != nil {
		panic("web: embedded dist missing: " + err.Error()) // build-time invariant, not user input
	}
	files := http.FileServerFS(sub)
	index, _ := fs.ReadFile(sub, "index.html")
	gz := gzipAssets(sub)
	s.mux.Handle("GET /", s.wrap(&route{Method: "GET", Path: "/", Access: accPublic, h: func(w http.ResponseWriter, r *http.Request, c *reqCtx) {
		p := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
		if strings.HasPrefix(p, "api/") {
			notFound(w)
			return
		}
		if p != "" && p != "index.html" {
			if st, err := fs.Stat(sub, p); err == nil && !st.IsDir() {
				// Fixed file names (no content hashes) keep the build
				// reproducible, so assets are revalidated rather than
				// cached forever.
				w.Header().Set("Cache-Control", "no-cache")
				w.Header().Set("Vary", "Accept-Encoding")
				if z, ok := gz[p]; ok && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
					w.Header().Set("Content-Type", mime.TypeByExtension(path.Ext(p)))
					w.Header().Set("Content-Encoding", "gzip")
					w.Header().Set("ETag", z.etag)
					if r.Header.Get("If-None-Match") == z.etag {
						w.WriteHeader(http.StatusNotModified)
						return
					}
					_, _ = w.Write(z.data)
					return
				}
				files.ServeHTTP(w, r)
				return
			}
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = w.Write(index)
	}}))
}

type gzAsset struct {
	data []byte
	etag string
}

// gzipAssets compresses the scripts and styles once at start: the ECharts
// bundle is ~560 kB and ~190 kB gzipped, which matters on a hospital LAN.
func gzipAssets(sub fs.FS) map[string]gzAsset {
	out := map[string]gzAsset{}
	_ = fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || (!strings.HasSuffix(p, ".js") && !strings.HasSuffix(p, ".css")) {
			return nil
		}
		raw, err := fs.ReadFile(sub, p)
		if err != nil {
			return nil
		}
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		_, _ = zw.Write(raw)
		_ = zw.Close()
		sum := sha256.Sum256(raw)
		out[p] = gzAsset{data: b.Bytes(), etag: `"` + hex.EncodeToString(sum[:8]) + `-gz"`}
		return nil
	})
	return out
}
