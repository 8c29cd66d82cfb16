package smoketest

import (
	"fmt"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/sgraph-ai/sgraph-send-infra/outputs"
)

// ReplayS3URLEnv names a running user app with S3 storage (the image with
// SEND__STORAGE_MODE=s3 on LocalStack or MinIO; CI's local-stack job starts
// one): the recorded s3 cases, which the fake cannot model, replay against it.
const ReplayS3URLEnv = "SGRAPH_SEND_REPLAY_S3_URL"

// TestReplayS3Recording replays the recording's config.storage=s3 cases, in
// file order, against the app at $SGRAPH_SEND_REPLAY_S3_URL. Without it the
// test is skipped by name (CI runs it where Docker is).
func TestReplayS3Recording(t *testing.T) {
	base := os.Getenv(ReplayS3URLEnv)
	if base == "" {
		t.Skipf("%s unset: no app on an S3 emulator to replay the s3 cases against (CI's local-stack job sets it)", ReplayS3URLEnv)
	}
	path := recordingPath(t)
	rec, err := LoadRecording(path)
	if err != nil {
		t.Fatal(err)
	}
	fails, n := replayS3(base, rec)
	for _, f := range fails {
		t.Error(f)
	}
	if n == 0 {
		t.Fatal("the recording holds no s3 case")
	}
	t.Logf("replayed %d s3 case(s) against %s", n, base)
}

// replayS3 sends every s3 case in file order to base and returns one line per
// case that did not answer as recorded.
func replayS3(base string, rec *Recording) (fails []string, n int) {
	rp := &replayer{base: base, client: noRedirect(), ids: map[string]string{}, uploaded: map[string][]byte{}}
	for _, c := range rec.Cases {
		if c.Config.Storage != "s3" {
			continue
		}
		n++
		if err := rp.run(c); err != nil {
			fails = append(fails, fmt.Sprintf("case %s: %v", c.ID, err))
		}
	}
	return fails, n
}

// The replay against a URL can fail: the fake user app with a broken
// download answers other bytes than the recording's round trip.
func TestReplayS3CatchesABrokenApp(t *testing.T) {
	path := recordingPath(t)
	if _, err := os.Stat(path); err != nil {
		t.Skipf("%s absent", path)
	}
	rec, err := LoadRecording(path)
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		faults   Faults
		wantFail bool
	}{
		"the fake as recorded": {Faults{}, false},
		"corrupt download":     {Faults{CorruptDownload: true}, true},
	} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(NewApp(outputs.UserAPI, tc.faults))
			defer srv.Close()
			fails, n := replayS3(srv.URL, rec)
			if n != 9 {
				t.Errorf("%d s3 cases, want the 9 recorded", n)
			}
			if got := len(fails) > 0; got != tc.wantFail {
				t.Errorf("failures %q, want failing=%v", fails, tc.wantFail)
			}
		})
	}
}
