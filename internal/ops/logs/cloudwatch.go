package logs

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
)

// FilterAPI is the one CloudWatch Logs call used (cloudwatchlogs.Client).
type FilterAPI interface {
	FilterLogEvents(ctx context.Context, in *cloudwatchlogs.FilterLogEventsInput, opts ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.FilterLogEventsOutput, error)
}

// Line is one log event.
type Line struct {
	Target  string    `json:"target"`
	Time    time.Time `json:"time"`
	Stream  string    `json:"stream,omitempty"`
	Message string    `json:"message"`
	id      string
}

// Fetch reads every event of src's group from since on, page by page, in
// time order.
func Fetch(ctx context.Context, api FilterAPI, src Source, since time.Time) ([]Line, error) {
	in := &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(src.Group), StartTime: aws.Int64(since.UnixMilli())}
	var out []Line
	for {
		page, err := api.FilterLogEvents(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("%s: FilterLogEvents %s: %w", src.Target, src.Group, err)
		}
		for _, e := range page.Events {
			out = append(out, Line{Target: src.Target, Time: time.UnixMilli(aws.ToInt64(e.Timestamp)).UTC(),
				Stream: aws.ToString(e.LogStreamName), Message: aws.ToString(e.Message), id: aws.ToString(e.EventId)})
		}
		if page.NextToken == nil || aws.ToString(page.NextToken) == aws.ToString(in.NextToken) {
			break
		}
		in.NextToken = page.NextToken
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Time.Before(out[j].Time) })
	return out, nil
}

// Follow polls every source every poll from since on and emits each event
// once, until ctx ends. CloudWatch delivers late events with their own
// timestamps, so each poll starts a little before the newest event seen and
// drops the event ids already emitted.
func Follow(ctx context.Context, api FilterAPI, srcs []Source, since time.Time, poll time.Duration, emit func(Line)) error {
	seen := map[string]bool{}
	from := map[string]time.Time{}
	for _, s := range srcs {
		from[s.Target] = since
	}
	for {
		for _, s := range srcs {
			lines, err := Fetch(ctx, api, s, from[s.Target])
			if err != nil {
				if ctx.Err() != nil {
					return nil
				}
				return err
			}
			for _, l := range lines {
				if seen[l.id] {
					continue
				}
				seen[l.id] = true
				emit(l)
				if l.Time.Add(-time.Minute).After(from[s.Target]) {
					from[s.Target] = l.Time.Add(-time.Minute)
				}
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(poll):
		}
	}
}
