package main

import (
	"context"
	"flag"
	"path/filepath"
	"slices"
	"time"

	"github.com/sgraph-ai/sgraph-send-infra/outputs"
	"github.com/sgraph-ai/sgraph-send-infra/smoke"
	"github.com/sgraph-ai/sgraph-send-infra/smoke/browser"
)

// browserFlags: -browser adds the UI journey after the HTTP checks, for
// every selected container-app target (the ones that serve the user UI).
type browserFlags struct {
	on        bool
	cfg       browser.Config
	artifacts string
}

func (b *browserFlags) register(fs *flag.FlagSet) {
	b.cfg = browser.DefaultConfig()
	fs.BoolVar(&b.on, "browser", false, "after the HTTP checks, drive the user UI in headless Chromium on every container-app target")
	fs.StringVar(&b.cfg.Chromium, "browser-chromium", b.cfg.Chromium, "Chromium executable for -browser")
	fs.StringVar(&b.cfg.CookieFormPath, "browser-cookie-form", b.cfg.CookieFormPath, "page that sets the token cookie")
	fs.StringVar(&b.cfg.UploadPage, "browser-upload-page", b.cfg.UploadPage, "upload page the journey starts on")
	fs.StringVar(&b.cfg.DownloadPage, "browser-download-page", b.cfg.DownloadPage, "versioned download page tried when the share link fails")
	fs.DurationVar(&b.cfg.StepTimeout, "browser-step-timeout", b.cfg.StepTimeout, "bound of each journey step")
	fs.DurationVar(&b.cfg.Timeout, "browser-timeout", b.cfg.Timeout, "bound of one target's whole journey")
	fs.StringVar(&b.artifacts, "browser-artifacts", "", "folder for screenshots and the browser console (default: the -junit file's folder; none without -junit)")
}

// runBrowser appends the journey's results to rep, one target at a time
// (each starts its own browser; two at once would only compete for CPU).
func (b *browserFlags) runBrowser(ctx context.Context, outs *smoke.Outputs, targets []string, junit string, rep *smoke.Report, row func(smoke.Result)) {
	if !b.on {
		return
	}
	cfg := b.cfg
	cfg.ArtifactDir = b.artifacts
	if cfg.ArtifactDir == "" && junit != "" {
		cfg.ArtifactDir = filepath.Dir(junit)
	}
	start := time.Now()
	for _, ep := range outs.Endpoints {
		if ep.Kind != outputs.ContainerApp || ep.SkipReason != "" || (len(targets) > 0 && !slices.Contains(targets, ep.Name)) {
			continue
		}
		t := browser.Target{Name: ep.Name, Origin: ep.URL, Token: outs.UploadToken, InsecureTLS: ep.InsecureTLS}
		for _, r := range browser.Run(ctx, cfg, t, outs.Secrets()...) {
			rep.Results = append(rep.Results, r)
			row(r)
		}
	}
	rep.Duration += time.Since(start)
}
