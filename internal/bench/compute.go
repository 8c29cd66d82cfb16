package bench

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Env is what the per-type mocks know about a run: the regions and the GCP
// project of the stack.
type Env = env

// EnvFor derives the mocks' Env from a stack's fully qualified config
// (aws:region, gcp:region, gcp:project), with the bench's defaults.
func EnvFor(cfg map[string]string) Env {
	e := env{Region: cfg["aws:region"], GcpRegion: cfg["gcp:region"], GcpProj: cfg["gcp:project"]}
	if e.Region == "" {
		e.Region = "eu-west-2"
	}
	if e.GcpProj == "" {
		e.GcpProj = GcpProject
	}
	if e.GcpRegion == "" {
		e.GcpRegion = "europe-west2"
	}
	return e
}

// Compute is the one source of truth for what a created resource looks like:
// the id and output state of a resource of type token named name with these
// inputs. pulumi.WithMocks (the bench) and the fake providers the real engine
// attaches to (internal/fakeprovider) both call it. inputs is not modified.
func Compute(e Env, token, name string, inputs resource.PropertyMap) (string, resource.PropertyMap) {
	state := inputs.Copy()
	if f, ok := resourceMocks[token]; ok {
		return f(e, name, inputs, state), state
	}
	return defaultMock(e, token, name, state), state
}

// Invoke answers a provider function (data source) call from the per-type
// mocks; a function with no mock is an error naming it.
func Invoke(e Env, token string, args resource.PropertyMap) (resource.PropertyMap, error) {
	f, ok := callMocks[token]
	if !ok {
		return nil, fmt.Errorf("no mock for function %s; add one with mockCall in internal/bench", token)
	}
	return f(e, args)
}
