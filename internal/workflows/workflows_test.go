package workflows

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// readmeEnv points the README test at another file, to try it before the repository has
// its README (e.g. WORKFLOWS_TEST_README=/tmp/README.md go test ./internal/workflows/).
const readmeEnv = "WORKFLOWS_TEST_README"

// ---------------------------------------------------------------------------
// The documented commands and the workflows calling them.

// kind names a documented command family; prefix is how a command of it starts.
type kind struct{ name, prefix string }

var kinds = []kind{
	{"plan", "go run ./cmd/plan"},
	{"test", "go test"},
	{"smoke", "go run ./cmd/smoke"},
	{"cycle", "go run ./cmd/cycle"},
	{"release", "go run ./cmd/release"},
	{"gate", "go run ./cmd/gate"},
	{"drift", "go run ./cmd/drift"},
	{"review", "go run ./cmd/review"},
}

// optionalKinds may be absent from the workflows (the README documents them for
// operators); every kind a workflow runs must still be documented.
var optionalKinds = map[string]bool{"smoke": true}

func kindOf(tokens []string) (kind, bool) {
	line := strings.Join(tokens, " ")
	for _, k := range kinds {
		if line == k.prefix || strings.HasPrefix(line, k.prefix+" ") {
			return k, true
		}
	}
	return kind{}, false
}

func TestWorkflowsRunTheREADMECommands(t *testing.T) {
	path := os.Getenv(readmeEnv)
	if path == "" {
		path = filepath.Join(repoRoot(t), "README.md")
	}
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		t.Skipf("SKIP: %s does not exist yet; the workflows cannot be compared with the README's commands until it does", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	documented := readmeCommands(string(data))
	for _, k := range kinds {
		if len(documented[k.name]) == 0 {
			t.Errorf("%s documents no %q command in a ```sh block", path, k.prefix)
		}
	}

	used := map[string]int{}
	for _, inv := range allInvocations(t) {
		k, _ := kindOf(inv.tokens)
		used[k.name]++
		if !matchesAny(inv.tokens, documented[k.name]) {
			t.Errorf("%s: step %q runs %q, which is none of the README's commands %q (only flags may be appended, and -stack may name another stack)",
				inv.file, inv.step, strings.Join(inv.tokens, " "), documented[k.name])
		}
	}
	for _, k := range kinds {
		if used[k.name] == 0 && !optionalKinds[k.name] {
			t.Errorf("no workflow step runs the README's %q command", k.prefix)
		}
	}
}

// readmeCommands returns, per kind, the commands found in the README's ```sh blocks, each
// as shell words.
func readmeCommands(readme string) map[string][][]string {
	out := map[string][][]string{}
	fence := regexp.MustCompile("^\\s*```+\\s*(sh|bash|shell|console)\\s*$")
	in := false
	var pending string
	sc := bufio.NewScanner(strings.NewReader(readme))
	for sc.Scan() {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		switch {
		case !in && fence.MatchString(line):
			in = true
			continue
		case in && strings.HasPrefix(trimmed, "```"):
			in, pending = false, ""
			continue
		case !in:
			continue
		}
		trimmed = strings.TrimPrefix(trimmed, "$ ")
		if strings.HasSuffix(trimmed, "\\") {
			pending += strings.TrimSuffix(trimmed, "\\") + " "
			continue
		}
		trimmed, pending = pending+trimmed, ""
		for _, cmd := range commandsIn(trimmed) {
			if k, ok := kindOf(cmd); ok {
				out[k.name] = append(out[k.name], cmd)
			}
		}
	}
	return out
}

// invocation is one plan, test or smoke command run by a workflow or composite action step.
type invocation struct {
	file, step string
	tokens     []string
}

func allInvocations(t *testing.T) []invocation {
	var out []invocation
	add := func(file string, steps []step) {
		for i, s := range steps {
			for _, line := range scriptLines(s.Run) {
				for _, cmd := range commandsIn(line) {
					if _, ok := kindOf(cmd); ok {
						out = append(out, invocation{file, s.label(i), cmd})
					}
				}
			}
		}
	}
	r := load(t)
	for _, wf := range r.workflows {
		for _, id := range sortedKeys(wf.Jobs) {
			add(wf.path, wf.Jobs[id].Steps)
		}
	}
	for _, path := range sortedKeys(r.actions) {
		add(path, r.actions[path].Runs.Steps)
	}
	return out
}

// scriptLines joins backslash continuations and returns the script's lines.
func scriptLines(script string) []string {
	return strings.Split(strings.ReplaceAll(script, "\\\n", " "), "\n")
}

// commandsIn returns the simple commands of one shell line that start with `go`, as
// words, cut at the first operator or redirection.
func commandsIn(line string) [][]string {
	if i := strings.Index(line, " #"); i >= 0 && !strings.ContainsAny(line[:i], `"'`) {
		line = line[:i]
	}
	words := shellWords(line)
	var out [][]string
	for i := 0; i < len(words); i++ {
		if words[i] != "go" || (i > 0 && !isOperator(words[i-1])) {
			continue
		}
		var cmd []string
		for _, w := range words[i:] {
			if isOperator(w) || isRedirection(w) {
				break
			}
			cmd = append(cmd, w)
		}
		out = append(out, normalise(cmd))
	}
	return out
}

// shellWords splits a line into words, honouring quotes (which it removes) and splitting
// off ; | & as operators.
func shellWords(line string) []string {
	var words []string
	var cur strings.Builder
	has := false
	var quote rune
	flush := func() {
		if has {
			words = append(words, cur.String())
		}
		cur.Reset()
		has = false
	}
	rs := []rune(line)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '"' || r == '\'':
			quote, has = r, true
		case r == ' ' || r == '\t':
			flush()
		case r == ';' || r == '|' || r == '&' || r == '(' || r == ')':
			if r == '&' && cur.Len() > 0 && strings.HasSuffix(cur.String(), ">") {
				cur.WriteRune(r) // 2>&1
				continue
			}
			flush()
			op := string(r)
			if i+1 < len(rs) && rs[i+1] == r && (r == '|' || r == '&' || r == ';') {
				op += string(r)
				i++
			}
			words = append(words, op)
		default:
			cur.WriteRune(r)
			has = true
		}
	}
	flush()
	return words
}

func isOperator(w string) bool {
	switch w {
	case ";", ";;", "|", "||", "&", "&&", "(", ")", "then", "do", "else", "time", "!":
		return true
	}
	return false
}

var redirection = regexp.MustCompile(`^[0-9]*[<>]|^&>`)

func isRedirection(w string) bool { return redirection.MatchString(w) }

// normalise writes every flag as -name and splits -name=value into two words, as Go's flag
// package reads them alike.
func normalise(cmd []string) []string {
	var out []string
	for _, w := range cmd {
		if strings.HasPrefix(w, "--") && len(w) > 2 {
			w = w[1:]
		}
		if strings.HasPrefix(w, "-") {
			if name, value, ok := strings.Cut(w, "="); ok {
				out = append(out, name, value)
				continue
			}
		}
		out = append(out, w)
	}
	return out
}

// stackFlags are the flags whose value a workflow may choose freely (e.g. -stack prod
// where the README shows -stack dev, or -stack "$STACK" in a reusable workflow).
var stackFlags = map[string]bool{"-stack": true, "-check-version": true, "-pr": true, "-open": true, "-sha": true}

// matches reports whether the workflow command w is the documented command r with only
// flags appended; the value of a stack flag may differ.
func matches(w, r []string) bool {
	if len(w) < len(r) {
		return false
	}
	for i := range r {
		if i > 0 && stackFlags[r[i-1]] {
			if w[i] == "" || strings.HasPrefix(w[i], "-") {
				return false
			}
			continue
		}
		if w[i] != r[i] {
			return false
		}
	}
	extra := w[len(r):]
	for i := 0; i < len(extra); i++ {
		if !strings.HasPrefix(extra[i], "-") {
			return false // a new argument, not an appended flag
		}
		// A flag may take the next word as its value (-stack prod, -junit f.xml).
		if i+1 < len(extra) && !strings.HasPrefix(extra[i+1], "-") {
			i++
		}
	}
	return true
}

func matchesAny(w []string, documented [][]string) bool {
	for _, r := range documented {
		if matches(w, r) {
			return true
		}
	}
	return false
}

func TestCommandMatching(t *testing.T) {
	plan := []string{"go", "run", "./cmd/plan", "-stack", "dev"}
	smoke := []string{"go", "run", "./cmd/smoke", "-stack", "dev", "-junit", "smoke-junit.xml"}
	cases := []struct {
		name string
		line string
		doc  []string
		want bool
	}{
		{"same", "go run ./cmd/plan -stack dev", plan, true},
		{"json appended, redirected", `go run ./cmd/plan -stack dev -json > plan.json 2>&1`, plan, true},
		{"other stack", "go run ./cmd/plan -stack prod -json", plan, true},
		{"stack from a variable", `go run ./cmd/smoke -stack "$STACK" -junit smoke-junit.xml`, smoke, true},
		{"double dash and equals", "go run ./cmd/plan --stack=prod", plan, true},
		{"in a pipeline", "set -o pipefail; go run ./cmd/plan -stack dev | tee out", plan, true},
		{"flag missing", "go run ./cmd/smoke -stack dev", smoke, false},
		{"flag value changed", "go run ./cmd/smoke -stack dev -junit other.xml", smoke, false},
		{"flag inserted before", "go run ./cmd/plan -json -stack dev", plan, false},
		{"other package", "go run ./cmd/planner -stack dev", plan, false},
		{"argument appended", "go run ./cmd/plan -stack dev extra", plan, false},
		{"go test narrowed", "go test ./internal/...", []string{"go", "test", "./..."}, false},
		{"go test as documented", "go test ./...", []string{"go", "test", "./..."}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cmds := commandsIn(c.line)
			if len(cmds) != 1 {
				t.Fatalf("commandsIn(%q) = %q, want one command", c.line, cmds)
			}
			if got := matches(cmds[0], c.doc); got != c.want {
				t.Errorf("matches(%q, %q) = %v, want %v", cmds[0], c.doc, got, c.want)
			}
		})
	}
}

func TestReadmeCommandsComeFromShFences(t *testing.T) {
	readme := "# x\n\n    go run ./cmd/plan -stack ignored\n\n```sh\n# offline\n$ go run ./cmd/plan -stack dev\ngo run ./cmd/smoke \\\n  -stack dev -junit smoke-junit.xml\ngo test ./...   # all tests\n```\n\n```go\ngo run ./cmd/plan -stack nope\n```\n"
	got := readmeCommands(readme)
	want := map[string]string{
		"plan":  "go run ./cmd/plan -stack dev",
		"smoke": "go run ./cmd/smoke -stack dev -junit smoke-junit.xml",
		"test":  "go test ./...",
	}
	for k, w := range want {
		if len(got[k]) != 1 || strings.Join(got[k][0], " ") != w {
			t.Errorf("%s: got %q, want [%q]", k, got[k], w)
		}
	}
}

// ---------------------------------------------------------------------------
// Pinning.

var (
	semverRef = regexp.MustCompile(`^v\d+\.\d+\.\d+$`)
	shaRef    = regexp.MustCompile(`^[0-9a-f]{40}$`)
	digestRef = regexp.MustCompile(`@sha256:[0-9a-f]{64}$`)
)

// pinProblem says why a `uses:` value is not pinned to a version, or "" when it is.
func pinProblem(uses string) string {
	switch {
	case strings.HasPrefix(uses, "./"):
		return ""
	case strings.HasPrefix(uses, "docker://"):
		if digestRef.MatchString(uses) {
			return ""
		}
		return "docker image not pinned by digest"
	}
	at := strings.LastIndex(uses, "@")
	if at < 0 {
		return "no @ref"
	}
	ref := uses[at+1:]
	switch {
	case shaRef.MatchString(ref):
		return ""
	case semverRef.MatchString(ref) && unverifiedTagPins[uses]:
		return "" // pins_test.go: SHA not verifiable offline; Dependabot pins it
	case semverRef.MatchString(ref):
		return fmt.Sprintf("ref %q is a tag, which its owner can move: pin the commit SHA, `owner/repo@<40 hex> # %s`", ref, ref)
	}
	return fmt.Sprintf("ref %q is not a commit SHA: a branch or a moving tag", ref)
}

func TestPinProblem(t *testing.T) {
	cases := []struct {
		uses string
		ok   bool
	}{
		{"actions/checkout@v5.0.1", false}, // a tag can be moved
		{"pulumi/actions@v6.6.1", true},    // unverifiedTagPins
		{"actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8", true},
		{"./.github/actions/setup", true},
		{"./.github/workflows/stack.yml", true},
		{"actions/checkout@main", false},
		{"actions/checkout@v5", false},
		{"actions/checkout", false},
		{"owner/repo/path@master", false},
		{"docker://alpine:3", false},
		{"docker://alpine@sha256:" + strings.Repeat("a", 64), true},
	}
	for _, c := range cases {
		if got := pinProblem(c.uses) == ""; got != c.ok {
			t.Errorf("pinProblem(%q) = %q, want ok=%v", c.uses, pinProblem(c.uses), c.ok)
		}
	}
}

func TestEveryActionIsPinnedToAVersion(t *testing.T) {
	r := load(t)
	check := func(file, where, uses string) {
		if problem := pinProblem(uses); problem != "" {
			t.Errorf("%s: %s uses %q: %s", file, where, uses, problem)
		}
		if strings.HasPrefix(uses, "./") {
			p := filepath.Join(r.root, uses)
			if _, err := os.Stat(p); err != nil {
				t.Errorf("%s: %s uses %q, which does not exist", file, where, uses)
			}
		}
	}
	n := 0
	for _, wf := range r.workflows {
		for _, id := range sortedKeys(wf.Jobs) {
			j := wf.Jobs[id]
			if j.Uses != "" {
				check(wf.path, "job "+id, j.Uses)
				n++
			}
			for i, s := range j.Steps {
				if s.Uses != "" {
					check(wf.path, "job "+id+" step "+s.label(i), s.Uses)
					n++
				}
			}
		}
	}
	for _, path := range sortedKeys(r.actions) {
		for i, s := range r.actions[path].Runs.Steps {
			if s.Uses != "" {
				check(path, "step "+s.label(i), s.Uses)
				n++
			}
		}
	}
	if n == 0 {
		t.Fatal("no uses: found at all; are the workflows parsed?")
	}
}

// ---------------------------------------------------------------------------
// Stack operations: concurrency, environments, teardown, OIDC permissions.

// op is one job that changes a stack (pulumi up or destroy), resolved through reusable
// workflows to the job that declares the rails.
type op struct {
	file, job   string
	stack       string // literal stack name, or the expression the job uses
	command     string // up, destroy, or an expression
	concurrency string // concurrency group of the job holding it
	environment string // environment name, inputs substituted
	scheduled   bool   // the workflow runs on a schedule
}

func TestStackOperations(t *testing.T) {
	r := load(t)
	ops := r.stackOps(t)
	if len(ops) == 0 {
		t.Fatal("no job runs pulumi up or destroy")
	}
	seen := map[string]bool{}
	for _, o := range ops {
		where := o.file + ": job " + o.job
		seen[o.stack+":"+o.command] = true
		t.Run(o.file+"/"+o.job, func(t *testing.T) {
			if o.concurrency == "" {
				t.Errorf("%s runs %s on stack %s without a concurrency group", where, o.command, o.stack)
			} else if !namesStack(o.concurrency, o.stack) {
				t.Errorf("%s: concurrency group %q does not name stack %q", where, o.concurrency, o.stack)
			}
			if o.stack == "prod" || strings.Contains(o.stack, "prod") {
				if !strings.Contains(o.environment, "prod") {
					t.Errorf("%s deploys prod without the prod GitHub environment (got %q)", where, o.environment)
				}
				if o.command != "up" {
					t.Errorf("%s runs %q on prod: CI only ever runs up on prod", where, o.command)
				}
				if o.scheduled {
					t.Errorf("%s touches prod from a scheduled workflow", where)
				}
			}
			if o.command != "up" && o.stack != "dev" {
				t.Errorf("%s: teardown (%s) must target the dev stack only, targets %q", where, o.command, o.stack)
			}
		})
	}
	for _, want := range []string{"dev:up", "prod:up"} {
		if !seen[want] {
			t.Errorf("no workflow runs %s", want)
		}
	}
}

// namesStack reports whether a concurrency group names the stack as a whole word, e.g.
// pulumi-stack-dev or pulumi-${{ inputs.stack }} for stack ${{ inputs.stack }}.
func namesStack(group, stack string) bool {
	if strings.Contains(stack, "${{") {
		return strings.Contains(group, stack)
	}
	words := strings.FieldsFunc(group, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	})
	for _, w := range words {
		if w == stack {
			return true
		}
	}
	return false
}

func TestTeardownIsScheduledForDevOnly(t *testing.T) {
	r := load(t)
	found := false
	for _, wf := range r.workflows {
		if !wf.triggers("schedule") {
			continue
		}
		for _, id := range sortedKeys(wf.Jobs) {
			if !r.mutates(wf.Jobs[id]) {
				continue // read-only on a schedule (the drift check): any stack may be read
			}
			for _, stack := range r.stacksTouched(wf.Jobs[id]) {
				if stack != "dev" {
					t.Errorf("%s: scheduled workflow job %s targets stack %q; only dev may be torn down on a schedule", wf.path, id, stack)
				}
				found = true
			}
		}
		if !wf.triggers("workflow_dispatch") {
			t.Errorf("%s: scheduled teardown must also be runnable by hand (workflow_dispatch)", wf.path)
		}
	}
	if !found {
		t.Error("no scheduled workflow tears down the dev stack")
	}
}

func TestOIDCJobsMayRequestAnIDToken(t *testing.T) {
	r := load(t)
	n := 0
	for _, wf := range r.workflows {
		for _, id := range sortedKeys(wf.Jobs) {
			j := wf.Jobs[id]
			if !r.usesOIDC(j) {
				continue
			}
			n++
			perms := j.Permissions
			if perms.IsZero() {
				perms = wf.Permissions
			}
			if !grantsIDToken(perms) {
				t.Errorf("%s: job %s federates credentials by OIDC but lacks permissions: id-token: write", wf.path, id)
			}
		}
	}
	if n == 0 {
		t.Error("no job federates AWS or GCP credentials by OIDC")
	}
}

func TestForksStopAfterOfflineChecks(t *testing.T) {
	r := load(t)
	for _, wf := range r.workflows {
		if !wf.triggers("pull_request") && !wf.triggers("pull_request_target") {
			continue
		}
		if wf.triggers("pull_request_target") {
			t.Errorf("%s: pull_request_target runs fork code with secrets", wf.path)
		}
		for _, id := range sortedKeys(wf.Jobs) {
			j := wf.Jobs[id]
			if !r.needsSecrets(j) {
				continue
			}
			if !strings.Contains(j.If, "github.event.pull_request.head.repo.full_name == github.repository") {
				t.Errorf("%s: job %s needs secrets but does not skip pull requests from forks (if: %q)", wf.path, id, j.If)
			}
		}
	}
}

// ---------------------------------------------------------------------------
// Loading.

type workflow struct {
	path        string
	On          yaml.Node         `yaml:"on"`
	Permissions yaml.Node         `yaml:"permissions"`
	Jobs        map[string]*job   `yaml:"jobs"`
	Env         map[string]string `yaml:"env"`
}

type job struct {
	If          string            `yaml:"if"`
	Uses        string            `yaml:"uses"`
	With        map[string]string `yaml:"with"`
	Environment yaml.Node         `yaml:"environment"`
	Concurrency yaml.Node         `yaml:"concurrency"`
	Permissions yaml.Node         `yaml:"permissions"`
	Steps       []step            `yaml:"steps"`
}

type step struct {
	Env  map[string]string `yaml:"env"`
	If   string            `yaml:"if"`
	Name string            `yaml:"name"`
	ID   string            `yaml:"id"`
	Uses string            `yaml:"uses"`
	Run  string            `yaml:"run"`
	With map[string]string `yaml:"with"`
}

func (s step) label(i int) string {
	switch {
	case s.Name != "":
		return s.Name
	case s.ID != "":
		return s.ID
	case s.Uses != "":
		return s.Uses
	}
	return fmt.Sprintf("#%d", i+1)
}

type action struct {
	Runs struct {
		Using string `yaml:"using"`
		Steps []step `yaml:"steps"`
	} `yaml:"runs"`
}

type repo struct {
	root      string
	workflows []*workflow
	byPath    map[string]*workflow // ".github/workflows/x.yml"
	actions   map[string]*action   // ".github/actions/x/action.yml"
}

func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test's directory")
		}
		dir = parent
	}
}

func load(t *testing.T) *repo {
	t.Helper()
	r := &repo{root: repoRoot(t), byPath: map[string]*workflow{}, actions: map[string]*action{}}
	files, _ := filepath.Glob(filepath.Join(r.root, ".github", "workflows", "*.y*ml"))
	if len(files) == 0 {
		t.Fatal("no workflow under .github/workflows")
	}
	for _, f := range files {
		wf := &workflow{}
		decode(t, f, wf)
		wf.path = r.rel(f)
		if len(wf.Jobs) == 0 {
			t.Errorf("%s: no jobs", wf.path)
		}
		r.workflows = append(r.workflows, wf)
		r.byPath[wf.path] = wf
	}
	actions, _ := filepath.Glob(filepath.Join(r.root, ".github", "actions", "*", "action.y*ml"))
	for _, f := range actions {
		a := &action{}
		decode(t, f, a)
		r.actions[r.rel(f)] = a
	}
	return r
}

func decode(t *testing.T, path string, into any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, into); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func (r *repo) rel(path string) string {
	rel, err := filepath.Rel(r.root, path)
	if err != nil {
		return path
	}
	return filepath.ToSlash(rel)
}

// localAction returns the composite action a step uses, if it is a local one.
func (r *repo) localAction(uses string) *action {
	if !strings.HasPrefix(uses, "./") {
		return nil
	}
	p := strings.TrimSuffix(strings.TrimPrefix(uses, "./"), "/")
	for _, name := range []string{"action.yml", "action.yaml"} {
		if a, ok := r.actions[p+"/"+name]; ok {
			return a
		}
	}
	return nil
}

var inputRef = regexp.MustCompile(`inputs\.([A-Za-z0-9_-]+)`)

// steps returns a job's steps with local composite actions expanded in place. A composite
// step whose if: reads an input the calling step does not pass is left out: the inputs of
// our composite actions default to "" or "false", which turn such steps off.
func (r *repo) steps(j *job) []step {
	var out []step
	var expand func([]step, map[string]string, int)
	expand = func(steps []step, with map[string]string, depth int) {
		for _, s := range steps {
			if with != nil && !passesAll(s.If, with) {
				continue
			}
			out = append(out, s)
			if a := r.localAction(s.Uses); a != nil && depth < 5 {
				w := s.With
				if w == nil {
					w = map[string]string{}
				}
				expand(a.Runs.Steps, w, depth+1)
			}
		}
	}
	expand(j.Steps, nil, 0)
	return out
}

func passesAll(cond string, with map[string]string) bool {
	for _, m := range inputRef.FindAllStringSubmatch(cond, -1) {
		if v := with[m[1]]; v == "" || v == "false" {
			return false
		}
	}
	return true
}

// called returns the reusable workflow a job calls, if it is a local one.
func (r *repo) called(j *job) *workflow {
	if !strings.HasPrefix(j.Uses, "./") {
		return nil
	}
	return r.byPath[strings.TrimPrefix(j.Uses, "./")]
}

func (r *repo) usesOIDC(j *job) bool {
	for _, s := range r.steps(j) {
		if strings.HasPrefix(s.Uses, "aws-actions/configure-aws-credentials@") ||
			strings.HasPrefix(s.Uses, "google-github-actions/auth@") {
			return true
		}
	}
	if wf := r.called(j); wf != nil {
		for _, cj := range wf.Jobs {
			if r.usesOIDC(cj) {
				return true
			}
		}
	}
	return false
}

// needsSecrets reports whether a job (or the workflow it calls) runs pulumi or federates
// cloud credentials, which pull requests from forks cannot.
func (r *repo) needsSecrets(j *job) bool {
	for _, s := range r.steps(j) {
		if strings.HasPrefix(s.Uses, "pulumi/actions@") {
			return true
		}
	}
	if wf := r.called(j); wf != nil {
		for _, cj := range wf.Jobs {
			if r.needsSecrets(cj) {
				return true
			}
		}
	}
	return r.usesOIDC(j)
}

var pulumiCLI = regexp.MustCompile(`\bpulumi\s+(up|update|destroy)\b(.*)`)

// directOps lists the stack operations a job runs through its own steps: the command and
// the stack each names.
func (r *repo) directOps(j *job) (ops [][2]string) {
	for _, s := range r.steps(j) {
		if strings.HasPrefix(s.Uses, "pulumi/actions@") {
			switch c := s.With["command"]; c {
			case "up", "update", "destroy":
				if c == "update" {
					c = "up"
				}
				ops = append(ops, [2]string{c, s.With["stack-name"]})
			}
		}
		for _, line := range scriptLines(s.Run) {
			for _, cmd := range commandsIn(line) {
				stack := flagValue(cmd, "-stack")
				if k, ok := kindOf(cmd); ok && (k.name == "cycle" || k.name == "release") && stack != "" {
					if v, ok := s.Env[strings.TrimPrefix(stack, "$")]; ok && strings.HasPrefix(stack, "$") {
						stack = v
					}
					ops = append(ops, [2]string{k.name, stack})
				}
			}
			if m := pulumiCLI.FindStringSubmatch(line); m != nil {
				c := m[1]
				if c == "update" {
					c = "up"
				}
				ops = append(ops, [2]string{c, flagValue(shellWords(m[2]), "-s", "--stack")})
			}
		}
	}
	return ops
}

func flagValue(words []string, names ...string) string {
	for i, w := range words {
		for _, n := range names {
			if w == n && i+1 < len(words) {
				return words[i+1]
			}
			if strings.HasPrefix(w, n+"=") {
				return strings.TrimPrefix(w, n+"=")
			}
		}
	}
	return ""
}

var inputExpr = regexp.MustCompile(`\$\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\}`)

// substitute replaces ${{ inputs.x }} with the caller's literal with: values.
func substitute(s string, with map[string]string) string {
	return inputExpr.ReplaceAllStringFunc(s, func(m string) string {
		name := inputExpr.FindStringSubmatch(m)[1]
		if v, ok := with[name]; ok {
			return v
		}
		return m
	})
}

func (r *repo) stackOps(t *testing.T) []op {
	var ops []op
	for _, wf := range r.workflows {
		reusableOnly := wf.triggers("workflow_call") && len(wf.triggerNames()) == 1
		for _, id := range sortedKeys(wf.Jobs) {
			j := wf.Jobs[id]
			if callee := r.called(j); callee != nil {
				// The caller holds the rails for the reusable workflow's operations.
				for _, cid := range sortedKeys(callee.Jobs) {
					cj := callee.Jobs[cid]
					for _, o := range r.directOps(cj) {
						ops = append(ops, op{
							file: wf.path, job: id + " -> " + callee.path + "/" + cid,
							stack:       substitute(o[1], j.With),
							command:     commandOf(o[0], j.With),
							concurrency: group(j.Concurrency),
							environment: substitute(environment(cj.Environment), j.With),
							scheduled:   wf.triggers("schedule"),
						})
					}
				}
				continue
			}
			if reusableOnly {
				continue // checked through its callers
			}
			for _, o := range r.directOps(j) {
				ops = append(ops, op{
					file: wf.path, job: id, stack: o[1], command: o[0],
					concurrency: group(j.Concurrency), environment: environment(j.Environment),
					scheduled: wf.triggers("schedule"),
				})
			}
		}
	}
	var out []op
	for _, o := range ops {
		if o.command == "" {
			t.Errorf("%s: job %s: cannot tell which pulumi command it runs", o.file, o.job)
			continue
		}
		out = append(out, o)
	}
	return dedupe(out)
}

// commandOf maps a reusable workflow's operation to what its caller asks for. The
// reusable workflow guards each pulumi step with its command input, so a caller passing
// command: up runs only up; any other value (destroy, scale-to-zero, or an expression
// chosen at run time) counts as a teardown. Without a command input the step's own
// command stands.
func commandOf(command string, with map[string]string) string {
	switch c := with["command"]; {
	case c == "up" || c == "cycle" || c == "release":
		// cycle (dev) and release (prod) run `up` through the Automation API; the
		// cycle's own scale-down is an up with overrides, never a destroy.
		return "up"
	case c != "":
		return "teardown(" + c + ")"
	}
	return command
}

func dedupe(ops []op) []op {
	seen := map[string]bool{}
	var out []op
	for _, o := range ops {
		key := o.file + "|" + o.job + "|" + o.stack + "|" + o.command
		if !seen[key] {
			seen[key] = true
			out = append(out, o)
		}
	}
	return out
}

// stacksTouched lists the stacks a job names: its reusable workflow's stack input, or the
// stacks its steps pass to pulumi.
// mutatingRun is a run: line that can change a stack or its resources.
var mutatingRun = regexp.MustCompile(`\bpulumi\s+(up|destroy|refresh|import|stack\s+rm|state)\b|go run \./cmd/(cycle|release|bake|review)\b`)

// mutates reports whether a job can change a stack: it calls a reusable workflow (stack.yml),
// runs the Pulumi action with a command other than preview (without one it only installs
// the CLI), or runs a command that changes stacks.
func (r *repo) mutates(j *job) bool {
	if j.Uses != "" {
		return true
	}
	for _, s := range r.steps(j) {
		if (strings.HasPrefix(s.Uses, "pulumi/actions@") && s.With["command"] != "" && s.With["command"] != "preview") || mutatingRun.MatchString(s.Run) {
			return true
		}
	}
	return false
}

func (r *repo) stacksTouched(j *job) []string {
	var out []string
	if s, ok := j.With["stack"]; ok {
		out = append(out, s)
	}
	for _, s := range r.steps(j) {
		if v := s.With["stack-name"]; v != "" {
			out = append(out, v)
		}
		if v := s.With["stack"]; v != "" {
			out = append(out, v)
		}
		for _, line := range scriptLines(s.Run) {
			if v := flagValue(normalise(shellWords(line)), "-s", "-stack"); v != "" {
				out = append(out, v)
			}
		}
	}
	return out
}

func (wf *workflow) triggerNames() []string {
	var names []string
	switch wf.On.Kind {
	case yaml.ScalarNode:
		names = append(names, wf.On.Value)
	case yaml.SequenceNode:
		for _, n := range wf.On.Content {
			names = append(names, n.Value)
		}
	case yaml.MappingNode:
		for i := 0; i < len(wf.On.Content); i += 2 {
			names = append(names, wf.On.Content[i].Value)
		}
	}
	return names
}

func (wf *workflow) triggers(event string) bool {
	for _, n := range wf.triggerNames() {
		if n == event {
			return true
		}
	}
	return false
}

// group returns a job's concurrency group (string form or group: key).
func group(n yaml.Node) string {
	return scalarOrKey(n, "group")
}

// environment returns a job's environment name (string form or name: key).
func environment(n yaml.Node) string {
	return scalarOrKey(n, "name")
}

func scalarOrKey(n yaml.Node, key string) string {
	switch n.Kind {
	case yaml.ScalarNode:
		return n.Value
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				return n.Content[i+1].Value
			}
		}
	}
	return ""
}

func grantsIDToken(n yaml.Node) bool {
	switch n.Kind {
	case yaml.ScalarNode:
		return n.Value == "write-all"
	case yaml.MappingNode:
		return scalarOrKey(n, "id-token") == "write"
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
