package ec2

import (
	_ "embed"
	"fmt"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/sgraph-ai/sgraph-send-infra/components/appspec"
	"github.com/sgraph-ai/sgraph-send-infra/docker"
)

// installScript is install.sh, the one script user data and the Image Builder
// component both run. It reads its inputs from SGRAPH_SEND_* variables, so it
// stays a plain script that bash -n and shellcheck check on its own.
//
//go:embed install.sh
var installScript string

// acmeScript is acme.sh: the certbot functions install.sh calls when the
// instance has a name (SGRAPH_SEND_DOMAIN); rendered in only then, so the
// script stays small where it is not needed (the bake, no domain).
//
//go:embed acme.sh
var acmeScript string

// InstallScript returns install.sh as embedded (for tests and tools).
func InstallScript() string { return installScript }

// Script is what the install script is told: rendered as a header of shell
// assignments in front of the script. It never holds a secret value: secrets
// are named by their SSM parameter and fetched on the instance.
type Script struct {
	Mode         string            // run or bake (see install.sh)
	Version      string            // sgraph-ai-app-send version
	Port         int               // loopback port of uvicorn
	HealthPath   string            // GET route answering 200
	Region       string            // AWS region
	AppEnv       map[string]string // plain app environment
	SecretParams map[string]string // env var name -> SSM SecureString parameter name
	TLSParameter string            // SSM prefix of cert/key, "" for self-signed
	Domain       string            // name to obtain an ACME certificate for, "" for none
	AcmeServer   string            // ACME directory URL, with Domain
	LogGroup     string            // CloudWatch log group the agent ships to, "" for none
	// HealthAuth: header -> secret variable whose value the readiness checks
	// send, read on the instance from the secrets file (never a value here).
	HealthAuth map[string]string
	// NoAppFiles leaves out the image's Python modules and log config
	// (docker/): the bake installs packages only, and run mode writes them.
	NoAppFiles bool
}

// Render returns the runnable script: shebang, header, then install.sh
// without its own shebang and comment lines (see stripComments).
func (s Script) Render() string {
	var b strings.Builder
	b.WriteString("#!/bin/bash\n")
	b.WriteString("# SGraph Send on EC2, rendered by Pulumi (components/ec2) from install.sh.\n")
	b.WriteString("# No secret values here: SGRAPH_SEND_SECRET_PARAMS names SSM parameters read at start.\n")
	assign := func(name, value string) {
		fmt.Fprintf(&b, "SGRAPH_SEND_%s=%s\n", name, shellQuote(value))
	}
	assign("MODE", s.Mode)
	assign("VERSION", s.Version)
	if s.Port != 0 {
		assign("PORT", fmt.Sprint(s.Port))
	}
	if s.HealthPath != "" {
		assign("HEALTH_PATH", s.HealthPath)
	}
	if s.Region != "" {
		assign("REGION", s.Region)
	}
	if len(s.AppEnv) > 0 {
		assign("APP_ENV", lines(s.AppEnv))
	}
	if len(s.SecretParams) > 0 {
		assign("SECRET_PARAMS", lines(s.SecretParams))
	}
	if s.TLSParameter != "" {
		assign("TLS_PARAMETER", s.TLSParameter)
	}
	if s.Domain != "" {
		assign("DOMAIN", s.Domain)
		assign("ACME_SERVER", s.AcmeServer)
	}
	if s.LogGroup != "" {
		assign("LOG_GROUP", s.LogGroup)
	}
	if len(s.HealthAuth) > 0 {
		assign("HEALTH_AUTH", lines(s.HealthAuth))
	}
	if !s.NoAppFiles && s.Mode != "bake" {
		// The image's own files, so EC2 runs the same UI redirect layer
		// (SGRAPH_SEND_UI_REDIRECTS in AppEnv) and JSON logging.
		assign("ENTRY_PY", docker.EntryPy)
		assign("LOGGING_PY", docker.LoggingPy)
		assign("LOG_CONFIG", docker.LogConfig)
	}
	body := installScript
	if strings.HasPrefix(body, "#!") {
		if i := strings.IndexByte(body, '\n'); i >= 0 {
			body = body[i+1:]
		}
	}
	if s.Domain != "" {
		b.WriteString(stripComments(acmeScript))
	}
	b.WriteString(stripComments(body))
	return b.String()
}

// lines renders NAME=value pairs one per line, sorted so the user data (and so
// the instance) only changes when a value does.
func lines(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k + "=" + m[k]
	}
	return strings.Join(out, "\n")
}

// shellQuote single-quotes s for bash.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// script is the run-mode Script for the instance, with the app environment
// still to be resolved (the bucket name is an output).
func (a *ServerArgs) script(params *secretParameters) (Script, pulumi.StringMap) {
	return Script{
		Mode:         "run",
		Version:      a.Runtime.Version,
		Port:         a.Runtime.Port,
		HealthPath:   a.Runtime.HealthPath,
		Region:       a.Region,
		SecretParams: params.names,
		TLSParameter: a.TLSParameter,
		Domain:       a.acmeDomain(),
		AcmeServer:   a.acmeServer(),
		LogGroup:     a.LogGroupName,
		HealthAuth:   healthAuth(a.Runtime.HealthAuth),
	}, a.Runtime.Env
}

func healthAuth(hs []appspec.HeaderFromEnv) map[string]string {
	out := map[string]string{}
	for _, h := range hs {
		out[h.Header] = h.Env
	}
	return out
}

// renderUserData resolves the app environment, renders the script and
// encodes it (gzip.go): the result is the instance's userDataBase64.
func renderUserData(s Script, env pulumi.StringMap) pulumi.StringOutput {
	return env.ToStringMapOutput().ApplyT(func(resolved map[string]string) (string, error) {
		s.AppEnv = resolved
		out, size, err := EncodeUserData(s.Render())
		if err != nil {
			return "", fmt.Errorf("ec2: user data: %w", err)
		}
		if size > UserDataBudget {
			return "", fmt.Errorf("ec2: user data is %d bytes gzipped, over our budget of %d (EC2 allows %d)", size, UserDataBudget, userDataLimit)
		}
		return out, nil
	}).(pulumi.StringOutput)
}
