package ec2_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/components/ec2"
	"github.com/sgraph-ai/sgraph-send-infra/smoke/smoketest"
)

// logVars are the nginx variables an access line may show: none of them
// carries a path segment, a query, a cookie or a credential header.
var logVars = map[string]bool{
	"remote_addr": true, "time_local": true, "request_method": true, "server_protocol": true,
	"status": true, "body_bytes_sent": true, "http_user_agent": true, "request_time": true,
	"log_uri": true,
}

// nginxLog is what we can check of the rendered config without nginx:
// its access_log lines, its log formats and its maps, evaluated as nginx
// does (regexes in order, first match wins, named captures in the value).
type nginxLog struct {
	accessLogs []string
	formats    map[string]string
	maps       map[string]nginxMap // by the variable they set
}

type nginxMap struct {
	source string
	rules  []mapRule
	def    string
}

type mapRule struct {
	re    *regexp.Regexp
	value string
}

var (
	mapStart   = regexp.MustCompile(`^map \$(\w+) \$(\w+) \{$`)
	mapRuleRe  = regexp.MustCompile(`^"(~\*?)([^"]+)" "([^"]*)";$`)
	mapDefault = regexp.MustCompile(`^default (\S+);$`)
	logFormat  = regexp.MustCompile(`^log_format (\w+) '([^']*)';$`)
	nginxVar   = regexp.MustCompile(`\$\{?(\w+)\}?`)
)

func parseNginxLog(t *testing.T, conf string) nginxLog {
	t.Helper()
	out := nginxLog{formats: map[string]string{}, maps: map[string]nginxMap{}}
	var cur *nginxMap
	var curName string
	for _, line := range strings.Split(conf, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case cur != nil && line == "}":
			out.maps[curName], cur = *cur, nil
		case cur != nil && mapRuleRe.MatchString(line):
			m := mapRuleRe.FindStringSubmatch(line)
			expr := m[2]
			if m[1] == "~*" {
				expr = "(?i)" + expr
			}
			re, err := regexp.Compile(expr)
			require.NoError(t, err, "map regex %q", m[2])
			cur.rules = append(cur.rules, mapRule{re: re, value: m[3]})
		case cur != nil && mapDefault.MatchString(line):
			cur.def = mapDefault.FindStringSubmatch(line)[1]
		case cur != nil:
			t.Fatalf("unparsed map line %q", line)
		case mapStart.MatchString(line):
			m := mapStart.FindStringSubmatch(line)
			cur, curName = &nginxMap{source: m[1]}, m[2]
		case logFormat.MatchString(line):
			m := logFormat.FindStringSubmatch(line)
			out.formats[m[1]] = m[2]
		case strings.HasPrefix(line, "access_log "):
			out.accessLogs = append(out.accessLogs, line)
		}
	}
	return out
}

// eval is the map's value for the source variable's value.
func (m nginxMap) eval(in string) string {
	for _, r := range m.rules {
		sub := r.re.FindStringSubmatch(in)
		if sub == nil {
			continue
		}
		return nginxVar.ReplaceAllStringFunc(r.value, func(v string) string {
			name := nginxVar.FindStringSubmatch(v)[1]
			if i := r.re.SubexpIndex(name); i > 0 {
				return sub[i]
			}
			return v
		})
	}
	if m.def == "$"+m.source {
		return in
	}
	return m.def
}

// line renders an access line for the request, or says why it cannot.
func (l nginxLog) line(t *testing.T, uri, referer string) string {
	t.Helper()
	require.NotEmpty(t, l.accessLogs, "no access_log")
	var out []string
	for _, al := range l.accessLogs {
		f := strings.Fields(strings.TrimSuffix(al, ";"))
		if len(f) == 2 && f[1] == "off" {
			continue
		}
		if len(f) < 3 {
			// nginx's default format "combined" logs $request: the whole request line.
			f = append(f, "combined")
		}
		format, ok := l.formats[f[2]]
		if !ok {
			return "combined: GET " + uri + " HTTP/1.1 " + referer
		}
		for _, v := range nginxVar.FindAllStringSubmatch(format, -1) {
			assert.True(t, logVars[v[1]], "log_format %s logs $%s, which may carry a secret", f[2], v[1])
		}
		out = append(out, nginxVar.ReplaceAllStringFunc(format, func(v string) string {
			switch name := nginxVar.FindStringSubmatch(v)[1]; name {
			case "request_method":
				return "GET"
			case "server_protocol":
				return "HTTP/1.1"
			case "http_user_agent":
				return "Chromium"
			default:
				if m, ok := l.maps[name]; ok {
					return m.eval(map[string]string{"request_uri": uri, "http_referer": referer}[m.source])
				}
				return "-"
			}
		}))
	}
	return strings.Join(out, "\n")
}

func recordedCheckTokenPath(t *testing.T, token string) string {
	t.Helper()
	rec, err := smoketest.LoadRecording(filepath.Join("..", "..", "..", "shared", "real-app", "recordings.json"))
	if os.IsNotExist(err) {
		t.Skip("shared/real-app/recordings.json absent: the recorded check-token path is unknown")
	}
	require.NoError(t, err)
	for _, c := range rec.Cases {
		if c.Request.Method == "GET" && strings.Contains(c.Request.Path, "/check-token/<upload-token-lowercased>") {
			return strings.ReplaceAll(c.Request.Path, "<upload-token-lowercased>", token)
		}
	}
	t.Fatal("the recording has no check-token case with the lower-cased token")
	return ""
}

// TestNginxAccessLogHasNoToken renders nginx.conf through install.sh and
// logs the real UI's recorded check-token request (and a token in a query
// and a Referer) through its maps and log format. The broken variant is
// the config as it was (access_log with nginx's default format).
func TestNginxAccessLogHasNoToken(t *testing.T) {
	sh := bash(t)
	out, err := exec.Command(sh, writeScript(t, ec2.Script{Mode: "nginx", Version: "0.27.6", Port: 8080}.Render())).CombinedOutput()
	require.NoError(t, err, "%s", out)
	conf := string(out)
	const token = "upload-token-abc123xyz"
	recorded := recordedCheckTokenPath(t, token)
	requests := []struct{ name, uri, referer, want string }{
		{"recorded check-token", recorded, "https://h/send/v0/v0.2/v0.2.0/en-gb/index.html", `"GET /api/transfers/check-token/[REDACTED] HTTP/1.1"`},
		{"check-token, other case, query", "/API/transfers/Check-Token/" + token + "?a=b", "-", `"GET /API/transfers/Check-Token/[REDACTED] HTTP/1.1"`},
		{"token in a query", "/send/x.html?token=" + token, "-", `"GET /send/x.html?[REDACTED] HTTP/1.1"`},
		{"token in the Referer's query (not logged)", "/info/health", "https://h/page?token=" + token, `"GET /info/health HTTP/1.1"`},
		{"plain path kept", "/api/transfers/info/0123456789ab", "-", `"GET /api/transfers/info/0123456789ab HTTP/1.1"`},
	}
	for _, variant := range []struct {
		name  string
		conf  string
		leaks bool
	}{
		{"rendered", conf, false},
		{"default format (before the fix)", regexp.MustCompile(`access_log (\S+) redacted;`).ReplaceAllString(conf, "access_log $1;"), true},
	} {
		t.Run(variant.name, func(t *testing.T) {
			l := parseNginxLog(t, variant.conf)
			leaked := 0
			for _, r := range requests {
				got := l.line(t, r.uri, r.referer)
				if strings.Contains(strings.ToLower(got), token) {
					leaked++
					continue
				}
				if !variant.leaks {
					assert.Contains(t, got, r.want, r.name)
				}
			}
			if variant.leaks {
				assert.Equal(t, 4, leaked, "the old config logs the token in 4 of the requests: the test sees leaks")
			} else {
				assert.Zero(t, leaked, "access lines hold the token")
			}
		})
	}
}
