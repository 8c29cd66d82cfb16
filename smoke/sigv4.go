package smoke

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/config"
)

// signingService is the SigV4 service name of Lambda Function URLs.
const signingService = "lambda"

// credentialSource resolves the AWS credentials once per run, and only if an
// IAM target is actually checked: a run against public targets must not need
// (or probe for) an AWS identity.
type credentialSource struct {
	once     sync.Once
	given    aws.CredentialsProvider
	region   string
	provider aws.CredentialsProvider
	err      error
}

func (c *credentialSource) get(ctx context.Context) (aws.CredentialsProvider, error) {
	c.once.Do(func() {
		if c.given != nil {
			c.provider = aws.NewCredentialsCache(c.given)
			return
		}
		cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(c.region))
		if err != nil {
			c.err = fmt.Errorf("loading the AWS credential chain: %w", err)
			return
		}
		c.provider = cfg.Credentials
	})
	return c.provider, c.err
}

// sign adds a SigV4 Authorization for service lambda to req. The payload
// hash covers the exact body bytes, which the Function URL verifies.
func (t *targetRun) sign(ctx context.Context, req *http.Request, body []byte) error {
	prov, err := t.creds.get(ctx)
	if err != nil {
		return err
	}
	if prov == nil {
		return fmt.Errorf("no AWS credentials provider to sign requests for an IAM-protected target")
	}
	creds, err := prov.Retrieve(ctx)
	if err != nil {
		return fmt.Errorf("retrieving AWS credentials to sign the request: %w", err)
	}
	sum := sha256.Sum256(body)
	return v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), signingService, t.region, time.Now().UTC())
}
