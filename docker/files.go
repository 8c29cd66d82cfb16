// Package docker holds the image's build context. This file only exposes the
// Python modules and logging config that EC2 runs too (components/ec2 ships
// them in user data), so both targets run the same redirect and JSON logging
// code. The .dockerignore keeps this file out of the image.
package docker

import _ "embed"

// EntryPy is sgraph_entry.py: app factories and the UI redirect layer.
//
//go:embed sgraph_entry.py
var EntryPy string

// LoggingPy is sgraph_logging.py: JSON log lines with the request id.
//
//go:embed sgraph_logging.py
var LoggingPy string

// LogConfig is log_config.json, uvicorn's --log-config.
//
//go:embed log_config.json
var LogConfig string
