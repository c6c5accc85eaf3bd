package main

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsstepfunctions"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// workBucketSubstitution is the ASL variable of the work bucket's name (the
// ResultWriter's bucket); the function ARNs come from functionSpecs.
const workBucketSubstitution = "WorkBucket"

// Pipeline is the state machine and its role.
type Pipeline struct {
	StateMachine awsstepfunctions.StateMachine
	Role         awsiam.Role
	LogGroup     awslogs.LogGroup
	// Arn is the state machine's ARN built from its fixed name, for policies
	// that must not depend on the state machine resource itself.
	Arn string
}

// PipelineProps wire the state machine.
type PipelineProps struct {
	Settings  *Settings
	Keys      *Keys
	Storage   *Storage
	Functions *Functions
}

// CheckDefinition reads the ASL file and fails unless it is JSON whose
// ${...} variables are all ones the stack substitutes: CDK uploads the file
// as is, and a variable left unresolved would only fail at deploy time.
func CheckDefinition(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("state machine definition: %w", err)
	}
	if !json.Valid(data) {
		return fmt.Errorf("state machine definition %s is not valid JSON", path)
	}
	known := substitutionNames()
	var unknown []string
	for _, m := range regexp.MustCompile(`\$\{([^}]*)\}`).FindAllStringSubmatch(string(data), -1) {
		if !slices.Contains(known, m[1]) && !slices.Contains(unknown, m[1]) {
			unknown = append(unknown, m[1])
		}
	}
	if len(unknown) > 0 {
		return fmt.Errorf("state machine definition %s uses ${%s}, which the stack does not substitute (it substitutes %s)",
			path, strings.Join(unknown, "}, ${"), strings.Join(known, ", "))
	}
	return nil
}

// substitutionNames are the DefinitionSubstitutions keys, in contract order.
func substitutionNames() []string {
	var out []string
	for _, f := range functionSpecs {
		out = append(out, f.Substitution)
	}
	return append(out, workBucketSubstitution)
}

func NewPipeline(scope constructs.Construct, p *PipelineProps) *Pipeline {
	c := constructs.NewConstruct(scope, jsii.String("Pipeline"))
	s := p.Settings
	stack := awscdk.Stack_Of(scope)
	pl := &Pipeline{}

	// Built from the fixed name: granting StartExecution on the state
	// machine resource itself would make its role policy depend on it,
	// and it on the policy (a cycle).
	pl.Arn = *stack.FormatArn(&awscdk.ArnComponents{
		Service: jsii.String("states"), Resource: jsii.String("stateMachine"),
		ResourceName: jsii.String(s.StateMachineName()), ArnFormat: awscdk.ArnFormat_COLON_RESOURCE_NAME,
	})
	// Distributed Map child executions are named
	// <state machine>/<map run label>:<id>.
	childExecutions := *stack.FormatArn(&awscdk.ArnComponents{
		Service: jsii.String("states"), Resource: jsii.String("execution"),
		ResourceName: jsii.String(s.StateMachineName() + "/*"), ArnFormat: awscdk.ArnFormat_COLON_RESOURCE_NAME,
	})

	pl.Role = awsiam.NewRole(c, jsii.String("Role"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("states.amazonaws.com"), nil),
		Description: jsii.String("AWS inventory state machine"),
	})
	add := func(sid string, actions []string, resources ...string) {
		pl.Role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid: jsii.String(sid), Actions: jsii.Strings(actions...), Resources: jsii.Strings(resources...),
		}))
	}
	var fnArns []string
	subs := map[string]*string{workBucketSubstitution: p.Storage.Work.BucketName()}
	for _, f := range p.Functions.List {
		fnArns = append(fnArns, *f.Fn.FunctionArn())
		subs[f.Spec.Substitution] = f.Fn.FunctionArn()
	}
	// Task states name the unqualified function ARNs, so no version or
	// alias ARN (ARN:*) is granted.
	add("InvokeStages", []string{"lambda:InvokeFunction"}, fnArns...)
	add("ReadWorkItems", []string{"s3:GetObject"}, *p.Storage.Work.ArnForObjects(jsii.String(workItemsPrefix + "*")))
	// What the ResultWriter needs (it uploads in parts).
	add("WriteMapResults", []string{"s3:PutObject", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload"},
		*p.Storage.Work.ArnForObjects(jsii.String(mapResultsPrefix + "*")))
	add("WorkBucketKey", []string{"kms:Decrypt", "kms:GenerateDataKey"}, *p.Keys.Data.KeyArn())
	add("StartMapChildren", []string{"states:StartExecution"}, pl.Arn)
	// Describe/Stop for the Map Run, Redrive for redriving it from the console.
	add("ManageMapChildren", []string{"states:DescribeExecution", "states:StopExecution", "states:RedriveExecution"}, childExecutions)

	pl.LogGroup = awslogs.NewLogGroup(c, jsii.String("Logs"), &awslogs.LogGroupProps{
		// The prefix AWS recommends for vended logs: it keeps the CloudWatch
		// Logs resource policy Step Functions writes small.
		LogGroupName:  jsii.String("/aws/vendedlogs/states/" + s.StateMachineName()),
		Retention:     retention(s.LogRetentionDays),
		EncryptionKey: p.Keys.Logs,
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
	})

	pl.StateMachine = awsstepfunctions.NewStateMachine(c, jsii.String("StateMachine"), &awsstepfunctions.StateMachineProps{
		StateMachineName:        jsii.String(s.StateMachineName()),
		StateMachineType:        awsstepfunctions.StateMachineType_STANDARD,
		DefinitionBody:          awsstepfunctions.DefinitionBody_FromFile(jsii.String(s.DefinitionFile), nil),
		DefinitionSubstitutions: &subs,
		Role:                    pl.Role,
		TracingEnabled:          jsii.Bool(true),
		// ALL: every transition, retry, catch and Map Run event is in the log,
		// which is what an operator replaying or redriving a run reads. Without
		// execution data: inputs and outputs carry inventory (accounts,
		// resource IDs, failure causes) and at 10,000 items a run would copy
		// megabytes of it into logs; the execution history keeps them.
		Logs: &awsstepfunctions.LogOptions{
			Destination:          pl.LogGroup,
			Level:                awsstepfunctions.LogLevel_ALL,
			IncludeExecutionData: jsii.Bool(false),
		},
	})
	return pl
}
