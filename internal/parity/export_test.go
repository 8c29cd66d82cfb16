package parity

// ParseExceptions exposes the parser to the tests.
var ParseExceptions = parseExceptions
