package main

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/sgraph-ai/sgraph-send-infra/internal/pipeline"
)

func TestBakeRefusesProdAndPublishesNothing(t *testing.T) {
	st := &pipeline.FakeStack{StackName: "prod", Conf: map[string]string{"sgraph-send:environment": "prod", "aws:region": "eu-west-2"}}
	oldOpen, oldPub := openStack, newPublisher
	published := 0
	openStack = func(context.Context, string, string, io.Writer) (pipeline.Stack, error) { return st, nil }
	newPublisher = func(string) pipeline.Publisher { return publisherFunc(func() { published++ }) }
	t.Cleanup(func() { openStack, newPublisher = oldOpen, oldPub })
	var out, errb strings.Builder
	if got := run(context.Background(), []string{"-stack", "prod"}, &out, &errb); got != 2 {
		t.Fatalf("exit %d, want 2\n%s", got, out.String())
	}
	if !strings.Contains(out.String(), "refused") || published != 0 || len(st.Ups()) != 0 {
		t.Errorf("output %q, published %d, ups %v", out.String(), published, st.Ups())
	}
}

type publisherFunc func()

func (f publisherFunc) Publish(context.Context, string, string) error { f(); return nil }
