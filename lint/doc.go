// Package lint is the engine of smarthost-lint: findings, severities, the
// rule registry, the file model (positions, secrets, comments), configuration,
// inline suppressions and the driver that detects file kinds, walks
// directories, loads each MTA's setup through its Frontend and runs the rules.
//
// Run lints files and directories, RunSource a buffer; both return a Result
// whose Findings are sorted and deterministic. When configurations of more
// than one MTA are linted together, the engine reports GEN010 and, when the
// system under Options.Root says which MTA is active, downgrades the
// others' findings to info (active.go).
//
// Fixes: a Finding may carry a Fix (byte-range edits). PlanFixes applies
// them in memory, WriteFixes writes them to disk atomically through an
// AtomicWriter (fix.go, write.go).
//
// lint never prints and never exits; formatters live in lint/output and the
// command line in internal/cli. MTA support plugs in from outside through the
// Frontend and Rule types, so lint imports no parser or rule package.
package lint
