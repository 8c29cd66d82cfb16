package smoke

// Redact replaces every secret in s as the harness redacts its reasons, for
// other tools (cmd/logs) that print text an app may have echoed a secret into.
func Redact(s string, secrets ...string) string { return newRedactor(secrets...).String(s) }
