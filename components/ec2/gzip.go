package ec2

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"fmt"
	"io"
)

// The user data is the rendered script gzipped, passed base64-encoded
// (aws.ec2.Instance userDataBase64): EC2 limits user data to 16 KB before
// base64 encoding (EC2 User Guide, "Run commands at launch": "User data is
// limited to 16 KB, in raw form, before it is base64-encoded"), and cloud-init,
// which runs it on Amazon Linux 2023, uncompresses gzip content before it
// looks at the shebang (cloud-init docs, "User data formats": "Gzip
// compressed content ... will be uncompressed"). The script shrinks to about
// a third, leaving room for the next feature.

// userDataLimit is EC2's limit on raw user data.
const userDataLimit = 16 * 1024

// UserDataBudget is the size we allow ourselves: a quarter of EC2's limit is
// kept free, so the next feature never meets the limit in prod first.
const UserDataBudget = 12 * 1024

// EncodeUserData gzips script (deterministically: no name, no time, so an
// unchanged script never replaces the instance) and returns it base64-encoded
// with its compressed size.
func EncodeUserData(script string) (string, int, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return "", 0, err
	}
	if _, err := zw.Write([]byte(script)); err != nil {
		return "", 0, err
	}
	if err := zw.Close(); err != nil {
		return "", 0, err
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes()), buf.Len(), nil
}

// DecodeUserData does what EC2 and cloud-init do with userDataBase64: decode
// the base64, and when the bytes start with gzip's magic number (1f 8b)
// uncompress them; anything else is used as it is.
func DecodeUserData(b64 string) (string, error) {
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return "", fmt.Errorf("user data is not base64: %w", err)
	}
	if len(raw) < 2 || raw[0] != 0x1f || raw[1] != 0x8b {
		return string(raw), nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return "", fmt.Errorf("user data: %w", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		return "", fmt.Errorf("user data: %w", err)
	}
	return string(out), nil
}
