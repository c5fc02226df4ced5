package web

import (
	"embed"
	"io/fs"
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
				files.ServeHTTP(w, r)
				return
			}
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = w.Write(index)
	}}))
}
