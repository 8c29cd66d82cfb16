package ec2

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"strings"
)

// gzipBase64 compresses s at the best level and encodes it for a text field.
func gzipBase64(s string) (string, error) {
	var b bytes.Buffer
	zw, err := gzip.NewWriterLevel(&b, gzip.BestCompression)
	if err != nil {
		return "", err
	}
	if _, err := zw.Write([]byte(s)); err != nil {
		return "", err
	}
	if err := zw.Close(); err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(b.Bytes()), nil
}

// wrap breaks s into lines of at most n characters, each ending in a newline,
// so `base64 -d` reads it and the YAML block stays readable.
func wrap(s string, n int) string {
	var b strings.Builder
	for len(s) > n {
		b.WriteString(s[:n] + "\n")
		s = s[n:]
	}
	if s != "" {
		b.WriteString(s + "\n")
	}
	return b.String()
}
