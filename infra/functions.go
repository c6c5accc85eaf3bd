package main

import (
	"slices"
	"strconv"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	ddbstore "github.com/cloudinv/aws-inventory/shared/store/dynamodb"
)

// functionSpec describes one pipeline stage's Lambda function.
type functionSpec struct {
	// Dir is the function's folder: functions/<Dir>, build/lambda/<Dir>/bootstrap.
	Dir string
	// Substitution is the ASL variable that receives the function's ARN.
	Substitution   string
	Description    string
	MemoryMB       int
	TimeoutSeconds int
}

// functionSpecs are the nine stages of the contract, in pipeline order.
// Timeouts stay below the Task states' TimeoutSeconds in the ASL, so a slow
// function surfaces as the Lambda's own timeout error.
var functionSpecs = []functionSpec{
	{"plan", "PlanFunctionArn", "Plans a run: accounts x resource types -> work items in S3", 256, 900},
	{"collect", "CollectFunctionArn", "Collects one work item (account x resource type) into the store", 512, 0},
	{"recordfailure", "RecordFailureFunctionArn", "Records the failed outcome of a work item", 128, 60},
	{"aggregate", "AggregateFunctionArn", "Closes a run: summary, resources not seen any more, replay input", 2048, 900},
	// The table actions of each come from stages.TableActions.
	// Aggregate, Cost, Security and Report hold the live inventory in memory:
	// about 2.7 KB per record measured (Go heap after GC), so ~140,000
	// records of 1,000 accounts need ~400 MB live and twice that at GC
	// peaks; 2 GB (also more CPU) leaves room to grow, Report renders CSV,
	// JSON and HTML beside them.
	{"cost", "CostFunctionArn", "Cost analysis of the inventory", 2048, 900},
	{"security", "SecurityFunctionArn", "Security checks of the inventory", 2048, 900},
	{"report", "ReportFunctionArn", "Writes CSV / JSON / HTML reports to S3", 3008, 900},
	{"notify", "NotifyFunctionArn", "Sends alerts to SNS and Slack", 256, 120},
	{"cleanup", "CleanupFunctionArn", "Expires records of resources deleted longer than the retention period", 256, 900},
}

// Function is one deployed stage.
type Function struct {
	Spec     functionSpec
	Fn       awslambda.Function
	Role     awsiam.Role
	LogGroup awslogs.LogGroup
}

// Functions are the nine stages, in functionSpecs order.
type Functions struct {
	List []*Function
}

// Get returns the function of a stage dir.
func (f *Functions) Get(dir string) *Function {
	for _, fn := range f.List {
		if fn.Spec.Dir == dir {
			return fn
		}
	}
	panic("no function " + dir)
}

// FunctionsProps are what the functions are wired to.
type FunctionsProps struct {
	Settings *Settings
	Assets   map[string]string
	Keys     *Keys
	Storage  *Storage
	Alerting *Alerting
}

func NewFunctions(scope constructs.Construct, p *FunctionsProps) *Functions {
	c := constructs.NewConstruct(scope, jsii.String("Functions"))
	s := p.Settings
	stack := awscdk.Stack_Of(scope)
	out := &Functions{}
	for _, spec := range functionSpecs {
		spec := spec
		if spec.Dir == "collect" {
			spec.MemoryMB, spec.TimeoutSeconds = collectSizing(s)
		}
		id := jsii.String(constructID(spec.Dir))
		fc := constructs.NewConstruct(c, id)
		name := s.FunctionName(spec.Dir)

		logGroup := awslogs.NewLogGroup(fc, jsii.String("Logs"), &awslogs.LogGroupProps{
			LogGroupName:  jsii.String("/aws/lambda/" + name),
			Retention:     retention(s.LogRetentionDays),
			EncryptionKey: p.Keys.Logs,
			// Operational logs with a fixed name: a stack re-created after a
			// delete must be able to create the group again.
			RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
		})

		roleProps := &awsiam.RoleProps{
			AssumedBy:   awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
			Description: jsii.String("AWS inventory " + spec.Dir + " function"),
		}
		if spec.Dir == "collect" {
			// Member roles trust this role by name (account + role name), so
			// the name is fixed and known before the stack exists.
			roleProps.RoleName = jsii.String(s.CollectorRoleName())
		}
		role := awsiam.NewRole(fc, jsii.String("Role"), roleProps)
		// Instead of AWSLambdaBasicExecutionRole (any log group): this one.
		role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:       jsii.String("WriteOwnLogs"),
			Actions:   jsii.Strings("logs:CreateLogStream", "logs:PutLogEvents"),
			Resources: jsii.Strings(*logGroup.LogGroupArn()),
		}))

		env := wireStage(stack, spec, role, p)
		// The Go runtime collects harder as the heap nears the function's
		// memory instead of being killed for exceeding it.
		env["GOMEMLIMIT"] = jsii.String(strconv.Itoa(spec.MemoryMB*9/10) + "MiB")
		fn := awslambda.NewFunction(fc, jsii.String("Function"), &awslambda.FunctionProps{
			FunctionName: jsii.String(name),
			Description:  jsii.String(spec.Description),
			Runtime:      awslambda.Runtime_PROVIDED_AL2023(),
			Architecture: awslambda.Architecture_ARM_64(),
			Handler:      jsii.String("bootstrap"),
			Code:         awslambda.Code_FromAsset(jsii.String(p.Assets[spec.Dir]), nil),
			MemorySize:   jsii.Number(spec.MemoryMB),
			Timeout:      awscdk.Duration_Seconds(jsii.Number(spec.TimeoutSeconds)),
			Role:         role,
			LogGroup:     logGroup,
			Tracing:      awslambda.Tracing_ACTIVE,
			Environment:  &env,
		})
		out.List = append(out.List, &Function{Spec: spec, Fn: fn, Role: role, LogGroup: logGroup})
	}
	return out
}

// collectSizing gives the collect function the config's memory_mb (the seed's
// tuning knob), else 512 MB, and one item's timeout_seconds plus a minute for
// store writes, within Lambda's 900 s.
func collectSizing(s *Settings) (memoryMB, timeoutSeconds int) {
	cs := s.Config.CollectionSettings
	memoryMB = 512
	if cs.MemoryMB > 0 {
		memoryMB = cs.MemoryMB
	}
	return memoryMB, min(cs.TimeoutSeconds+60, 900)
}

// memberRoleNames are the roles collect may assume: the member role, plus
// any per-account role_name of the accounts config.
func memberRoleNames(s *Settings) []string {
	names := []string{s.MemberRoleName}
	for _, a := range s.Config.EnabledAccounts() {
		names = append(names, s.Config.RoleName(a.Account))
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// logRetention maps the retention periods CloudWatch Logs accepts (days)
// to CDK's names for them.
var logRetention = map[int]awslogs.RetentionDays{
	1: awslogs.RetentionDays_ONE_DAY, 3: awslogs.RetentionDays_THREE_DAYS, 5: awslogs.RetentionDays_FIVE_DAYS,
	7: awslogs.RetentionDays_ONE_WEEK, 14: awslogs.RetentionDays_TWO_WEEKS, 30: awslogs.RetentionDays_ONE_MONTH,
	60: awslogs.RetentionDays_TWO_MONTHS, 90: awslogs.RetentionDays_THREE_MONTHS, 120: awslogs.RetentionDays_FOUR_MONTHS,
	150: awslogs.RetentionDays_FIVE_MONTHS, 180: awslogs.RetentionDays_SIX_MONTHS, 365: awslogs.RetentionDays_ONE_YEAR,
	400: awslogs.RetentionDays_THIRTEEN_MONTHS, 545: awslogs.RetentionDays_EIGHTEEN_MONTHS, 731: awslogs.RetentionDays_TWO_YEARS,
	1096: awslogs.RetentionDays_THREE_YEARS, 1827: awslogs.RetentionDays_FIVE_YEARS, 2192: awslogs.RetentionDays_SIX_YEARS,
	2557: awslogs.RetentionDays_SEVEN_YEARS, 2922: awslogs.RetentionDays_EIGHT_YEARS, 3288: awslogs.RetentionDays_NINE_YEARS,
	3653: awslogs.RetentionDays_TEN_YEARS,
}

func retention(days int) awslogs.RetentionDays {
	return logRetention[days] // LoadSettings accepts only these keys
}

// tableIndexNames are the GSIs of the table.
func tableIndexNames() []string {
	var out []string
	for _, ix := range ddbstore.Indexes {
		out = append(out, ix.Name)
	}
	return out
}

func formatNumber(f float64) string {
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// constructID turns a function dir into a construct ID: recordfailure -> RecordFailure.
func constructID(dir string) string {
	switch dir {
	case "recordfailure":
		return "RecordFailure"
	default:
		return string(dir[0]-'a'+'A') + dir[1:]
	}
}
