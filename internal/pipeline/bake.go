package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"time"

	"github.com/sgraph-ai/sgraph-send-infra/outputs"
	"github.com/sgraph-ai/sgraph-send-infra/smoke"
)

// Publisher stores the id of a smoked AMI where the ec2 target reads it.
type Publisher interface {
	Publish(ctx context.Context, parameter, amiID string) error
}

// AmiParameter is the SSM parameter a stack's smoked AMI is published to; the ec2
// target reads it when ec2BakedAmiParameter names it.
func AmiParameter(stack string) string { return "/sgraph-send/" + stack + "/ami" }

// Bake bakes an AMI with Image Builder, boots a test instance from it, runs the harness
// against that instance only, removes it, and only then publishes the AMI id.
type Bake struct {
	Stack     Stack
	Publisher Publisher
	Smoke     SmokeFunc
	Ready     ReadyFunc
	// Parameter overrides AmiParameter(stack name).
	Parameter        string
	ScaleDownTimeout time.Duration
	Log              io.Writer
}

// BakeSummary is the outcome.
type BakeSummary struct {
	AmiID       string
	Parameter   string
	Published   bool
	Report      *smoke.Report
	ScaledDown  bool
	Interrupted bool
	Err         error
}

// Run bakes. Exit code: published or not.
func (b *Bake) Run(ctx context.Context) *BakeSummary {
	s := &BakeSummary{Parameter: b.Parameter}
	if s.Parameter == "" {
		s.Parameter = AmiParameter(b.Stack.Name())
	}
	conf, err := b.Stack.Config(ctx)
	if err != nil {
		s.Err = err
		return s
	}
	if isProd(b.Stack.Name(), conf) {
		s.Err = fmt.Errorf("%w: the bake boots a test instance in place of the stack's own; bake on dev, then point prod's ec2BakedAmiParameter at %s", ErrRefused, AmiParameter("dev"))
		return s
	}
	committed, err := targetsOf(conf)
	if err != nil {
		s.Err = err
		return s
	}
	withEC2 := with(committed, "ec2")
	defer b.scaleDown(ctx, s, Overrides{"targets": without(committed, "ec2")})

	// 1. The image build: the Image Builder image resource completes when the AMI is
	// available (its own test phase ran on it too).
	if err := b.Stack.Up(ctx, Overrides{"targets": withEC2, "ec2BakeAmi": true}); err != nil {
		s.Err = err
		return s
	}
	raw, err := b.Stack.Outputs(ctx)
	if err != nil {
		s.Err = err
		return s
	}
	ami, _ := raw[outputs.EC2BakedAmiID].Value.(string)
	if ami == "" {
		s.Err = fmt.Errorf("the bake finished without an %s output", outputs.EC2BakedAmiID)
		return s
	}
	s.AmiID = ami
	// 2. A test instance from the new AMI (the parameter is not read: it still holds
	// the previous, smoked AMI).
	if err := b.Stack.Up(ctx, Overrides{"targets": withEC2, "ec2BakeAmi": true, "ec2AmiId": ami, "ec2BakedAmiParameter": ""}); err != nil {
		s.Err = err
		return s
	}
	if raw, err = b.Stack.Outputs(ctx); err != nil {
		s.Err = err
		return s
	}
	if got, _ := raw[outputs.EC2AmiID].Value.(string); got != ami {
		s.Err = fmt.Errorf("the test instance runs %q, not the baked %s", got, ami)
		return s
	}
	ec2Only := []string{"ec2"}
	if err := b.Ready(ctx, raw, ec2Only); err != nil {
		s.Err = err
		return s
	}
	rep, err := b.Smoke(ctx, raw, ec2Only)
	if err != nil {
		s.Err = err
		return s
	}
	s.Report = rep
	if ctx.Err() != nil {
		s.Err = fmt.Errorf("interrupted during the smoke: %w", ctx.Err())
	}
	return s
}

// scaleDown removes the test instance whatever happened, then publishes when the
// smoke passed on it and it is gone.
func (b *Bake) scaleDown(ctx context.Context, s *BakeSummary, down Overrides) {
	s.Interrupted = ctx.Err() != nil
	timeout := b.ScaleDownTimeout
	if timeout <= 0 {
		timeout = 30 * time.Minute
	}
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	defer cancel()
	if err := b.Stack.Up(dctx, down); err != nil {
		s.Err = errors.Join(s.Err, fmt.Errorf("REMOVING THE TEST INSTANCE FAILED: %w; run the teardown workflow", err))
		return
	}
	raw, err := b.Stack.Outputs(dctx)
	if err != nil {
		s.Err = errors.Join(s.Err, err)
		return
	}
	if id, _ := raw[outputs.EC2InstanceID].Value.(string); id != "" {
		s.Err = errors.Join(s.Err, fmt.Errorf("the test instance %s is still running after the scale-down", id))
		return
	}
	s.ScaledDown = true
	if s.Err != nil || s.Interrupted || s.Report == nil || s.Report.Failed() || !allPassed(s.Report) {
		return
	}
	if err := b.Publisher.Publish(dctx, s.Parameter, s.AmiID); err != nil {
		s.Err = fmt.Errorf("the AMI %s passed but publishing it to %s failed: %w", s.AmiID, s.Parameter, err)
		return
	}
	s.Published = true
}

// bakeChecks must each pass on the test instance before its AMI is published: the
// service answers (health), it is the baked version, and a transfer round-trips. All
// of them run over https://<instance> on 443, which is the TLS check (the certificate
// is self-signed, so the chain check itself is skipped by the harness).
var bakeChecks = []string{smoke.CheckHealth, smoke.CheckVersion, smoke.CheckRoundTrip}

// allPassed is true when nothing failed and every bake check passed over https on 443.
func allPassed(rep *smoke.Report) bool {
	if rep.Failed() {
		return false
	}
	passed := map[string]bool{}
	for _, r := range rep.Results {
		if r.Verdict != smoke.Pass {
			continue
		}
		u, err := url.Parse(r.URL)
		if err != nil || u.Scheme != "https" || (u.Port() != "" && u.Port() != "443" && !loopback(u.Hostname())) {
			continue
		}
		passed[r.Check] = true
	}
	for _, c := range bakeChecks {
		if !passed[c] {
			return false
		}
	}
	return true
}

// loopback lets the offline tests' TLS servers (127.0.0.1, random port) stand in for 443.
func loopback(host string) bool { return host == "127.0.0.1" || host == "::1" }

// Print writes the bake's summary.
func (s *BakeSummary) Print(w io.Writer) {
	fmt.Fprintf(w, "\n== bake summary\n")
	fmt.Fprintf(w, "ami:          %s\n", orNone(without([]string{s.AmiID}, "")))
	if s.Report != nil {
		fmt.Fprintf(w, "checked:      %s\n", orNone(checked(s.Report)))
	}
	if s.ScaledDown {
		fmt.Fprintf(w, "test instance: removed\n")
	} else {
		fmt.Fprintf(w, "test instance: MAYBE STILL RUNNING, run the teardown workflow\n")
	}
	if s.Published {
		fmt.Fprintf(w, "published:    %s = %s\n", s.Parameter, s.AmiID)
	} else {
		fmt.Fprintf(w, "published:    nothing (%s unchanged)\n", s.Parameter)
	}
	if s.Err != nil {
		fmt.Fprintf(w, "error:        %v\n", s.Err)
	}
}
