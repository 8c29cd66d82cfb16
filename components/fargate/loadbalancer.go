package fargate

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// loadBalancer is the public entry: an internet-facing ALB forwarding to the
// tasks' IPs.
type loadBalancer struct {
	alb       *lb.LoadBalancer
	group     *lb.TargetGroup
	listeners []pulumi.Resource // the service waits for these
	// https is the 443 listener (nil when HTTP only); http is the 80 one,
	// forwarding (HTTP only) or redirecting to https. Kept for listener rules.
	https, http *lb.Listener
	url         pulumi.StringOutput
}

func newLoadBalancer(ctx *pulumi.Context, name string, a *ServiceArgs, n *network, parent pulumi.ResourceOrInvokeOption) (*loadBalancer, error) {
	out := &loadBalancer{}
	var err error
	out.alb, err = lb.NewLoadBalancer(ctx, name, &lb.LoadBalancerArgs{
		// An explicit, readable name (ALB names are at most 32 characters).
		Name:                    pulumi.String(lbName(a.Name)),
		LoadBalancerType:        pulumi.String("application"),
		Internal:                pulumi.Bool(false),
		SecurityGroups:          pulumi.StringArray{n.albSG.ID()},
		Subnets:                 pulumi.ToStringArray(n.albSubnets),
		DropInvalidHeaderFields: pulumi.Bool(true),
		// Uploads go through the ALB as request bodies; the default 60 s is
		// enough for the app's small transfers and keeps idle sockets cheap.
		IdleTimeout: pulumi.Int(60),
		Tags:        a.Tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	if err := newAliasRecord(ctx, name, a, out.alb, parent); err != nil {
		return nil, err
	}
	out.group, err = lb.NewTargetGroup(ctx, fit(name, 32), &lb.TargetGroupArgs{
		// Fargate tasks register by IP (awsvpc networking).
		TargetType: pulumi.String("ip"),
		Port:       pulumi.Int(a.Runtime.Port),
		Protocol:   pulumi.String("HTTP"),
		VpcId:      pulumi.String(n.vpcID),
		// Short: requests are small, and a long drain slows every deploy.
		DeregistrationDelay: pulumi.Int(a.DeregistrationDelaySeconds),
		HealthCheck: &lb.TargetGroupHealthCheckArgs{
			Enabled: pulumi.Bool(true),
			// The app answers HEAD with 405: the ALB health check uses GET.
			// A target group cannot send the upload token, and with one set
			// the container app answers 401 everywhere but the probe path.
			// It proves the process serves HTTP, not that the gate or the
			// storage works (the container health check and the smoke do).
			Path:               pulumi.String(a.Runtime.ProbePath),
			Protocol:           pulumi.String("HTTP"),
			Port:               pulumi.String("traffic-port"),
			Matcher:            pulumi.String("200"),
			Interval:           pulumi.Int(15),
			Timeout:            pulumi.Int(5),
			HealthyThreshold:   pulumi.Int(2),
			UnhealthyThreshold: pulumi.Int(3),
		},
		Tags: a.Tags,
	}, parent)
	if err != nil {
		return nil, err
	}

	forward := lb.ListenerDefaultActionArray{&lb.ListenerDefaultActionArgs{
		Type:           pulumi.String("forward"),
		TargetGroupArn: out.group.Arn,
	}}
	host := out.alb.DnsName
	if a.DomainName != "" {
		host = pulumi.String(a.DomainName).ToStringOutput()
	}
	if !a.servesHTTPS() {
		// No certificate (the dev default): HTTP only, and the URL says so.
		// Anything sent to it, the upload token included, crosses the
		// internet in clear text: configure a certificate for real use.
		http, err := lb.NewListener(ctx, name+"-http", &lb.ListenerArgs{
			LoadBalancerArn: out.alb.Arn,
			Port:            pulumi.Int(80),
			Protocol:        pulumi.String("HTTP"),
			DefaultActions:  forward,
			Tags:            a.Tags,
		}, parent)
		if err != nil {
			return nil, err
		}
		out.listeners = []pulumi.Resource{http}
		out.http = http
		out.url = pulumi.Sprintf("http://%s", host)
		return out, nil
	}

	cert, err := listenerCertificate(ctx, name, a, parent)
	if err != nil {
		return nil, err
	}
	https, err := lb.NewListener(ctx, name+"-https", &lb.ListenerArgs{
		LoadBalancerArn: out.alb.Arn,
		Port:            pulumi.Int(443),
		Protocol:        pulumi.String("HTTPS"),
		CertificateArn:  cert,
		SslPolicy:       pulumi.String(TLSPolicy),
		// The ALB adds HSTS to every HTTPS answer, the app's and its own.
		RoutingHttpResponseStrictTransportSecurityHeaderValue: pulumi.String(HSTS),
		DefaultActions: forward,
		Tags:           a.Tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	redirect, err := lb.NewListener(ctx, name+"-http", &lb.ListenerArgs{
		LoadBalancerArn: out.alb.Arn,
		Port:            pulumi.Int(80),
		Protocol:        pulumi.String("HTTP"),
		DefaultActions: lb.ListenerDefaultActionArray{&lb.ListenerDefaultActionArgs{
			Type: pulumi.String("redirect"),
			Redirect: &lb.ListenerDefaultActionRedirectArgs{
				Protocol:   pulumi.String("HTTPS"),
				Port:       pulumi.String(strconv.Itoa(443)),
				StatusCode: pulumi.String("HTTP_301"),
			},
		}},
		Tags: a.Tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	out.listeners = []pulumi.Resource{https, redirect}
	out.https, out.http = https, redirect
	out.url = pulumi.Sprintf("https://%s", host)
	return out, nil
}

// lbName is the load balancer's name: at most 32 characters, no trailing
// hyphen. A longer name is cut and ends in a hash of the whole, so stacks that
// share a 32-character prefix (production-eu-west-2-blue and -green) never
// collide in one account and region.
func lbName(base string) string {
	if len(base) <= 32 {
		return strings.TrimRight(base, "-")
	}
	sum := sha256.Sum256([]byte(base))
	return strings.TrimRight(base[:25], "-") + "-" + hex.EncodeToString(sum[:3])
}
