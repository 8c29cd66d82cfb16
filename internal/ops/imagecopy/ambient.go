package imagecopy

import (
	"context"
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/v1/google"
)

// ecrHost is a private ECR registry: <account>.dkr.ecr.<region>.amazonaws.com.
var ecrHost = regexp.MustCompile(`^([0-9]{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com$`)

// ECRTokens returns the registry login ECR issues for a region (user "AWS" and a
// 12-hour password): the one call the cloud-credential glue needs, behind an interface
// so the keychain is tested without AWS.
type ECRTokens interface {
	Login(ctx context.Context, region string) (user, password string, err error)
}

// ECRKeychain answers for ECR hosts with a token from Tokens and leaves every other
// registry to the next keychain (authn.Anonymous).
type ECRKeychain struct {
	Ctx    context.Context
	Tokens ECRTokens

	mu    sync.Mutex
	cache map[string]authn.AuthConfig
}

func (k *ECRKeychain) Resolve(r authn.Resource) (authn.Authenticator, error) {
	m := ecrHost.FindStringSubmatch(r.RegistryStr())
	if m == nil {
		return authn.Anonymous, nil
	}
	region := m[2]
	k.mu.Lock()
	defer k.mu.Unlock()
	if c, ok := k.cache[region]; ok {
		return authn.FromConfig(c), nil
	}
	user, pass, err := k.Tokens.Login(k.Ctx, region)
	if err != nil {
		return nil, fmt.Errorf("ECR login for %s (region %s): %w", r.RegistryStr(), region, err)
	}
	if k.cache == nil {
		k.cache = map[string]authn.AuthConfig{}
	}
	k.cache[region] = authn.AuthConfig{Username: user, Password: pass}
	return authn.FromConfig(k.cache[region]), nil
}

// SDKTokens is ECRTokens on aws-sdk-go-v2 with the ambient credentials (environment,
// profile, OIDC web identity in CI): ecr:GetAuthorizationToken.
type SDKTokens struct{}

func (SDKTokens) Login(ctx context.Context, region string) (string, string, error) {
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(region))
	if err != nil {
		return "", "", err
	}
	out, err := ecr.NewFromConfig(cfg).GetAuthorizationToken(ctx, &ecr.GetAuthorizationTokenInput{})
	if err != nil {
		return "", "", err
	}
	if len(out.AuthorizationData) == 0 {
		return "", "", fmt.Errorf("GetAuthorizationToken returned no authorization data")
	}
	return DecodeECRToken(aws.ToString(out.AuthorizationData[0].AuthorizationToken))
}

// DecodeECRToken splits ECR's base64 "user:password" token.
func DecodeECRToken(tok string) (string, string, error) {
	raw, err := base64.StdEncoding.DecodeString(tok)
	if err != nil {
		return "", "", fmt.Errorf("ECR authorization token is not base64: %w", err)
	}
	user, pass, ok := strings.Cut(string(raw), ":")
	if !ok || user == "" || pass == "" {
		return "", "", fmt.Errorf("ECR authorization token is not user:password")
	}
	return user, pass, nil
}

// Ambient is the keychain the release copies with: ECR through the AWS SDK's default
// credential chain, Artifact Registry through Google's application default credentials
// (or gcloud), anything else through ~/.docker/config.json.
func Ambient(ctx context.Context) authn.Keychain {
	return authn.NewMultiKeychain(
		&ECRKeychain{Ctx: ctx, Tokens: SDKTokens{}},
		google.Keychain,
		authn.DefaultKeychain,
	)
}
