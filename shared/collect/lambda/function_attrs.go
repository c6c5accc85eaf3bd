package lambda

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
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

// denied reports a call the member role may not make (an SCP, a permissions
// boundary): the data is unknown, the function is still recorded.
func denied(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && (ae.ErrorCode() == "AccessDeniedException" || ae.ErrorCode() == "AccessDenied")
}

// policyAttrs records a function's resource-based policy: it has one, and
// whether it lets anyone invoke the function (policy_public is left out
// when the document cannot be read).
func policyAttrs(a map[string]any, doc string) {
	a["has_resource_policy"] = true
	if public, err := policyPublic(doc); err == nil {
		a["policy_public"] = public
	}
}

// policyPublic reports whether a resource-based policy has a statement that
// allows any principal ("*", {"AWS": "*"} or {"AWS": ["*"]}) without a
// condition that narrows the callers to a source, an account or an
// organization. The statement Lambda adds for a function URL with auth type
// NONE is such a statement; one that requires IAM-authenticated URL calls
// (lambda:FunctionUrlAuthType AWS_IAM) is not.
func policyPublic(doc string) (bool, error) {
	var p struct {
		Statement policyStatements
	}
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		return false, err
	}
	for _, st := range p.Statement {
		if strings.EqualFold(st.Effect, "Allow") && anyPrincipal(st.Principal) && !narrowed(st.Condition) {
			return true, nil
		}
	}
	return false, nil
}

type policyStatement struct {
	Effect    string
	Principal json.RawMessage
	Condition map[string]map[string]json.RawMessage
}

// policyStatements reads a Statement given as one object or a list of them.
type policyStatements []policyStatement

func (s *policyStatements) UnmarshalJSON(b []byte) error {
	var one policyStatement
	if err := json.Unmarshal(b, &one); err == nil {
		*s = policyStatements{one}
		return nil
	}
	var many []policyStatement
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*s = many
	return nil
}

// stringOrList reads a policy value given as a string or a list of strings.
func stringOrList(raw json.RawMessage) []string {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	var many []string
	if json.Unmarshal(raw, &many) == nil {
		return many
	}
	return nil
}

func anyPrincipal(raw json.RawMessage) bool {
	if len(raw) == 0 {
		return false // NotPrincipal or no principal: not a grant to everyone
	}
	var byType map[string]json.RawMessage
	if json.Unmarshal(raw, &byType) != nil {
		for _, p := range stringOrList(raw) {
			if p == "*" {
				return true
			}
		}
		return false
	}
	for typ, v := range byType {
		if !strings.EqualFold(typ, "AWS") {
			continue
		}
		for _, p := range stringOrList(v) {
			if p == "*" {
				return true
			}
		}
	}
	return false
}

// narrowingKeys are the condition keys that confine a grant to a source,
// an account or an organization (compared without case: Lambda writes
// "AWS:SourceArn").
var narrowingKeys = map[string]bool{
	"aws:sourcearn": true, "aws:sourceaccount": true, "aws:sourceowner": true,
	"aws:principalorgid": true, "aws:principalorgpaths": true,
	"aws:principalaccount": true, "aws:principalarn": true,
}

// narrowingOperators are the positive matches; a negated operator or an
// IfExists one (true when the key is absent, as it is on a direct call)
// narrows nothing.
var narrowingOperators = map[string]bool{
	"stringequals": true, "stringequalsignorecase": true, "stringlike": true,
	"arnequals": true, "arnlike": true,
}

// narrowed reports whether a statement's condition confines its callers.
// A value that is only "*" matches anyone.
func narrowed(cond map[string]map[string]json.RawMessage) bool {
	for op, keys := range cond {
		base := strings.ToLower(op)
		if i := strings.Index(base, ":"); i >= 0 { // ForAnyValue:, ForAllValues:
			base = base[i+1:]
		}
		if !narrowingOperators[base] {
			continue
		}
		for key, raw := range keys {
			vals := stringOrList(raw)
			if len(vals) == 0 || slices.Contains(vals, "*") {
				continue
			}
			k := strings.ToLower(key)
			if narrowingKeys[k] {
				return true
			}
			if k == "lambda:functionurlauthtype" && allEqualFold(vals, "AWS_IAM") {
				return true
			}
		}
	}
	return false
}

func allEqualFold(xs []string, v string) bool {
	for _, x := range xs {
		if !strings.EqualFold(x, v) {
			return false
		}
	}
	return true
}
