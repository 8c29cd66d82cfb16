package image

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// contextTag derives the image tag from the app version and a hash of what
// the build reads: the context files, the version and the platform. Equal
// inputs give the same tag, so a re-run pushes nothing new; changed inputs give
// a new tag, which an IMMUTABLE repository accepts.
func contextTag(a *Args) (string, error) {
	dir := a.Context
	if !filepath.IsAbs(dir) && a.WorkDir != "" {
		dir = filepath.Join(a.WorkDir, dir)
	}
	if _, err := os.Stat(filepath.Join(dir, "Dockerfile")); err != nil {
		return "", fmt.Errorf("image: build context %s has no Dockerfile: %w", dir, err)
	}
	sum, err := hashDir(dir)
	if err != nil {
		return "", fmt.Errorf("image: hashing build context %s: %w", dir, err)
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s=%s\x00%s\x00", sum, VersionArg, a.AppVersion, Platform)
	return a.AppVersion + "-" + hex.EncodeToString(h.Sum(nil))[:12], nil
}

// hashDir hashes every regular file's relative path and content, skipping
// what never reaches the build (caches, editor and VCS files).
func hashDir(dir string) (string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		base := d.Name()
		if d.IsDir() {
			if path != dir && (base == "__pycache__" || strings.HasPrefix(base, ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || strings.HasSuffix(base, ".pyc") || strings.HasSuffix(base, "~") ||
			(strings.HasPrefix(base, ".") && base != ".dockerignore") {
			return nil
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		files = append(files, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		return "", err
	}
	sort.Strings(files)
	h := sha256.New()
	for _, rel := range files {
		f, err := os.Open(filepath.Join(dir, filepath.FromSlash(rel)))
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s\x00", rel)
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			return "", err
		}
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
