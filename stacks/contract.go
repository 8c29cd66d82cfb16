package stacks

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/sgraph-ai/sgraph-send-infra/components/appspec"
)

// AppContract holds the app's routes, header names and environment variable
// names. The defaults are the facts of ../shared/app-contract.md; the app moves
// fast, so every one can be overridden with the `appContract` config object.
type AppContract struct {
	Port              int      `json:"port"`
	HealthPath        string   `json:"healthPath"`
	AdminKeyHeader    string   `json:"adminKeyHeader"`
	UploadTokenHeader string   `json:"uploadTokenHeader"`
	Env               EnvNames `json:"env"`
	// ProbePath answers 200 without credentials: the ALB target group and the
	// Cloud Run probes use it, because they cannot carry the upload token.
	ProbePath string `json:"probePath"`
	// The user UI's broken entry and share paths, and the versioned pages the
	// image's redirect layer (docker/sgraph_entry.py) sends them to.
	UIEntryPath    string `json:"uiEntryPath"`
	UISharePath    string `json:"uiSharePath"`
	UIUploadPage   string `json:"uiUploadPage"`
	UIDownloadPage string `json:"uiDownloadPage"`
}

// EnvNames are the environment variable names the app reads.
type EnvNames struct {
	StorageMode   string `json:"storageMode"`
	S3Bucket      string `json:"s3Bucket"`
	DiskPath      string `json:"diskPath"`
	AdminKeyName  string `json:"adminKeyName"`
	AdminKeyValue string `json:"adminKeyValue"`
	AccessToken   string `json:"accessToken"`
}

// DefaultContract is the behaviour observed on SGraph Send v0.27.6.
func DefaultContract() AppContract {
	return AppContract{
		Port:              8080,
		HealthPath:        "/info/health",
		AdminKeyHeader:    "x-api-key",
		UploadTokenHeader: "x-sgraph-access-token",
		Env: EnvNames{
			StorageMode:   "SEND__STORAGE_MODE",
			S3Bucket:      "SEND__S3_BUCKET",
			DiskPath:      "SEND__DISK_PATH",
			AdminKeyName:  "FAST_API__AUTH__API_KEY__NAME",
			AdminKeyValue: "FAST_API__AUTH__API_KEY__VALUE",
			AccessToken:   "SGRAPH_SEND__ACCESS_TOKEN",
		},
		ProbePath:      "/auth/set-cookie-form",
		UIEntryPath:    "/",
		UISharePath:    "/en-gb/download/",
		UIUploadPage:   "/send/v0/v0.2/v0.2.0/en-gb/index.html",
		UIDownloadPage: "/send/v0/v0.2/v0.2.0/en-gb/download/index.html",
	}
}

func loadContract(r *reader) AppContract {
	c := DefaultContract()
	r.object("appContract", &c)
	if c.Port < 1024 || c.Port > 65535 {
		r.fail("appContract", itoa(c.Port), "port must be 1024..65535 (the image runs as a non-root user)")
	}
	validateContract(r, c) // paths, header and env names: contract_validate.go
	checkProxyPaths(r, c)  // contract_proxy.go
	return c
}

// Storage is how one target's app instances store transfers.
type Storage struct {
	Mode   string              // "s3", "disk" or "memory"
	Bucket pulumi.StringOutput // set for "s3"
	Path   string              // set for "disk"
}

// runtime builds the app runtime for one entry point. The storage mode is always
// set explicitly: unset, the app picks s3 whenever it finds AWS credentials.
func (c *Config) runtime(mode appspec.Mode, st Storage) appspec.Runtime {
	env := c.Contract.Env
	rt := appspec.Runtime{
		Mode:       mode,
		Version:    c.AppVersion,
		Port:       c.Contract.Port,
		HealthPath: c.Contract.HealthPath,
		ProbePath:  c.Contract.ProbePath,
		Env:        pulumi.StringMap{env.StorageMode: pulumi.String(st.Mode)},
		SecretEnv:  pulumi.StringMap{},
	}
	switch st.Mode {
	case "s3":
		rt.Env[env.S3Bucket] = st.Bucket
	case "disk":
		rt.Env[env.DiskPath] = pulumi.String(st.Path)
	}
	if mode == appspec.AdminAPI {
		rt.Env[env.AdminKeyName] = pulumi.String(c.Contract.AdminKeyHeader)
		rt.SecretEnv[env.AdminKeyValue] = c.Secrets.AdminKey
		rt.HealthAuth = []appspec.HeaderFromEnv{{Header: c.Contract.AdminKeyHeader, Env: env.AdminKeyValue}}
	} else {
		rt.SecretEnv[env.AccessToken] = c.Secrets.UploadToken
		rt.HealthAuth = []appspec.HeaderFromEnv{{Header: c.Contract.UploadTokenHeader, Env: env.AccessToken}}
	}
	if mode == appspec.Container {
		rt.UI = c.Contract.uiRoutes()
		// The image answers the redirects itself (docker/sgraph_entry.py), the
		// same on every target; no proxy rule is needed in front of it.
		if v := rt.UI.EnvValue(); v != "" {
			rt.Env[appspec.UIRedirectsEnv] = pulumi.String(v)
		}
	}
	return rt
}
