package ec2

// StripComments exposes stripComments to the external tests.
var StripComments = stripComments
