package smoketest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// Static fake credentials: the signer and the front below share them, and
// nothing ever leaves loopback.
var Creds = aws.Credentials{
	AccessKeyID:     "AKIASMOKETESTFAKE000",
	SecretAccessKey: "smoke/test/fake/secret/key/0000000000000",
	Source:          "test",
}

const Region = "eu-west-2"

// StaticCreds provides c, never touching the AWS credential chain.
func StaticCreds(c aws.Credentials) aws.CredentialsProvider {
	return aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) { return c, nil })
}

// IAMFront plays the Lambda Function URL with AWS_IAM auth: it answers 403
// before the app runs unless the request carries a valid SigV4 signature for
// service lambda in region, made with creds. It verifies by re-signing the
// request, restricted to the headers the client declared signed, with the
// same signer, date and body hash, and comparing the Authorization headers.
func IAMFront(next http.Handler, creds aws.Credentials, region string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := VerifySigV4(r, creds, region); err != nil {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("x-amzn-ErrorType", "AccessDeniedException")
			w.WriteHeader(http.StatusForbidden)
			_, _ = io.WriteString(w, `{"Message":"Forbidden"}`)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// VerifySigV4 reports why r is not validly signed for service lambda, or nil.
func VerifySigV4(r *http.Request, creds aws.Credentials, region string) error {
	auth := r.Header.Get("Authorization")
	if auth == "" {
		return errors.New("unsigned")
	}
	const alg = "AWS4-HMAC-SHA256 "
	if !strings.HasPrefix(auth, alg) {
		return errors.New("not SigV4")
	}
	fields := map[string]string{}
	for _, part := range strings.Split(strings.TrimPrefix(auth, alg), ", ") {
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			return errors.New("bad Authorization")
		}
		fields[k] = v
	}
	scope := strings.Split(fields["Credential"], "/")
	if len(scope) != 5 || scope[0] != creds.AccessKeyID || scope[2] != region || scope[3] != "lambda" || scope[4] != "aws4_request" {
		return fmt.Errorf("bad credential scope %q", fields["Credential"])
	}
	when, err := time.Parse("20060102T150405Z", r.Header.Get("X-Amz-Date"))
	if err != nil {
		return errors.New("bad X-Amz-Date")
	}
	if d := time.Since(when); d > 5*time.Minute || d < -5*time.Minute {
		return errors.New("signature expired")
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return err
	}
	r.Body = io.NopCloser(bytes.NewReader(body))

	clone, err := http.NewRequestWithContext(r.Context(), r.Method, "http://"+r.Host+r.URL.RequestURI(), nil)
	if err != nil {
		return err
	}
	for _, h := range strings.Split(fields["SignedHeaders"], ";") {
		switch h {
		case "host":
		case "content-length":
			clone.ContentLength = r.ContentLength
		default:
			clone.Header[http.CanonicalHeaderKey(h)] = r.Header.Values(h)
		}
	}
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(r.Context(), creds, clone, hex.EncodeToString(sum[:]), "lambda", region, when); err != nil {
		return err
	}
	if subtle.ConstantTimeCompare([]byte(clone.Header.Get("Authorization")), []byte(auth)) != 1 {
		return errors.New("signature mismatch")
	}
	return nil
}
