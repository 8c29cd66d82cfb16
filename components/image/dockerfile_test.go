package image_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// dockerDir is the build context, docker/ at the repository root.
func dockerDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "docker"))
	require.NoError(t, err)
	require.FileExists(t, filepath.Join(dir, "Dockerfile"))
	return dir
}

// instruction is one parsed Dockerfile line: keyword, flags and arguments.
type instruction struct {
	cmd   string
	flags []string
	args  []string
	line  int
}

func parseDockerfile(t *testing.T) []instruction {
	t.Helper()
	f, err := os.Open(filepath.Join(dockerDir(t), "Dockerfile"))
	require.NoError(t, err)
	defer f.Close()
	res, err := parser.Parse(f)
	require.NoError(t, err, "the Dockerfile must parse")
	assert.Empty(t, res.Warnings, "parser warnings")
	var out []instruction
	for _, n := range res.AST.Children {
		in := instruction{cmd: strings.ToUpper(n.Value), flags: n.Flags, line: n.StartLine}
		for x := n.Next; x != nil; x = x.Next {
			in.args = append(in.args, x.Value)
		}
		out = append(out, in)
	}
	return out
}

func only(ins []instruction, cmd string) []instruction {
	var out []instruction
	for _, i := range ins {
		if i.cmd == cmd {
			out = append(out, i)
		}
	}
	return out
}

func flag(in instruction, name string) (string, bool) {
	for _, f := range in.flags {
		if v, ok := strings.CutPrefix(f, "--"+name+"="); ok {
			return v, true
		}
	}
	return "", false
}

// pinned: an explicit, non-latest tag (optionally plus a digest), or a digest.
var pinnedRef = regexp.MustCompile(`^[a-z0-9.\-/:]+?(:[A-Za-z0-9_][A-Za-z0-9_.\-]{0,127})?(@sha256:[0-9a-f]{64})?$`)

func assertPinned(t *testing.T, ref, what string) {
	t.Helper()
	assert.NotContains(t, ref, "$", "%s %q must be literal, not an ARG", what, ref)
	m := pinnedRef.FindStringSubmatch(ref)
	require.NotNil(t, m, "%s %q is not an image reference", what, ref)
	tag, digest := strings.TrimPrefix(m[1], ":"), m[2]
	assert.True(t, tag != "" || digest != "", "%s %q has neither tag nor digest", what, ref)
	assert.NotEqual(t, "latest", tag, "%s %q uses latest", what, ref)
	if digest == "" {
		assert.Regexp(t, `\d+\.\d+\.\d+`, tag, "%s %q must pin an exact release", what, ref)
	}
}

func TestDockerfile(t *testing.T) {
	ins := parseDockerfile(t)

	t.Run("pinned python slim base", func(t *testing.T) {
		froms := only(ins, "FROM")
		require.NotEmpty(t, froms)
		for _, f := range froms {
			assertPinned(t, f.args[0], "FROM")
		}
		final := froms[len(froms)-1].args[0]
		assert.Regexp(t, `^python:3\.12\.\d+-slim(-[a-z]+)?(@sha256:[0-9a-f]{64})?$`, final)
	})

	t.Run("pinned lambda web adapter as extension", func(t *testing.T) {
		found := false
		for _, c := range only(ins, "COPY") {
			from, ok := flag(c, "from")
			if !ok || !strings.Contains(from, "aws-lambda-adapter") {
				continue
			}
			found = true
			assert.True(t, strings.HasPrefix(from, "public.ecr.aws/awsguru/aws-lambda-adapter:"), from)
			assertPinned(t, from, "adapter")
			assert.Equal(t, []string{"/lambda-adapter", "/opt/extensions/lambda-adapter"}, c.args)
		}
		assert.True(t, found, "COPY --from=public.ecr.aws/awsguru/aws-lambda-adapter:<version> /lambda-adapter /opt/extensions/lambda-adapter is missing")
	})

	t.Run("non-root user", func(t *testing.T) {
		users := only(ins, "USER")
		require.NotEmpty(t, users, "no USER: the container would run as root")
		last := users[len(users)-1].args[0]
		name, _, _ := strings.Cut(last, ":")
		assert.NotContains(t, []string{"root", "0", ""}, name, "USER %q", last)
		// USER must come after the last RUN, so nothing later re-escalates.
		assert.Greater(t, users[len(users)-1].line, only(ins, "RUN")[len(only(ins, "RUN"))-1].line)
	})

	t.Run("exposes 8080", func(t *testing.T) {
		var ports []string
		for _, e := range only(ins, "EXPOSE") {
			ports = append(ports, e.args...)
		}
		assert.True(t, contains(ports, "8080") || contains(ports, "8080/tcp"), "EXPOSE %v", ports)
	})

	t.Run("version build arg pinned by pip", func(t *testing.T) {
		var arg []string
		for _, a := range only(ins, "ARG") {
			for _, v := range a.args {
				if strings.HasPrefix(v, "APP_VERSION") {
					arg = append(arg, v)
				}
			}
		}
		require.Equal(t, []string{"APP_VERSION"}, arg, "ARG APP_VERSION without a default")
		used := false
		for _, r := range only(ins, "RUN") {
			cmd := strings.Join(r.args, " ")
			if strings.Contains(cmd, "pip install") && regexp.MustCompile(`sgraph-ai-app-send==\$\{?APP_VERSION\}?`).MatchString(cmd) {
				used = true
			}
			assert.NotRegexp(t, `sgraph-ai-app-send(\s|"|$|>=|~=)`, cmd, "the app must be installed with == only")
		}
		assert.True(t, used, "no `pip install sgraph-ai-app-send==${APP_VERSION}`")
	})

	t.Run("health check GETs /info/health", func(t *testing.T) {
		hcs := only(ins, "HEALTHCHECK")
		require.Len(t, hcs, 1)
		cmd := strings.Join(hcs[0].args, " ")
		assert.NotEqual(t, "NONE", hcs[0].args[0])
		assert.Contains(t, cmd, "/info/health")
		assert.Contains(t, cmd, "GET")
		assert.NotContains(t, cmd, "HEAD")
		assert.NotContains(t, cmd, "curl", "python:slim has no curl")
		assert.Contains(t, cmd, "/app/healthcheck.py", "the script that reads the token and key from the runtime env (TestHealthcheckScript)")
	})

	t.Run("no secrets baked in", func(t *testing.T) {
		secretish := regexp.MustCompile(`(?i)(key|token|secret|passw(or)?d|credential)`)
		for _, e := range only(ins, "ENV") {
			// ENV nodes are key, value, separator triples.
			for i := 0; i+1 < len(e.args); i += 3 {
				if secretish.MatchString(e.args[i]) && e.args[i+1] != "" {
					t.Errorf("line %d: ENV %s has a value baked into the image", e.line, e.args[i])
				}
			}
		}
		for _, a := range only(ins, "ARG") {
			for _, v := range a.args {
				name, _, _ := strings.Cut(v, "=")
				if secretish.MatchString(name) {
					t.Errorf("line %d: ARG %s: build args are stored in the image history", a.line, name)
				}
			}
		}
		for _, l := range only(ins, "LABEL") {
			assert.NotRegexp(t, secretish, strings.Join(l.args, " "))
		}
	})

	t.Run("entrypoint is ours", func(t *testing.T) {
		eps := only(ins, "ENTRYPOINT")
		require.Len(t, eps, 1)
		assert.Equal(t, []string{"/app/entrypoint.sh"}, eps[0].args)
	})

	t.Run("dockerignore lets through exactly what COPY reads", func(t *testing.T) {
		raw, err := os.ReadFile(filepath.Join(dockerDir(t), ".dockerignore"))
		require.NoError(t, err)
		allowed := map[string]bool{}
		var lines []string
		for _, l := range strings.Split(string(raw), "\n") {
			l = strings.TrimSpace(l)
			if l == "" || strings.HasPrefix(l, "#") {
				continue
			}
			lines = append(lines, l)
			if p, ok := strings.CutPrefix(l, "!"); ok {
				allowed[p] = true
			}
		}
		require.NotEmpty(t, lines)
		assert.Equal(t, "*", lines[0], "ignore everything first, then allow what the build reads")
		for _, c := range only(ins, "COPY") {
			if _, ok := flag(c, "from"); ok {
				continue
			}
			for _, src := range c.args[:len(c.args)-1] {
				assert.True(t, allowed[src], "COPY %s is excluded by .dockerignore", src)
				assert.FileExists(t, filepath.Join(dockerDir(t), src))
			}
		}
	})
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func TestEntrypointScript(t *testing.T) {
	script := filepath.Join(dockerDir(t), "entrypoint.sh")
	info, err := os.Stat(script)
	require.NoError(t, err)
	assert.NotZero(t, info.Mode()&0o111, "entrypoint.sh must be executable")

	out, err := exec.Command("sh", "-n", script).CombinedOutput()
	require.NoError(t, err, "sh -n: %s", out)
	if _, err := exec.LookPath("shellcheck"); err != nil {
		t.Log("shellcheck not installed (apt-get install -y shellcheck); skipping lint")
	} else {
		out, err := exec.Command("shellcheck", "-s", "sh", script).CombinedOutput()
		assert.NoError(t, err, "shellcheck: %s", out)
	}

	// Run it with a stub python that prints its arguments.
	bin := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(bin, "python"), []byte("#!/bin/sh\necho \"factory=$SGRAPH_SEND_FACTORY $*\"\n"), 0o755))
	run := func(env ...string) (string, error) {
		cmd := exec.Command("sh", script)
		cmd.Env = append([]string{"PATH=" + bin + ":/usr/bin:/bin"}, env...)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	for mode, app := range map[string]string{
		"user":      "sgraph_entry:create_user_app",
		"admin":     "sgraph_entry:create_admin_app",
		"container": "sgraph_entry:create_container_app",
	} {
		out, err := run("SGRAPH_SEND_APP="+mode, "PORT=9090")
		require.NoError(t, err, out)
		// uvicorn runs our logging wrapper, which builds the app named here.
		assert.Contains(t, out, "factory="+app+" ", mode)
		assert.Contains(t, out, "-m uvicorn sgraph_logging:create_app --factory", mode)
		assert.Contains(t, out, "--log-config /app/log_config.json", mode)
		assert.Contains(t, out, "--host 0.0.0.0 --port 9090", mode)
		assert.NotContains(t, out, "lambda_handler", mode)
	}
	def, err := run()
	require.NoError(t, err, def)
	assert.Contains(t, def, "sgraph_entry:create_container_app", "container is the default mode")
	assert.Contains(t, def, "--port 8080", "PORT defaults to 8080")
	_, err = run("SGRAPH_SEND_APP=bogus")
	assert.Error(t, err, "an unknown mode must fail")
}

// TestEntryAvoidsHandlerDownload runs docker/sgraph_entry.py against a fake
// app package: the user app must come from the Fast_API class without
// touching the handler module, and the admin fallback must import its handler
// module with AWS_REGION unset (so it would not download) and restore it.
func TestEntryAvoidsHandlerDownload(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed")
	}
	root := t.TempDir()
	write := func(rel, body string) {
		p := filepath.Join(root, filepath.FromSlash(rel))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	}
	for _, pkg := range []string{"sgraph_ai_app_send", "sgraph_ai_app_send/lambda__user", "sgraph_ai_app_send/lambda__user/fast_api",
		"sgraph_ai_app_send/lambda__user/lambda_function", "sgraph_ai_app_send/lambda__admin", "sgraph_ai_app_send/lambda__admin/lambda_function"} {
		write(pkg+"/__init__.py", "")
	}
	write("sgraph_ai_app_send/lambda__user/fast_api/Fast_API__SGraph__App__Send__User.py",
		"class Fast_API__SGraph__App__Send__User:\n    def setup(self): self.ready = True\n    def app(self): return 'user-app' if self.ready else None\n")
	write("sgraph_ai_app_send/lambda__user/lambda_function/lambda_handler__user.py",
		"raise SystemExit('the user handler module must never be imported')\n")
	write("sgraph_ai_app_send/lambda__admin/lambda_function/lambda_handler__admin.py",
		"import os\nif os.getenv('AWS_REGION'):\n    raise SystemExit('would download from the foreign bucket')\napp = 'admin-app'\n")
	entry, err := os.ReadFile(filepath.Join(dockerDir(t), "sgraph_entry.py"))
	require.NoError(t, err)
	write("sgraph_entry.py", string(entry))

	cmd := exec.Command(py, "-B", "-c", "import os, sgraph_entry as e; print(e.create_user_app(), e.create_admin_app(), os.environ['AWS_REGION'])")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "AWS_REGION=eu-west-2", "AWS_LAMBDA_FUNCTION_NAME=sgraph-send-dev-admin", "PYTHONPATH="+root)
	out, err := cmd.Output()
	require.NoError(t, err, "%s", out)
	assert.Equal(t, "user-app admin-app eu-west-2", strings.TrimSpace(string(out)))
}
