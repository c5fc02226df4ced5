package web

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/yardstick-health/yardstick/internal/drg"
)

// Scheme packs and their weight tables live in the scheme registry folder,
// not in the store. A pack is uploaded as a .zip of the folder that
// `yardstick scheme import` takes; a weight table as the CSV that
// `yardstick scheme weights` takes. Either way the store is regrouped so the
// pages show the new groups and weights.

const (
	kindScheme  = "scheme"
	kindWeights = "weights"
	// Limits on an uploaded pack: the national CHS-DRG 1.1 tables are a few
	// MB; anything far larger is not a pack.
	maxPackFiles = 2000
	maxPackBytes = 512 << 20
)

// unzipPack extracts a pack archive into dir, refusing paths that would
// escape it, and returns the pack folder: the one holding pack.json, or the
// archive's single top folder, or dir itself.
func unzipPack(archive, dir string) (string, error) {
	zr, err := zip.OpenReader(archive)
	if err != nil {
		return "", fmt.Errorf("不是有效的zip文件 not a valid zip file: %w", err)
	}
	defer zr.Close()
	if len(zr.File) > maxPackFiles {
		return "", fmt.Errorf("压缩包文件过多 too many files in the archive (%d > %d)", len(zr.File), maxPackFiles)
	}
	var total int64
	packDir := ""
	tops := map[string]bool{}
	for _, f := range zr.File {
		name := filepath.Clean(filepath.FromSlash(f.Name))
		if filepath.IsAbs(name) || name == ".." || strings.HasPrefix(name, ".."+string(filepath.Separator)) {
			return "", fmt.Errorf("压缩包中的路径无效 invalid path in the archive: %q", f.Name)
		}
		tops[strings.SplitN(name, string(filepath.Separator), 2)[0]] = true
		dst := filepath.Join(dir, name)
		if f.FileInfo().IsDir() {
			if err := os.MkdirAll(dst, 0o755); err != nil {
				return "", err
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return "", err
		}
		rc, err := f.Open()
		if err != nil {
			return "", fmt.Errorf("read %s: %w", f.Name, err)
		}
		out, err := os.Create(dst)
		if err != nil {
			rc.Close()
			return "", err
		}
		n, err := io.Copy(out, io.LimitReader(rc, maxPackBytes-total+1))
		rc.Close()
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return "", fmt.Errorf("extract %s: %w", f.Name, err)
		}
		if total += n; total > maxPackBytes {
			return "", errors.New("压缩包解压后过大 archive too large when extracted")
		}
		if filepath.Base(name) == "pack.json" && (packDir == "" || len(filepath.Dir(name)) < len(packDir)) {
			packDir = filepath.Dir(name)
		}
	}
	switch {
	case packDir != "":
		return filepath.Join(dir, packDir), nil
	case len(tops) == 1:
		for t := range tops {
			if st, err := os.Stat(filepath.Join(dir, t)); err == nil && st.IsDir() {
				return filepath.Join(dir, t), nil
			}
		}
	}
	return dir, nil
}

// installPack installs an uploaded pack archive; issues are returned as
// readable lines (errors first) whether or not installation succeeded.
func (s *Server) installPack(ctx context.Context, archive, tmp string) (id string, problems []string, err error) {
	root, err := unzipPack(archive, tmp)
	if err != nil {
		return "", nil, err
	}
	p, err := drg.ReadPackDir(root)
	if err != nil {
		return "", nil, fmt.Errorf("读取方案包 read pack: %w", err)
	}
	issues, err := s.registry().Install(ctx, p)
	for _, is := range issues {
		if is.Error {
			problems = append(problems, is.String())
		}
	}
	for _, is := range issues {
		if !is.Error && len(problems) < 200 {
			problems = append(problems, is.String())
		}
	}
	if err != nil {
		return p.Manifest.ID, problems, fmt.Errorf("方案包有错误，未安装 pack has errors, not installed: %w", err)
	}
	return p.Manifest.ID, problems, nil
}

// addWeights adds a weight table to an installed pack.
func (s *Server) addWeights(ctx context.Context, schemeID, file string, data []byte) (string, error) {
	name := strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	tables, err := s.registry().AddWeights(ctx, schemeID, name, data)
	if err != nil {
		return "", fmt.Errorf("权重表 weight table: %w", err)
	}
	var parts []string
	for _, t := range tables {
		parts = append(parts, fmt.Sprintf("%s %d: %d DRG", t.Region, t.Year, len(t.RW)))
	}
	return strings.Join(parts, "; "), nil
}
