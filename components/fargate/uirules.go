package fargate

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/sgraph-ai/sgraph-send-infra/components/appspec"
)

// appListener is a listener whose default action forwards to the app, and the
// key its UI rules are named by ("http" or "https").
type appListener struct {
	key      string
	listener *lb.Listener
}

// uiRulePriority is the first priority of the UI redirect rules; the rules
// are the only ones on the listener, so any free range would do.
const uiRulePriority = 100

// RedirectStatus is the status of the UI redirects: temporary, because the app
// moves fast and browsers cache a permanent redirect beyond a fix or a new UI
// version.
const RedirectStatus = "HTTP_302"

// newUIRules sends the app's broken UI paths (v0.27.6: "/" ends on a 404 after
// the app's own redirect, the share link's /en-gb/download/ is 404) to the
// versioned pages that work, on every listener that forwards to the app. With
// a certificate that is the HTTPS listener only: the HTTP one redirects every
// request to HTTPS with its path and query, and the HTTPS rules take over.
//
// Exact paths only (no wildcard): nothing else the app serves is touched. The
// redirect keeps the request's protocol, host, port and query (the ALB's
// #{...} defaults). The share link's fragment (#<transfer id>/<key>) never
// reaches the ALB; browsers carry it over to a Location without a fragment
// (RFC 9110 section 10.2.2), so the download page still gets the key.
func newUIRules(ctx *pulumi.Context, name string, ui appspec.UIRoutes, tags pulumi.StringMap, listeners []appListener, parent pulumi.ResourceOrInvokeOption) ([]*lb.ListenerRule, error) {
	var out []*lb.ListenerRule
	for _, l := range listeners {
		for i, r := range ui.Redirects() {
			rule, err := lb.NewListenerRule(ctx, fmt.Sprintf("%s-%s-ui-%s", name, l.key, r.Name), &lb.ListenerRuleArgs{
				ListenerArn: l.listener.Arn,
				Priority:    pulumi.Int(uiRulePriority + i),
				Conditions: lb.ListenerRuleConditionArray{&lb.ListenerRuleConditionArgs{
					PathPattern: &lb.ListenerRuleConditionPathPatternArgs{Values: pulumi.StringArray{pulumi.String(r.From)}},
				}},
				Actions: lb.ListenerRuleActionArray{&lb.ListenerRuleActionArgs{
					Type: pulumi.String("redirect"),
					Redirect: &lb.ListenerRuleActionRedirectArgs{
						Path:       pulumi.String(r.To),
						StatusCode: pulumi.String(RedirectStatus),
					},
				}},
				Tags: tags,
			}, parent)
			if err != nil {
				return nil, err
			}
			out = append(out, rule)
		}
	}
	return out, nil
}

// validUI checks the UI paths the rules are made of: ALB path patterns are at
// most 128 characters, and * and ? would turn an exact path into a wildcard.
func validUI(ui appspec.UIRoutes) error {
	var errs []error
	for _, r := range ui.Redirects() {
		for _, p := range []string{r.From, r.To} {
			if !appspec.SafePath(p) {
				errs = append(errs, fmt.Errorf("%s redirect path %q must be at most 128 letters, digits and . _ ~ - /, starting with /", r.Name, p))
			}
		}
	}
	return errors.Join(errs...)
}
