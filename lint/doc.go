// Package lint is the engine of smarthost-lint: findings, severities, the
// rule registry, the file model (positions, secrets, comments), configuration,
// inline suppressions and the driver that detects file kinds, walks
// directories, loads each MTA's setup through its Frontend and runs the rules.
//
// lint never prints and never exits; formatters live in lint/output and the
// command line in internal/cli. MTA support plugs in from outside through the
// Frontend and Rule types, so lint imports no parser or rule package.
package lint
