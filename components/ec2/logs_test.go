package ec2_test

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/components/ec2"
)

// The rendered script's logconfig mode prints the CloudWatch agent config the
// run mode installs: valid JSON shipping the app's journal copy and nginx's
// access and error logs to the group from the header.
func TestAgentConfigShipsAppAndNginxLogs(t *testing.T) {
	sh := bash(t)
	s := ec2.Script{Mode: "logconfig", Version: "0.27.6", LogGroup: "/sgraph-send/dev/ec2"}
	out, err := exec.Command(sh, writeScript(t, s.Render())).Output()
	require.NoError(t, err)
	var cfg struct {
		Logs struct {
			LogsCollected struct {
				Files struct {
					CollectList []map[string]string `json:"collect_list"`
				} `json:"files"`
			} `json:"logs_collected"`
		} `json:"logs"`
	}
	require.NoError(t, json.Unmarshal(out, &cfg), "%s", out)
	files := map[string]string{}
	for _, f := range cfg.Logs.LogsCollected.Files.CollectList {
		assert.Equal(t, "/sgraph-send/dev/ec2", f["log_group_name"])
		assert.True(t, strings.HasPrefix(f["log_stream_name"], "{instance_id}/"), f["log_stream_name"])
		files[f["file_path"]] = f["log_stream_name"]
	}
	assert.Equal(t, map[string]string{
		"/var/log/sgraph-send.log":  "{instance_id}/sgraph-send.log",
		"/var/log/nginx/access.log": "{instance_id}/access.log",
		"/var/log/nginx/error.log":  "{instance_id}/error.log",
	}, files)

	bad := ec2.Script{Mode: "logconfig", Version: "0.27.6", LogGroup: "/x'; rm -rf /"}
	out, err = exec.Command(sh, writeScript(t, bad.Render())).CombinedOutput()
	assert.Error(t, err, "a log group name that is not one is refused")
	assert.Contains(t, string(out), "ERROR:")
}

// Both install paths get the agent; run configures it only with a group.
func TestInstallScriptInstallsTheAgentInBakeAndRun(t *testing.T) {
	script := ec2.InstallScript()
	main := script[strings.Index(script, "\nmain() {"):]
	bake := main[strings.Index(main, "\tbake)"):strings.Index(main, "\trun)")]
	run := main[strings.Index(main, "\trun)"):strings.Index(main, "\tsecrets)")]
	assert.Contains(t, bake, "install_log_agent")
	assert.Contains(t, run, "install_log_agent")
	assert.Contains(t, run, "configure_log_agent")
	assert.Contains(t, script, "amazon-cloudwatch-agent", "the AL2023 package")
	rendered := ec2.Script{Mode: "run", Version: "0.27.6", Region: "eu-west-2", LogGroup: "/g"}.Render()
	assert.Contains(t, rendered, "SGRAPH_SEND_LOG_GROUP='/g'")
}
