package logs

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/sgraph-ai/sgraph-send-infra/smoke"
)

// Render formats one line. Secrets are redacted first, before any parsing,
// formatting or truncation (the app may have logged the token or the key).
// raw (-json) passes the message through as one JSON object per line; else
// a JSON message is shown as "time target LEVEL message key=value ...".
func Render(l Line, secrets []string, raw bool) string {
	msg := strings.TrimRight(smoke.Redact(l.Message, secrets...), "\n")
	if raw {
		b, _ := json.Marshal(struct {
			Target  string `json:"target"`
			Time    string `json:"time"`
			Message string `json:"message"`
		}{l.Target, l.Time.Format("2006-01-02T15:04:05.000Z07:00"), msg})
		return string(b)
	}
	head := l.Time.Format("15:04:05.000") + " " + fmt.Sprintf("%-13s", l.Target)
	var obj map[string]any
	if json.Unmarshal([]byte(msg), &obj) != nil {
		return head + " " + msg
	}
	level := strings.ToUpper(first(obj, "level", "levelname", "severity"))
	text := first(obj, "message", "msg")
	var rest []string
	for k, v := range obj {
		switch k {
		case "level", "levelname", "severity", "message", "msg", "time", "timestamp", "asctime":
			continue
		}
		b, _ := json.Marshal(v)
		rest = append(rest, k+"="+strings.Trim(string(b), `"`))
	}
	sort.Strings(rest)
	out := head
	if level != "" {
		out += " " + fmt.Sprintf("%-5s", level)
	}
	out += " " + text
	if len(rest) > 0 {
		out += "  " + strings.Join(rest, " ")
	}
	return out
}

func first(m map[string]any, keys ...string) string {
	for _, k := range keys {
		if v, ok := m[k]; ok {
			return fmt.Sprint(v)
		}
	}
	return ""
}
