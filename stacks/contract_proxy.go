package stacks

import (
	"fmt"

	"github.com/sgraph-ai/sgraph-send-infra/components/appspec"
)

// proxyPaths are the contract paths written into probes, ALB rules and the
// nginx config, with the config field that sets each.
func (c AppContract) proxyPaths() []struct{ field, value string } {
	return []struct{ field, value string }{
		{"probePath", c.ProbePath},
		{"uiEntryPath", c.UIEntryPath},
		{"uiSharePath", c.UISharePath},
		{"uiUploadPage", c.UIUploadPage},
		{"uiDownloadPage", c.UIDownloadPage},
	}
}

// checkProxyPaths refuses a path a proxy or probe could not carry verbatim.
// The UI paths may all be "" together, which turns the UI redirects off.
func checkProxyPaths(r *reader, c AppContract) {
	uiOff := c.UIEntryPath == "" && c.UISharePath == "" && c.UIUploadPage == "" && c.UIDownloadPage == ""
	for _, p := range c.proxyPaths() {
		if p.value == "" && uiOff && p.field != "probePath" {
			continue
		}
		if !appspec.SafePath(p.value) {
			hint := "e.g. /auth/set-cookie-form, a route the app answers with 200 without credentials"
			if p.field != "probePath" {
				hint = fmt.Sprintf("e.g. `pulumi config set --path 'appContract.%s' %s`, or set all four ui* paths to \"\" to turn the UI redirects off", p.field, defaultProxyPath(p.field))
			}
			r.fail("appContract", p.value, "%s must be a path starting with one / on this origin (no //, no scheme, no backslash, no . or .. segment) of at most 128 letters, digits and . _ ~ - / "+
				"(it is written into probes and the image's redirect list); %s", p.field, hint)
		}
	}
}

// uiRoutes are the redirects the image serves in front of the container app.
func (c AppContract) uiRoutes() appspec.UIRoutes {
	return appspec.UIRoutes{
		EntryPath:    c.UIEntryPath,
		SharePath:    c.UISharePath,
		UploadPage:   c.UIUploadPage,
		DownloadPage: c.UIDownloadPage,
	}
}

// defaultProxyPath is the default of one proxy path field, for fix hints.
func defaultProxyPath(field string) string {
	for _, p := range DefaultContract().proxyPaths() {
		if p.field == field {
			return p.value
		}
	}
	return "/"
}
