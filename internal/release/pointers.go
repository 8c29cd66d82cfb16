package release

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/sgraph-ai/sgraph-send-infra/outputs"
)

// Pointers are what each target serves in one release: the image digest and the
// pointer a rollback flips back to (docs/release.md). Empty fields: target off.
type Pointers struct {
	Digest           string // sha256:... of imageRef
	LambdaAdmin      string // published version the admin live alias serves
	LambdaPublic     string // published version the public live alias serves
	CloudRunRevision string // revision traffic names
	TaskDefinition   string // family:revision the ECS service runs
	At               string // RFC 3339, UTC: when its prod smoke passed
}

// Pointers reads what a stack's outputs say each target serves now.
func (o Outputs) Pointers() Pointers {
	return Pointers{
		Digest:           DigestOf(o.Str(outputs.ImageRef)),
		LambdaAdmin:      o.Str(outputs.LambdaAdminVersion),
		LambdaPublic:     o.Str(outputs.LambdaPublicVersion),
		CloudRunRevision: o.Str(outputs.CloudRunRevision),
		TaskDefinition:   o.Str(outputs.FargateTaskDefinition),
	}
}

// TagGoodReleasePrefix + the digest's first 16 hex is the stack tag of one good release
// (kept per digest, so `-rollback-to <digest>` finds older ones without any file of the
// deploy that made them). Name: 33 characters, within the backend's 40.
const TagGoodReleasePrefix = "sgraph-send:good:"

var pointerFields = []struct {
	key string
	get func(*Pointers) *string
}{
	{"d", func(p *Pointers) *string { return &p.Digest }},
	{"la", func(p *Pointers) *string { return &p.LambdaAdmin }},
	{"lp", func(p *Pointers) *string { return &p.LambdaPublic }},
	{"cr", func(p *Pointers) *string { return &p.CloudRunRevision }},
	{"td", func(p *Pointers) *string { return &p.TaskDefinition }},
	{"at", func(p *Pointers) *string { return &p.At }},
}

var sha256Digest = regexp.MustCompile(`^sha256:[a-f0-9]{64}$`)

// Tag renders the good-release tag: d=<digest>;la=..;lp=..;cr=..;td=..;at=..
func (p Pointers) Tag() (string, string, error) {
	if !sha256Digest.MatchString(p.Digest) {
		return "", "", fmt.Errorf("good release digest %q is not sha256:<64 hex>", p.Digest)
	}
	var parts []string
	for _, f := range pointerFields {
		if v := *f.get(&p); v != "" {
			if strings.ContainsAny(v, ";=") {
				return "", "", fmt.Errorf("good release field %s=%q holds ; or =", f.key, v)
			}
			parts = append(parts, f.key+"="+v)
		}
	}
	val := strings.Join(parts, ";")
	if len(val) > maxTagValue {
		return "", "", fmt.Errorf("good release record is %d characters, over the %d a stack tag holds", len(val), maxTagValue)
	}
	return TagGoodReleasePrefix + p.Digest[len("sha256:"):][:16], val, nil
}

// ParsePointers reads a good-release tag value.
func ParsePointers(v string) (Pointers, error) {
	var p Pointers
	for _, kv := range strings.Split(v, ";") {
		k, val, ok := strings.Cut(kv, "=")
		found := false
		for _, f := range pointerFields {
			if ok && f.key == k {
				*f.get(&p), found = val, true
			}
		}
		if !found {
			return Pointers{}, fmt.Errorf("good release record %q: unknown field %q", v, kv)
		}
	}
	if !sha256Digest.MatchString(p.Digest) {
		return Pointers{}, fmt.Errorf("good release record %q has no digest", v)
	}
	return p, nil
}

// GoodReleases lists the good-release records in a stack's tags, newest first.
func GoodReleases(tags map[string]string) []Pointers {
	var out []Pointers
	for k, v := range tags {
		if !strings.HasPrefix(k, TagGoodReleasePrefix) {
			continue
		}
		if p, err := ParsePointers(v); err == nil {
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].At != out[j].At {
			return out[i].At > out[j].At
		}
		return out[i].Digest < out[j].Digest
	})
	return out
}

// PickRollback chooses the release to flip back to: with to empty, the newest good
// release whose digest is not what prod serves now; otherwise the good release whose
// digest is to (sha256:<hex>, a unique hex prefix of at least 12, or a full image
// reference). The error lists what is on record.
func PickRollback(now Outputs, tags map[string]string, to string) (Pointers, error) {
	cur := now.Pointers()
	goods := GoodReleases(tags)
	if len(goods) == 0 {
		return Pointers{}, fmt.Errorf("rollback refused: prod has no good-release record (stack tags %s*); a release writes one after its prod smoke passes", TagGoodReleasePrefix)
	}
	known := make([]string, len(goods))
	for i, g := range goods {
		known[i] = g.Digest[:19] + " (" + g.At + ")"
	}
	if to == "" {
		for _, g := range goods {
			if g.Digest != cur.Digest {
				return g, nil
			}
		}
		return Pointers{}, fmt.Errorf("rollback refused: the only good release on record is %s, which prod serves now; name another with -rollback-to (on record: %s)", cur.Digest, strings.Join(known, ", "))
	}
	want := to
	if d := DigestOf(to); d != "" {
		want = d
	}
	want = strings.TrimPrefix(want, "sha256:")
	if len(want) < 12 || strings.Trim(want, "0123456789abcdef") != "" {
		return Pointers{}, fmt.Errorf("rollback refused: -rollback-to %q is not a digest (sha256:<hex>, at least 12 hex digits)", to)
	}
	var match []Pointers
	for _, g := range goods {
		if strings.HasPrefix(g.Digest, "sha256:"+want) {
			match = append(match, g)
		}
	}
	switch len(match) {
	case 1:
		return match[0], nil
	case 0:
		return Pointers{}, fmt.Errorf("rollback refused: %s is not a good release of prod (on record: %s)", to, strings.Join(known, ", "))
	}
	return Pointers{}, fmt.Errorf("rollback refused: %s matches %d good releases; give more digits", to, len(match))
}

// FlipOverrides are the config overrides of the flip: the current images stay (so no
// function, task definition or template changes) and the rollback object points each
// target that has a recorded pointer at it.
func FlipOverrides(now Outputs, to Pointers) (map[string]any, error) {
	img := now.Image()
	if img.Ref == "" {
		return nil, fmt.Errorf("rollback refused: prod has no %s output (no container target deployed), there is nothing to flip", outputs.ImageRef)
	}
	rb := map[string]string{}
	cur := now.Pointers()
	for _, f := range []struct {
		key       string
		cur, goal string
	}{
		{"lambdaAdminVersion", cur.LambdaAdmin, to.LambdaAdmin},
		{"lambdaPublicVersion", cur.LambdaPublic, to.LambdaPublic},
		{"cloudRunRevision", cur.CloudRunRevision, to.CloudRunRevision},
		{"fargateTaskDefinition", cur.TaskDefinition, to.TaskDefinition},
	} {
		if f.cur != "" && f.goal != "" {
			rb[f.key] = f.goal
		}
	}
	o := ImageOverrides(img)
	o["rollback"] = rb
	return o, nil
}

// FlipTargets names the targets a flip moves and the output that proves it moved.
var FlipTargets = []struct {
	Name, Output string
	Get          func(Pointers) string
}{
	{"lambda-admin", outputs.LambdaAdminVersion, func(p Pointers) string { return p.LambdaAdmin }},
	{"lambda-public", outputs.LambdaPublicVersion, func(p Pointers) string { return p.LambdaPublic }},
	{"cloudrun", outputs.CloudRunRevision, func(p Pointers) string { return p.CloudRunRevision }},
	{"fargate", outputs.FargateTaskDefinition, func(p Pointers) string { return p.TaskDefinition }},
}

// Flipped says, per target the record has a pointer for, whether prod now serves it.
func Flipped(after Outputs, to Pointers) map[string]bool {
	got := after.Pointers()
	out := map[string]bool{}
	for _, t := range FlipTargets {
		if want := t.Get(to); want != "" && t.Get(got) != "" {
			out[t.Name] = t.Get(got) == want
		}
	}
	return out
}
