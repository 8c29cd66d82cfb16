package policy

import (
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
)

// appEnvOf says where each compute type carries the app's plain environment.
// Adding a compute type that runs the app means one entry here.
var appEnvOf = map[string]func(res *bench.Resource) map[string]string{
	"aws:lambda/function:Function": func(res *bench.Resource) map[string]string {
		vars, _ := res.Plain("environment.variables").(map[string]any)
		return stringMap(vars)
	},
	"aws:ecs/taskDefinition:TaskDefinition": func(res *bench.Resource) map[string]string {
		var defs []struct {
			Environment []struct{ Name, Value string } `json:"environment"`
		}
		out := map[string]string{}
		if json.Unmarshal([]byte(res.Str("containerDefinitions")), &defs) != nil {
			return out
		}
		for _, d := range defs {
			for _, e := range d.Environment {
				out[e.Name] = e.Value
			}
		}
		return out
	},
	// EC2 user data renders the app environment as NAME=value lines inside
	// SGRAPH_SEND_APP_ENV='...' (components/ec2/userdata.go).
	"aws:ec2/instance:Instance": func(res *bench.Resource) map[string]string {
		out := map[string]string{}
		for _, m := range userDataEnv.FindAllStringSubmatch(InstanceUserData(res), -1) {
			out[m[1]] = m[2]
		}
		return out
	},
	"gcp:cloudrunv2/service:Service": func(res *bench.Resource) map[string]string {
		out := map[string]string{}
		containers, _ := res.Plain("template.containers").([]any)
		for _, c := range containers {
			cm, _ := c.(map[string]any)
			envs, _ := cm["envs"].([]any)
			for _, e := range envs {
				em, _ := e.(map[string]any)
				if n, ok := em["name"].(string); ok {
					if v, ok := em["value"].(string); ok {
						out[n] = v
					}
				}
			}
		}
		return out
	},
}

var userDataEnv = regexp.MustCompile(`(?m)(?:^|')([A-Z][A-Z0-9_]*)=([^'\n]*)`)

func stringMap(m map[string]any) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return out
}

// DurableStorageInProd: every prod app process keeps transfers where a
// restart, a new revision or scale to zero cannot lose them: s3, or disk
// mode on a mounted Cloud Storage bucket (Cloud Run). memory never is; disk
// without a durable mount is the instance's own (or in-memory) filesystem.
var DurableStorageInProd = Rule{Name: "durable-storage-in-prod", Check: func(r *bench.Result) []Finding {
	prod := r.Config["sgraph-send:environment"] == "prod"
	modeKey, pathKey := storageEnvNames(r)
	var out []Finding
	for _, res := range r.Resources {
		envOf, ok := appEnvOf[res.Type]
		if !ok {
			continue
		}
		env := envOf(res)
		mode, set := env[modeKey]
		var problem string
		switch {
		case !set:
			problem = fmt.Sprintf("%s is not set: the app then picks its storage itself", modeKey)
		case mode == "s3":
		case mode == "disk":
			if mount := durableMountFor(res, env[pathKey]); mount == "" {
				problem = fmt.Sprintf("disk storage at %q is not on a durable mount (a Cloud Storage volume); it is lost on restart", env[pathKey])
			}
		default:
			problem = fmt.Sprintf("%s=%s keeps transfers in one process's memory; they are lost on restart", modeKey, mode)
		}
		switch {
		case problem == "":
			out = append(out, pass(res, fmt.Sprintf("storage %s survives a restart", mode)))
		case prod:
			out = append(out, fail(res, "prod: "+problem))
		default:
			out = append(out, pass(res, "dev, allowed: "+problem))
		}
	}
	return out
}}

// storageEnvNames are the app's storage variables, honouring appContract.
func storageEnvNames(r *bench.Result) (mode, diskPath string) {
	mode, diskPath = "SEND__STORAGE_MODE", "SEND__DISK_PATH"
	var c struct {
		Env struct {
			StorageMode string `json:"storageMode"`
			DiskPath    string `json:"diskPath"`
		} `json:"env"`
	}
	if raw := r.Config["sgraph-send:appContract"]; raw != "" && json.Unmarshal([]byte(raw), &c) == nil {
		if c.Env.StorageMode != "" {
			mode = c.Env.StorageMode
		}
		if c.Env.DiskPath != "" {
			diskPath = c.Env.DiskPath
		}
	}
	return mode, diskPath
}

// durableMountFor returns the Cloud Storage volume whose mount holds dir, or
// "" when there is none (only Cloud Run services mount volumes here).
func durableMountFor(res *bench.Resource, dir string) string {
	if res.Type != "gcp:cloudrunv2/service:Service" || dir == "" {
		return ""
	}
	gcsVolumes := map[string]string{}
	volumes, _ := res.Plain("template.volumes").([]any)
	for _, v := range volumes {
		vm, _ := v.(map[string]any)
		gcs, _ := vm["gcs"].(map[string]any)
		name, _ := vm["name"].(string)
		bucket, _ := gcs["bucket"].(string)
		if readOnly, _ := gcs["readOnly"].(bool); bucket != "" && !readOnly {
			gcsVolumes[name] = bucket
		}
	}
	containers, _ := res.Plain("template.containers").([]any)
	for _, c := range containers {
		cm, _ := c.(map[string]any)
		mounts, _ := cm["volumeMounts"].([]any)
		for _, m := range mounts {
			mm, _ := m.(map[string]any)
			name, _ := mm["name"].(string)
			at, _ := mm["mountPath"].(string)
			clean := path.Clean(dir)
			if bucket, ok := gcsVolumes[name]; ok && at != "" && (clean == at || strings.HasPrefix(clean, at+"/")) {
				return bucket
			}
		}
	}
	return ""
}

// mountedBucketGrant reports whether grant g is objectUser on a Cloud Storage
// bucket that svc mounts: the one grant beyond its secrets a Cloud Run service
// account may hold.
func mountedBucketGrant(svc *bench.Resource, token string, g *bench.Resource) bool {
	if token != "gcp:storage/bucketIAMMember:BucketIAMMember" || g.Str("role") != "roles/storage.objectUser" {
		return false
	}
	volumes, _ := svc.Plain("template.volumes").([]any)
	for _, v := range volumes {
		vm, _ := v.(map[string]any)
		gcs, _ := vm["gcs"].(map[string]any)
		if b, _ := gcs["bucket"].(string); b != "" && b == g.Str("bucket") {
			return true
		}
	}
	return false
}
