package smoke

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// checkUploadAuth: with an upload token configured, creating a transfer
// without it must be refused. Without one the app is open by design.
func checkUploadAuth(ctx context.Context, t *targetRun) (string, error) {
	if t.uploadToken == "" {
		return "", skipf("no uploadToken output: uploads are open by configuration")
	}
	rq := createRequest(t, 1, false)
	res, err := t.do(ctx, rq)
	if err != nil {
		return "", err
	}
	if res.status != http.StatusUnauthorized {
		return "", fmt.Errorf("POST %s without %s: got %d, want 401: upload token not enforced%s", rq.path, t.cfg.UploadTokenHeader, res.status, t.bodyHint(res.body))
	}
	return "", nil
}

func createRequest(t *targetRun, size int, withToken bool) request {
	body, _ := json.Marshal(map[string]any{
		"file_size_bytes":   size,
		"content_type_hint": "application/octet-stream",
	})
	h := http.Header{"Content-Type": {"application/json"}}
	if withToken {
		t.tokenHeader(h)
	}
	return request{method: http.MethodPost, path: t.cfg.TransferCreatePath, body: body, header: h, noToken: !withToken}
}

// tokenHeader adds the upload token, when the stack has one (the container
// app gets it on every request anyway, see once).
func (t *targetRun) tokenHeader(h http.Header) {
	if t.uploadToken != "" {
		h.Set(t.cfg.UploadTokenHeader, t.uploadToken)
	}
}

// checkRoundTrip is the brief's "upload a test file, download, verify":
// create, upload random bytes, complete, download, compare SHA-256, then the
// info endpoint must know the transfer (and not know a made-up id).
func checkRoundTrip(ctx context.Context, t *targetRun) (string, error) {
	n := t.cfg.PayloadBytes
	if n <= 0 {
		n = 1
	}
	payload := make([]byte, n)
	if _, err := rand.Read(payload); err != nil {
		return "", err
	}
	sum := sha256.Sum256(payload)

	// 1. create
	rq := createRequest(t, n, true)
	res, err := t.do(ctx, rq)
	if err != nil {
		return "", err
	}
	if err := t.want(rq, res, http.StatusOK); err != nil {
		return "", err
	}
	var created struct {
		TransferID string `json:"transfer_id"`
		UploadURL  string `json:"upload_url"`
	}
	if err := t.decodeJSON(rq, res, &created); err != nil {
		return "", err
	}
	id := created.TransferID
	if id == "" || strings.ContainsAny(id, "/?#% ") {
		return "", fmt.Errorf("POST %s: bad transfer_id %q", rq.path, id)
	}

	// 2. upload the raw bytes
	h := http.Header{"Content-Type": {"application/octet-stream"}}
	t.tokenHeader(h)
	up := request{method: http.MethodPost, path: t.cfg.TransferUploadPath + id, body: payload, header: h}
	if res, err = t.do(ctx, up); err != nil {
		return "", err
	}
	if err := t.want(up, res, http.StatusOK); err != nil {
		return "", err
	}
	var uploaded struct {
		Status string `json:"status"`
		Size   *int   `json:"size"`
	}
	if err := t.decodeJSON(up, res, &uploaded); err != nil {
		return "", err
	}
	if uploaded.Size != nil && *uploaded.Size != n {
		return "", fmt.Errorf("POST %s: app stored %d bytes, sent %d", up.path, *uploaded.Size, n)
	}

	// 3. complete
	h = http.Header{}
	t.tokenHeader(h)
	done := request{method: http.MethodPost, path: t.cfg.TransferCompletePath + id, header: h}
	if res, err = t.do(ctx, done); err != nil {
		return "", err
	}
	if err := t.want(done, res, http.StatusOK); err != nil {
		return "", err
	}
	var completed struct {
		TransferID string `json:"transfer_id"`
	}
	if err := t.decodeJSON(done, res, &completed); err != nil {
		return "", err
	}
	if completed.TransferID != id {
		return "", fmt.Errorf("POST %s: transfer_id %q, want %q", done.path, completed.TransferID, id)
	}

	// 4. download and compare
	dl := request{method: http.MethodGet, path: t.cfg.TransferDownloadPath + id}
	if res, err = t.do(ctx, dl); err != nil {
		return "", err
	}
	if err := t.want(dl, res, http.StatusOK); err != nil {
		return "", err
	}
	if got := sha256.Sum256(res.body); !bytes.Equal(got[:], sum[:]) {
		return "", fmt.Errorf("GET %s: downloaded %d bytes with sha256 %s, uploaded %d bytes with sha256 %s",
			dl.path, len(res.body), hex.EncodeToString(got[:8]), n, hex.EncodeToString(sum[:8]))
	}

	// 5. info knows it
	info := request{method: http.MethodGet, path: t.cfg.TransferInfoPath + id}
	if res, err = t.do(ctx, info); err != nil {
		return "", err
	}
	if err := t.want(info, res, http.StatusOK); err != nil {
		return "", err
	}
	var meta struct {
		Status        string `json:"status"`
		DownloadCount *int   `json:"download_count"`
	}
	if err := t.decodeJSON(info, res, &meta); err != nil {
		return "", err
	}
	if meta.Status == "" {
		return "", fmt.Errorf("GET %s: no status in the transfer info", info.path)
	}
	if meta.DownloadCount != nil && *meta.DownloadCount < 1 {
		return "", fmt.Errorf("GET %s: download_count is %d after a download", info.path, *meta.DownloadCount)
	}
	// ...and does not know a made-up one: a catch-all answering 200 to
	// everything would otherwise pass step 5.
	unknown := request{method: http.MethodGet, path: t.cfg.TransferInfoPath + "000000000000"}
	if res, err = t.do(ctx, unknown); err != nil {
		return "", err
	}
	if err := t.want(unknown, res, http.StatusNotFound); err != nil {
		return "", err
	}
	return fmt.Sprintf("%d bytes, transfer %s", n, id), nil
}
