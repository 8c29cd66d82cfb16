package smoketest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
)

// Recording is shared/real-app/recordings.json: answers of the real app,
// one case per request, in the order they were sent.
type Recording struct {
	App          string            `json:"app"`
	Version      string            `json:"version"`
	Placeholders map[string]string `json:"placeholders"`
	Cases        []Case            `json:"-"`
}

// Case is one recorded exchange.
type Case struct {
	ID           string       `json:"id"`
	App          string       `json:"app"` // user | admin | container
	Config       CaseConfig   `json:"config"`
	TransferFrom string       `json:"transferFrom,omitempty"`
	Request      CaseRequest  `json:"request"`
	Response     CaseResponse `json:"response"`
}

// CaseConfig is the app's configuration when the case was recorded.
type CaseConfig struct {
	UploadToken bool   `json:"uploadToken"`
	AdminKey    bool   `json:"adminKey"`
	Storage     string `json:"storage"` // memory | s3
}

// Key names the (app, config) the case needs a fresh app for.
func (c Case) Key() string {
	return fmt.Sprintf("%s token=%t key=%t storage=%s", c.App, c.Config.UploadToken, c.Config.AdminKey, c.Config.Storage)
}

type CaseRequest struct {
	Method  string            `json:"method"`
	Path    string            `json:"path"`
	Headers map[string]string `json:"headers"`
	Body    json.RawMessage   `json:"body"`
}

type CaseResponse struct {
	Status              int               `json:"status"`
	Headers             map[string]string `json:"headers"`
	JSON                json.RawMessage   `json:"json"`
	JSONPartial         bool              `json:"jsonPartial"`
	OpenAPIPaths        []string          `json:"openapiPaths"`
	BodyKind            string            `json:"bodyKind"` // html | bytes | empty, when not JSON
	Bytes               int               `json:"bytes"`
	SameBytesAsUploaded bool              `json:"sameBytesAsUploaded"`
}

// RecordedHeaders is the fixed set of response headers the recording
// keeps: a header of this set that a case does not list was absent.
var RecordedHeaders = []string{
	"content-type", "location", "vary", "access-control-allow-origin", "access-control-allow-methods",
	"access-control-allow-headers", "access-control-max-age", RequestIDHeader,
}

// LoadRecording reads and validates a recording file. Every problem comes
// back as an error naming the file and, when it is in a case, the case.
func LoadRecording(path string) (*Recording, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParseRecording(path, f)
}

// ParseRecording is LoadRecording on a reader; name is used in errors.
func ParseRecording(name string, r io.Reader) (*Recording, error) {
	raw, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	var doc struct {
		Recording
		Cases []json.RawMessage `json:"cases"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("%s: not a recording: %v", name, err)
	}
	if len(doc.Cases) == 0 {
		return nil, fmt.Errorf("%s: no cases", name)
	}
	rec := doc.Recording
	seen := map[string]Case{}
	for i, rawCase := range doc.Cases {
		var c Case
		dec := json.NewDecoder(bytes.NewReader(rawCase))
		if err := dec.Decode(&c); err != nil {
			return nil, fmt.Errorf("%s: case #%d %s: %v", name, i, caseID(rawCase), err)
		}
		if msg := validateCase(c, seen); msg != "" {
			return nil, fmt.Errorf("%s: case #%d %q: %s", name, i, c.ID, msg)
		}
		seen[c.ID] = c
		rec.Cases = append(rec.Cases, c)
	}
	return &rec, nil
}

// caseID digs the id out of a case that does not decode, for the message.
func caseID(raw json.RawMessage) string {
	var c struct {
		ID any `json:"id"`
	}
	if json.Unmarshal(raw, &c) == nil && c.ID != nil {
		return fmt.Sprintf("%q", fmt.Sprint(c.ID))
	}
	return "(no id)"
}

func validateCase(c Case, seen map[string]Case) string {
	switch {
	case c.ID == "":
		return "no id"
	case seen[c.ID].ID != "":
		return "duplicate id"
	case c.App != "user" && c.App != "admin" && c.App != "container":
		return fmt.Sprintf("app %q: want user, admin or container", c.App)
	case c.Config.Storage != "memory" && c.Config.Storage != "s3":
		return fmt.Sprintf("config.storage %q: want memory or s3", c.Config.Storage)
	case c.Request.Method == "" || strings.ContainsAny(c.Request.Method, " /"):
		return fmt.Sprintf("request.method %q is not a method", c.Request.Method)
	case !strings.HasPrefix(c.Request.Path, "/"):
		return fmt.Sprintf("request.path %q does not start with /", c.Request.Path)
	case c.Response.Status < 100 || c.Response.Status > 599:
		return fmt.Sprintf("response.status %d is not an HTTP status", c.Response.Status)
	case (len(c.Response.JSON) > 0) == (c.Response.BodyKind != ""):
		return "response needs exactly one of json and bodyKind"
	}
	switch c.Response.BodyKind {
	case "", "html", "bytes", "empty":
	default:
		return fmt.Sprintf("response.bodyKind %q: want html, bytes or empty", c.Response.BodyKind)
	}
	if c.Response.JSON != nil && !json.Valid(c.Response.JSON) {
		return "response.json is not JSON"
	}
	if c.TransferFrom != "" {
		from, ok := seen[c.TransferFrom]
		if !ok {
			return fmt.Sprintf("transferFrom %q names no earlier case", c.TransferFrom)
		}
		if from.Key() != c.Key() {
			return fmt.Sprintf("transferFrom %q ran against another app or config (%s)", c.TransferFrom, from.Key())
		}
	}
	for k := range c.Response.Headers {
		known := false
		for _, h := range RecordedHeaders {
			known = known || strings.EqualFold(k, h)
		}
		if !known {
			return fmt.Sprintf("response header %q is outside the recorded set", k)
		}
	}
	return ""
}
