package browser

import (
	"context"
	"flag"
	"path/filepath"
	"slices"
	"time"

	"github.com/sgraph-ai/sgraph-send-infra/outputs"
	"github.com/sgraph-ai/sgraph-send-infra/smoke"
)

// Flags is -browser and its -browser-* options, shared by cmd/smoke and cmd/cycle:
// -browser adds the UI journey after the HTTP checks, for every selected
// container-app target (the ones that serve the user UI).
type Flags struct {
	On        bool
	Cfg       Config
	Artifacts string
}

// Register declares the flags on fs, defaults from DefaultConfig.
func (b *Flags) Register(fs *flag.FlagSet) {
	b.Cfg = DefaultConfig()
	fs.BoolVar(&b.On, "browser", false, "after the HTTP checks, drive the user UI in headless Chromium on every container-app target")
	fs.StringVar(&b.Cfg.Chromium, "browser-chromium", b.Cfg.Chromium, "Chromium executable for -browser")
	fs.StringVar(&b.Cfg.CookieFormPath, "browser-cookie-form", b.Cfg.CookieFormPath, "page that sets the token cookie")
	fs.StringVar(&b.Cfg.UploadPage, "browser-upload-page", b.Cfg.UploadPage, "upload page the journey starts on")
	fs.StringVar(&b.Cfg.DownloadPage, "browser-download-page", b.Cfg.DownloadPage, "versioned download page tried when the share link fails")
	fs.DurationVar(&b.Cfg.StepTimeout, "browser-step-timeout", b.Cfg.StepTimeout, "bound of each journey step")
	fs.DurationVar(&b.Cfg.Timeout, "browser-timeout", b.Cfg.Timeout, "bound of one target's whole journey")
	fs.StringVar(&b.Artifacts, "browser-artifacts", "", "folder for screenshots and the browser console (default: the -junit file's folder; none without -junit)")
}

// Journey appends the journey's results to rep when -browser is on, one target at a
// time (each starts its own browser; two at once would only compete for CPU). Rows go
// to row as they come; junit is the -junit file, whose folder holds the artifacts
// unless -browser-artifacts names one.
func (b *Flags) Journey(ctx context.Context, outs *smoke.Outputs, targets []string, junit string, rep *smoke.Report, row func(smoke.Result)) {
	if !b.On {
		return
	}
	cfg := b.Cfg
	cfg.ArtifactDir = b.Artifacts
	if cfg.ArtifactDir == "" && junit != "" {
		cfg.ArtifactDir = filepath.Dir(junit)
	}
	start := time.Now()
	for _, ep := range outs.Endpoints {
		if ep.Kind != outputs.ContainerApp || ep.SkipReason != "" || (len(targets) > 0 && !slices.Contains(targets, ep.Name)) {
			continue
		}
		t := Target{Name: ep.Name, Origin: ep.URL, Token: outs.UploadToken, InsecureTLS: ep.InsecureTLS}
		for _, r := range Run(ctx, cfg, t, outs.Secrets()...) {
			rep.Results = append(rep.Results, r)
			row(r)
		}
	}
	rep.Duration += time.Since(start)
}
