package smoke

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"os"
)

// JUnit XML, the shape CI systems (GitHub Actions reporters, GitLab,
// Jenkins) read: one testsuite per target, one testcase per check.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
	SystemErr string        `xml:"system-err,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

func seconds(d interface{ Seconds() float64 }) string { return fmt.Sprintf("%.3f", d.Seconds()) }

// WriteJUnit writes the report as JUnit XML.
func WriteJUnit(w io.Writer, rep *Report) error {
	doc := junitSuites{Name: "smoke", Time: seconds(rep.Duration)}
	if rep.Stack != "" {
		doc.Name = "smoke " + rep.Stack
	}
	index := map[string]int{}
	for _, r := range rep.Results {
		i, ok := index[r.Target]
		if !ok {
			i = len(doc.Suites)
			index[r.Target] = i
			doc.Suites = append(doc.Suites, junitSuite{Name: r.Target})
		}
		s := &doc.Suites[i]
		c := junitCase{Name: r.Check, ClassName: "smoke." + r.Target, Time: seconds(r.Duration)}
		switch r.Verdict {
		case Fail:
			c.Failure = &junitMessage{Message: r.Reason, Text: r.Reason}
			s.Failures++
		case Skip:
			c.Skipped = &junitMessage{Message: r.Reason}
			s.Skipped++
		case Warn:
			// JUnit has no warning state: the case passes and says so on
			// system-err, where CI reporters show it.
			c.SystemErr = "WARN: " + r.Reason
		default:
			c.SystemOut = r.Reason
		}
		s.Tests++
		s.Cases = append(s.Cases, c)
	}
	for i := range doc.Suites {
		s := &doc.Suites[i]
		var total float64
		for _, r := range rep.Results {
			if r.Target == s.Name {
				total += r.Duration.Seconds()
			}
		}
		s.Time = fmt.Sprintf("%.3f", total)
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Skipped += s.Skipped
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// WriteJSON writes the report as one indented JSON document.
func WriteJSON(w io.Writer, rep *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

// WriteJUnitFile writes the report's JUnit XML to path, for the commands'
// -junit flags.
func WriteJUnitFile(path string, rep *Report) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := WriteJUnit(f, rep); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
