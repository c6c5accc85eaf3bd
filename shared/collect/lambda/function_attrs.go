package lambda

import (
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"
)

// functionAttrs reads a function's attributes from its listing; fields
// Lambda did not report are left out.
func functionAttrs(fn lambdatypes.FunctionConfiguration, now time.Time) map[string]any {
	a := map[string]any{
		"name":            aws.ToString(fn.FunctionName),
		"architecture":    string(lambdatypes.ArchitectureX8664), // Lambda's default when none is listed
		"code_size_bytes": fn.CodeSize,
		"role":            aws.ToString(fn.Role),
	}
	if len(fn.Architectures) > 0 {
		a["architecture"] = string(fn.Architectures[0])
	}
	if fn.Runtime != "" {
		rt := string(fn.Runtime)
		deprecated, date, known := Deprecated(rt, now)
		a["runtime"], a["runtime_deprecated"] = rt, deprecated
		if known {
			a["runtime_deprecation_date"] = date.Format(time.RFC3339)
		}
	}
	if fn.PackageType != "" {
		a["package_type"] = string(fn.PackageType)
	}
	if fn.MemorySize != nil {
		a["memory_mb"] = int(*fn.MemorySize)
	}
	if fn.Timeout != nil {
		a["timeout_seconds"] = int(*fn.Timeout)
	}
	if fn.EphemeralStorage != nil && fn.EphemeralStorage.Size != nil {
		a["ephemeral_storage_mb"] = int(*fn.EphemeralStorage.Size)
	}
	if h := aws.ToString(fn.Handler); h != "" {
		a["handler"] = h
	}
	if lm, err := time.Parse(lastModifiedLayout, aws.ToString(fn.LastModified)); err == nil {
		a["last_modified"] = lm.UTC().Format(time.RFC3339)
	}
	return a
}

// notFound reports a function deleted since it was listed: it no longer
// exists, so there is nothing to record.
func notFound(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == "ResourceNotFoundException"
}
