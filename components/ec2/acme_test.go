package ec2_test

import (
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/components/ec2"
)

// acmeScript is the run-mode script of an instance with a name in a zone.
func acmeScript(mode string) ec2.Script {
	return ec2.Script{Mode: mode, Version: "0.27.6", Port: 8080, HealthPath: "/info/health", Region: "eu-west-2",
		Domain: "ec2.send.example.org", AcmeServer: ec2.AcmeProduction}
}

// TestScriptWithDomainRenders: the header carries the name and the ACME
// server, the script parses, and the renewal units it writes renew that
// certificate on a timer and reload nginx.
func TestScriptWithDomainRenders(t *testing.T) {
	sh := bash(t)
	run := acmeScript("run").Render()
	assert.Contains(t, run, "SGRAPH_SEND_DOMAIN='ec2.send.example.org'\n")
	assert.Contains(t, run, "SGRAPH_SEND_ACME_SERVER='"+ec2.AcmeProduction+"'\n")
	out, err := exec.Command(sh, "-n", writeScript(t, run)).CombinedOutput()
	require.NoError(t, err, "bash -n: %s", out)

	out, err = exec.Command(sh, writeScript(t, acmeScript("renewal").Render())).CombinedOutput()
	require.NoError(t, err, "%s", out)
	units := string(out)
	for _, want := range []string{
		"Description=Renew the SGraph Send certificate for ec2.send.example.org",
		`Environment="AWS_DEFAULT_REGION=eu-west-2"`,
		"ExecStart=/opt/sgraph-send/certbot/bin/certbot renew --quiet --cert-name sgraph-send",
		`--deploy-hook "systemctl try-reload-or-restart nginx.service"`,
		"OnCalendar=*-*-* 00,12:00:00",
		"Persistent=true",
		"WantedBy=timers.target",
	} {
		assert.Contains(t, units, want)
	}
}

// TestScriptWithoutDomainSaysNothingOfACME: no domain, no ACME header.
func TestScriptWithoutDomainSaysNothingOfACME(t *testing.T) {
	s := acmeScript("run")
	s.Domain, s.AcmeServer = "", ""
	assert.NotContains(t, s.Render(), "SGRAPH_SEND_DOMAIN=")
	assert.NotContains(t, s.Render(), "SGRAPH_SEND_ACME_SERVER=")
}

// TestScriptRefusesBadACMEInput: the boot script checks what it hands certbot.
func TestScriptRefusesBadACMEInput(t *testing.T) {
	sh := bash(t)
	for name, edit := range map[string]func(*ec2.Script){
		"uppercase name":   func(s *ec2.Script) { s.Domain = "EC2.example.org" },
		"injected name":    func(s *ec2.Script) { s.Domain = "a.example.org --dry-run" },
		"plain http ACME":  func(s *ec2.Script) { s.AcmeServer = "http://acme.example.org/directory" },
		"no ACME server":   func(s *ec2.Script) { s.AcmeServer = "" },
		"single label":     func(s *ec2.Script) { s.Domain = "localhost" },
		"quote in the URL": func(s *ec2.Script) { s.AcmeServer = `https://a.example.org/"x` },
	} {
		s := acmeScript("renewal")
		edit(&s)
		out, err := exec.Command(sh, writeScript(t, s.Render())).CombinedOutput()
		assert.Error(t, err, name)
		assert.Contains(t, string(out), "ERROR:", name)
	}
}
