package fakeorg

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

func lambdaHandlers() map[string]handler {
	return map[string]handler{
		"Lambda.ListFunctions":          lambdaListFunctions,
		"Lambda.ListTags":               lambdaListTags,
		"Lambda.ListFunctionUrlConfigs": lambdaListFunctionURLConfigs,
		"Lambda.GetPolicy":              lambdaGetPolicy,
	}
}

// lambdaLastModified is the format of Lambda's LastModified field.
const lambdaLastModified = "2006-01-02T15:04:05.000-0700"

// lambdaPageSize is smaller than Lambda's 50 so paginators page in tests.
const lambdaPageSize = 10

func lambdaListFunctions(o *Org, c *Call) (any, error) {
	_, r, err := o.regionOf(c)
	if err != nil {
		return nil, err
	}
	in := c.Input.(*lambda.ListFunctionsInput)
	if in.MaxItems != nil && (*in.MaxItems < 1 || *in.MaxItems > 10000) {
		return nil, apiError("InvalidParameterValueException", "MaxItems must be between 1 and 10000")
	}
	fns, next, err := page(r.Lambda.Functions, in.Marker, in.MaxItems, lambdaPageSize)
	if err != nil {
		return nil, apiError("InvalidParameterValueException", "Invalid marker")
	}
	out := &lambda.ListFunctionsOutput{NextMarker: next}
	for _, f := range fns {
		fc := lambdatypes.FunctionConfiguration{
			FunctionName:     aws.String(f.Name),
			FunctionArn:      aws.String(f.ARN),
			Role:             aws.String(f.Role),
			CodeSize:         f.CodeSize,
			CodeSha256:       aws.String(f.CodeSha256),
			Timeout:          aws.Int32(int32(f.TimeoutSec)),
			MemorySize:       aws.Int32(int32(f.MemoryMB)),
			LastModified:     aws.String(f.LastModified.UTC().Format(lambdaLastModified)),
			Version:          aws.String("$LATEST"),
			RevisionId:       aws.String(f.RevisionID),
			PackageType:      lambdatypes.PackageType(f.PackageType),
			Architectures:    []lambdatypes.Architecture{lambdatypes.Architecture(f.Architecture)},
			EphemeralStorage: &lambdatypes.EphemeralStorage{Size: aws.Int32(int32(f.EphemeralMB))},
			TracingConfig:    &lambdatypes.TracingConfigResponse{Mode: lambdatypes.TracingModePassThrough},
			LoggingConfig: &lambdatypes.LoggingConfig{LogFormat: lambdatypes.LogFormatText,
				LogGroup: aws.String("/aws/lambda/" + f.Name)},
		}
		if f.Runtime != "" {
			fc.Runtime = lambdatypes.Runtime(f.Runtime)
		}
		if f.Handler != "" {
			fc.Handler = aws.String(f.Handler)
		}
		if f.Description != "" {
			fc.Description = aws.String(f.Description)
		}
		out.Functions = append(out.Functions, fc)
	}
	return out, nil
}

// lambdaFunction finds a function of the caller's region by name, full
// ARN or partial ARN, or answers ResourceNotFoundException as Lambda does.
func (o *Org) lambdaFunction(c *Call, ref string) (*LambdaFunction, error) {
	_, r, err := o.regionOf(c)
	if err != nil {
		return nil, err
	}
	for _, f := range r.Lambda.Functions {
		if ref == f.Name || ref == f.ARN || strings.HasSuffix(f.ARN, ":"+ref) {
			return f, nil
		}
	}
	return nil, apiError("ResourceNotFoundException", fmt.Sprintf("Function not found: %s", ref))
}

func lambdaListTags(o *Org, c *Call) (any, error) {
	arn := aws.ToString(c.Input.(*lambda.ListTagsInput).Resource)
	if !strings.HasPrefix(arn, "arn:aws:lambda:") {
		return nil, apiError("ValidationException", fmt.Sprintf("1 validation error detected: Value '%s' at 'resource' failed to satisfy constraint", arn))
	}
	f, err := o.lambdaFunction(c, arn)
	if err != nil {
		return nil, err
	}
	tags := make(map[string]string, len(f.Tags))
	for k, v := range f.Tags {
		tags[k] = v
	}
	return &lambda.ListTagsOutput{Tags: tags}, nil
}

func lambdaListFunctionURLConfigs(o *Org, c *Call) (any, error) {
	in := c.Input.(*lambda.ListFunctionUrlConfigsInput)
	f, err := o.lambdaFunction(c, aws.ToString(in.FunctionName))
	if err != nil {
		return nil, err
	}
	if in.MaxItems != nil && (*in.MaxItems < 1 || *in.MaxItems > 50) {
		return nil, apiError("InvalidParameterValueException", "MaxItems must be between 1 and 50")
	}
	urls, next, err := page(f.URLs, in.Marker, in.MaxItems, 50)
	if err != nil {
		return nil, apiError("InvalidParameterValueException", "Invalid marker")
	}
	out := &lambda.ListFunctionUrlConfigsOutput{FunctionUrlConfigs: []lambdatypes.FunctionUrlConfig{}, NextMarker: next}
	for _, u := range urls {
		arn := f.ARN
		if u.Qualifier != "" {
			arn += ":" + u.Qualifier
		}
		out.FunctionUrlConfigs = append(out.FunctionUrlConfigs, lambdatypes.FunctionUrlConfig{
			AuthType:         lambdatypes.FunctionUrlAuthType(u.AuthType),
			FunctionArn:      aws.String(arn),
			FunctionUrl:      aws.String(fmt.Sprintf("https://%s.lambda-url.%s.on.aws/", u.URLID, c.Region)),
			CreationTime:     aws.String(u.Created.UTC().Format("2006-01-02T15:04:05.000000Z")),
			LastModifiedTime: aws.String(u.Created.UTC().Format("2006-01-02T15:04:05.000000Z")),
			InvokeMode:       lambdatypes.InvokeModeBuffered,
		})
	}
	return out, nil
}

// lambdaGetPolicy answers the function's resource-based policy as Lambda
// does: a JSON document (Id "default", each statement's Resource the
// function's ARN), or ResourceNotFoundException when the function has no
// policy. A qualifier must be $LATEST or an alias (the aliases that have a
// URL); aliases carry no policy here.
func lambdaGetPolicy(o *Org, c *Call) (any, error) {
	in := c.Input.(*lambda.GetPolicyInput)
	f, err := o.lambdaFunction(c, aws.ToString(in.FunctionName))
	if err != nil {
		return nil, err
	}
	noPolicy := apiError("ResourceNotFoundException", "The resource you requested does not exist.")
	if q := aws.ToString(in.Qualifier); q != "" && q != "$LATEST" {
		for _, u := range f.URLs {
			if u.Qualifier == q {
				return nil, noPolicy
			}
		}
		return nil, apiError("ResourceNotFoundException", fmt.Sprintf("Function not found: %s:%s", f.ARN, q))
	}
	if len(f.Policy) == 0 {
		return nil, noPolicy
	}
	type statement struct {
		Sid       string                       `json:"Sid"`
		Effect    string                       `json:"Effect"`
		Principal any                          `json:"Principal"`
		Action    string                       `json:"Action"`
		Resource  string                       `json:"Resource"`
		Condition map[string]map[string]string `json:"Condition,omitempty"`
	}
	doc := struct {
		Version   string      `json:"Version"`
		ID        string      `json:"Id"`
		Statement []statement `json:"Statement"`
	}{Version: "2012-10-17", ID: "default"}
	for _, s := range f.Policy {
		doc.Statement = append(doc.Statement, statement{Sid: s.Sid, Effect: "Allow", Principal: s.Principal,
			Action: s.Action, Resource: f.ARN, Condition: s.Condition})
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, apiError("ServiceException", err.Error())
	}
	return &lambda.GetPolicyOutput{Policy: aws.String(string(b)), RevisionId: aws.String(f.RevisionID)}, nil
}
