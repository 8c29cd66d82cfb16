package smoke

import (
	"encoding/json"
	"time"
)

// Verdict is the outcome of one check.
type Verdict string

const (
	Pass Verdict = "PASS"
	Fail Verdict = "FAIL"
	Skip Verdict = "SKIP"
	// Warn is neither a pass nor a failure: the check ran and found the
	// deployment working but exposed (an open container site). The command
	// exits 0 on warnings; every report format shows them.
	Warn Verdict = "WARN"
)

// Result is one check of one target.
type Result struct {
	Target   string        `json:"target"`
	Kind     string        `json:"kind"`
	URL      string        `json:"url"`
	Check    string        `json:"check"`
	Verdict  Verdict       `json:"verdict"`
	Duration time.Duration `json:"-"`
	Reason   string        `json:"reason,omitempty"` // redacted: never holds a secret
	Retries  int           `json:"retries,omitempty"`

	order int // position of the check within its target, for a stable report order
	tix   int // position of the target
}

// MarshalJSON adds the duration in milliseconds, which machines parse more
// easily than Go's duration strings.
func (r Result) MarshalJSON() ([]byte, error) {
	type plain Result
	return json.Marshal(struct {
		plain
		DurationMS float64 `json:"durationMs"`
	}{plain(r), float64(r.Duration.Microseconds()) / 1000})
}

// Report is the typed result of Run, in the spirit of auto.UpResult.
type Report struct {
	Stack    string        `json:"stack,omitempty"`
	Started  time.Time     `json:"started"`
	Duration time.Duration `json:"-"`
	Results  []Result      `json:"results"` // target order, then check order
}

// Counts tallies verdicts.
func (r *Report) Counts() (pass, fail, skip int) {
	for _, res := range r.Results {
		switch res.Verdict {
		case Pass:
			pass++
		case Fail:
			fail++
		case Skip:
			skip++
		}
	}
	return
}

// Warnings counts the WARN verdicts.
func (r *Report) Warnings() int {
	n := 0
	for _, res := range r.Results {
		if res.Verdict == Warn {
			n++
		}
	}
	return n
}

// Failed reports whether any check failed: the command exits non-zero then.
func (r *Report) Failed() bool {
	_, fail, _ := r.Counts()
	return fail > 0
}

// MarshalJSON adds a summary so a CI step can read one field.
func (r Report) MarshalJSON() ([]byte, error) {
	type plain Report
	p, f, s := r.Counts()
	return json.Marshal(struct {
		plain
		DurationMS float64 `json:"durationMs"`
		Passed     int     `json:"passed"`
		Failed     int     `json:"failed"`
		Skipped    int     `json:"skipped"`
		Warned     int     `json:"warned"`
		OK         bool    `json:"ok"`
	}{plain(r), float64(r.Duration.Microseconds()) / 1000, p, f, s, r.Warnings(), f == 0})
}
