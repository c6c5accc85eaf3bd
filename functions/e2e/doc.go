// Package e2e runs the real Lambda bootstraps of the pipeline stages under
// the AWS Lambda Runtime Interface Emulator (RIE): each stage binary is
// built for the host, started by the emulator with nothing but its
// environment variables, and invoked through the Lambda invoke API, against
// dynalite (a DynamoDB-protocol server) and gofakes3 (S3 objects). The test
// files are Linux-only, like the emulator; this file only names the package.
//
// The emulator is pinned in testdata/rie/go.mod, a module of its own built
// with GOWORK=off: it needs go >= 1.26.6, which would otherwise raise the go
// line of functions/go.mod (and so of go.work) for a test tool.
package e2e
