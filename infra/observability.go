package main

import (
	"fmt"
	"regexp"
	"strconv"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/interfaces/interfacesawscloudwatch"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// metricsNamespace is where the functions' Embedded Metric Format lines go.
const metricsNamespace = "AWSInventory"

// Observability is the dashboard and the alarms (all notify the topic).
type Observability struct {
	Dashboard awscloudwatch.Dashboard
	Alarms    map[string]awscloudwatch.Alarm // by construct ID
}

// ObservabilityProps is what is observed.
type ObservabilityProps struct {
	Settings  *Settings
	Storage   *Storage
	Functions *Functions
	Pipeline  *Pipeline
	Schedules *Schedules
	Alerting  *Alerting
}

// Alarm periods are limited by CloudWatch: Period x EvaluationPeriods may
// span at most 7 days (one day for periods under an hour).
const maxConsecutivePeriod = 7 * 24 * 3600 / 2

var rateRe = regexp.MustCompile(`^rate\((\d+) (minute|hour|day)s?\)$`)

// collectInterval is the collect schedule's interval in seconds, or 0 when
// it is a cron or at expression (irregular) or disabled.
func collectInterval(s *Settings) int {
	m := rateRe.FindStringSubmatch(s.ScheduleFor("collect").Expression)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1]) // the pattern guarantees digits
	return n * map[string]int{"minute": 60, "hour": 3600, "day": 86400}[m[2]]
}

func NewObservability(scope constructs.Construct, p *ObservabilityProps) *Observability {
	c := constructs.NewConstruct(scope, jsii.String("Observability"))
	s := p.Settings
	o := &Observability{Alarms: map[string]awscloudwatch.Alarm{}}
	hour := awscdk.Duration_Hours(jsii.Number(1))
	fiveMin := awscdk.Duration_Minutes(jsii.Number(5))
	inv := func(name, stat, label string, period awscdk.Duration) awscloudwatch.Metric {
		return awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
			Namespace: jsii.String(metricsNamespace), MetricName: jsii.String(name),
			Statistic: jsii.String(stat), Label: jsii.String(label), Period: period,
		})
	}
	action := awscloudwatchactions.NewSnsAction(p.Alerting.Topic)
	alarm := func(id string, props *awscloudwatch.AlarmProps, notifyOK bool) awscloudwatch.Alarm {
		props.AlarmName = jsii.String(s.NamePrefix + "-" + *props.AlarmName)
		a := awscloudwatch.NewAlarm(c, jsii.String(id), props)
		a.AddAlarmAction(action)
		if notifyOK {
			a.AddOkAction(action)
		}
		o.Alarms[id] = a
		return a
	}

	// --- Alarms ---------------------------------------------------------

	// Two consecutive failed collections. Each collect period must hold a
	// run that did not fail: Minimum of RunFailed is 0 as soon as one run
	// of the period succeeded (a failed manual replay does not hide a good
	// scheduled run), and a period with no RunFailed at all is breaching,
	// because a run that never reached Aggregate (Plan failed, the schedule
	// could not start it) emits nothing. With the collect schedule off or
	// irregular (cron), only reported failures count, over daily periods.
	period, missing := 86400, awscloudwatch.TreatMissingData_NOT_BREACHING
	if iv := collectInterval(s); iv > 0 {
		period, missing = min(iv, maxConsecutivePeriod), awscloudwatch.TreatMissingData_BREACHING
	}
	alarm("ConsecutiveFailedCollections", &awscloudwatch.AlarmProps{
		AlarmName: jsii.String("consecutive-failed-collections"),
		AlarmDescription: jsii.String(fmt.Sprintf("Two consecutive collection periods (%s) without a successful run: every run failed, or none completed. "+
			"See the state machine's executions and the run summary's failed_items; start a replay with its replay_input.", *awscdk.Duration_Seconds(jsii.Number(period)).ToHumanString())),
		Metric:             inv("RunFailed", "Minimum", "run failed", awscdk.Duration_Seconds(jsii.Number(period))),
		Threshold:          jsii.Number(1),
		ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
		EvaluationPeriods:  jsii.Number(2),
		DatapointsToAlarm:  jsii.Number(2),
		TreatMissingData:   missing,
	}, true)

	// Duration, cost and findings are emitted once per run or analysis:
	// missing data means "nothing new", so the alarm keeps its state
	// (IGNORE) instead of flapping back to OK between runs.
	durationSeconds := s.RunDurationAlarmMinutes * 60
	alarm("RunDurationHigh", &awscloudwatch.AlarmProps{
		AlarmName:          jsii.String("run-duration"),
		AlarmDescription:   jsii.String(fmt.Sprintf("A collection run took longer than %v minutes (runDurationAlarmMinutes).", s.RunDurationAlarmMinutes)),
		Metric:             inv("RunDurationSeconds", "Maximum", "run duration", hour),
		Threshold:          jsii.Number(durationSeconds),
		ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD,
		EvaluationPeriods:  jsii.Number(1),
		TreatMissingData:   awscloudwatch.TreatMissingData_IGNORE,
	}, false)

	errs := map[string]awscloudwatch.IMetric{}
	expr := "SUM(["
	for i, f := range p.Functions.List {
		id := fmt.Sprintf("e%d", i)
		errs[id] = f.Fn.MetricErrors(&awscloudwatch.MetricOptions{Period: fiveMin, Statistic: jsii.String("Sum")})
		if i > 0 {
			expr += ","
		}
		expr += id
	}
	expr += "])"
	// One alarm over every function: a function error is never routine
	// (collect returns expected failures such as AccessDenied as outcomes),
	// and the message names the dashboard widget that shows which function.
	alarm("LambdaErrors", &awscloudwatch.AlarmProps{
		AlarmName:          jsii.String("lambda-errors"),
		AlarmDescription:   jsii.String("A pipeline function returned an error. The dashboard's 'Lambda errors' widget shows which one; its log group has the details."),
		Metric:             awscloudwatch.NewMathExpression(&awscloudwatch.MathExpressionProps{Expression: jsii.String(expr), UsingMetrics: &errs, Label: jsii.String("function errors"), Period: fiveMin}),
		Threshold:          jsii.Number(1),
		ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
		EvaluationPeriods:  jsii.Number(1),
		TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
	}, false)

	sixHours := awscdk.Duration_Hours(jsii.Number(6))
	alarm("MonthlyCostHigh", &awscloudwatch.AlarmProps{
		AlarmName:          jsii.String("monthly-cost"),
		AlarmDescription:   jsii.String(fmt.Sprintf("The inventory's estimated monthly cost is over %s USD (monthlyCostThreshold).", formatNumber(s.MonthlyCostThreshold))),
		Metric:             inv("EstimatedMonthlyCost", "Maximum", "estimated monthly cost (USD)", sixHours),
		Threshold:          jsii.Number(s.MonthlyCostThreshold),
		ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD,
		EvaluationPeriods:  jsii.Number(1),
		TreatMissingData:   awscloudwatch.TreatMissingData_IGNORE,
	}, false)

	alarm("SecurityFindingsHigh", &awscloudwatch.AlarmProps{
		AlarmName:          jsii.String("security-findings"),
		AlarmDescription:   jsii.String(fmt.Sprintf("More than %s security findings (securityFindingsThreshold).", formatNumber(s.SecurityFindingsThreshold))),
		Metric:             inv("SecurityFindings", "Maximum", "security findings", sixHours),
		Threshold:          jsii.Number(s.SecurityFindingsThreshold),
		ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD,
		EvaluationPeriods:  jsii.Number(1),
		TreatMissingData:   awscloudwatch.TreatMissingData_IGNORE,
	}, false)

	alarm("ScheduleDeadLetters", &awscloudwatch.AlarmProps{
		AlarmName:          jsii.String("schedule-dead-letters"),
		AlarmDescription:   jsii.String("EventBridge Scheduler could not start the state machine; the failed starts are in the dead-letter queue."),
		Metric:             p.Schedules.DLQ.MetricApproximateNumberOfMessagesVisible(&awscloudwatch.MetricOptions{Period: fiveMin, Statistic: jsii.String("Maximum")}),
		Threshold:          jsii.Number(1),
		ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
		EvaluationPeriods:  jsii.Number(1),
		TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
	}, false)

	sm := p.Pipeline.StateMachine
	alarm("ExecutionsFailed", &awscloudwatch.AlarmProps{
		AlarmName:          jsii.String("executions-failed"),
		AlarmDescription:   jsii.String("An execution of the inventory state machine failed (a collection run is closed by Aggregate even when items fail, so this is a rejected input or a stage that failed past its retries)."),
		Metric:             sm.MetricFailed(&awscloudwatch.MetricOptions{Period: fiveMin, Statistic: jsii.String("Sum")}),
		Threshold:          jsii.Number(1),
		ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
		EvaluationPeriods:  jsii.Number(1),
		TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
	}, false)

	// --- Dashboard ------------------------------------------------------

	graph := func(title string, width float64, metrics ...awscloudwatch.IMetric) *awscloudwatch.GraphWidgetProps {
		return &awscloudwatch.GraphWidgetProps{Title: jsii.String(title), Width: jsii.Number(width), Height: jsii.Number(6), Left: &metrics}
	}
	perFunction := func(metric func(f *Function) awscloudwatch.IMetric) *[]awscloudwatch.IMetric {
		var out []awscloudwatch.IMetric
		for _, f := range p.Functions.List {
			out = append(out, metric(f))
		}
		return &out
	}
	annotation := func(value float64, label string) *[]*awscloudwatch.HorizontalAnnotation {
		return &[]*awscloudwatch.HorizontalAnnotation{{Value: jsii.Number(value), Label: jsii.String(label), Color: awscloudwatch.Color_RED()}}
	}
	collectArn := *p.Functions.Get("collect").Fn.FunctionArn()
	states := func(name, label string) awscloudwatch.IMetric {
		return awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
			Namespace: jsii.String("AWS/States"), MetricName: jsii.String(name),
			DimensionsMap: &map[string]*string{"LambdaFunctionArn": jsii.String(collectArn)},
			Statistic:     jsii.String("Sum"), Label: jsii.String(label), Period: hour,
		})
	}
	table := p.Storage.Table

	runs := awscloudwatch.NewGraphWidget(graph("Collection runs", 8,
		inv("RunSucceeded", "Sum", "succeeded", hour), inv("RunFailed", "Sum", "failed", hour), inv("PartialRun", "Sum", "partial", hour)))
	lastRun := awscloudwatch.NewSingleValueWidget(&awscloudwatch.SingleValueWidgetProps{
		Title: jsii.String("Latest run"), Width: jsii.Number(8), Height: jsii.Number(6),
		Metrics: &[]awscloudwatch.IMetric{
			inv("ItemsTotal", "Maximum", "work items", hour), inv("FailedItems", "Maximum", "failed items", hour),
			inv("ResourcesCollected", "Maximum", "resources collected", hour), inv("RunDurationSeconds", "Maximum", "duration (s)", hour),
		},
	})
	items := awscloudwatch.NewGraphWidget(graph("Work items and failed items", 8,
		inv("ItemsTotal", "Sum", "items", hour), inv("FailedItems", "Sum", "failed items", hour)))

	byType := awscloudwatch.NewGraphWidget(graph("Resources by type", 8,
		awscloudwatch.NewSearchExpression(&awscloudwatch.SearchExpressionProps{
			Expression: jsii.String(`SEARCH('{` + metricsNamespace + `,ResourceType} MetricName="Resources"', 'Maximum', 3600)`),
			Label:      jsii.String(""),
			Period:     hour,
		})))
	resources := awscloudwatch.NewGraphWidget(graph("Resources collected and marked deleted", 8,
		inv("ResourcesCollected", "Maximum", "collected", hour), inv("ResourcesMarkedDeleted", "Sum", "marked deleted", hour)))
	durationProps := graph("Run duration (s)", 8, inv("RunDurationSeconds", "Maximum", "run duration", hour))
	durationProps.LeftAnnotations = annotation(durationSeconds, "alarm")
	duration := awscloudwatch.NewGraphWidget(durationProps)

	apiCalls := awscloudwatch.NewGraphWidget(graph("AWS API calls and throttled calls", 8,
		inv("APICalls", "Sum", "API calls", hour), inv("ThrottledCalls", "Sum", "throttled", hour), inv("ItemThrottledCalls", "Sum", "throttled (per item)", hour)))
	itemDuration := awscloudwatch.NewGraphWidget(graph("Work item duration (ms)", 8,
		inv("ItemDurationMs", "p50", "p50", hour), inv("ItemDurationMs", "p90", "p90", hour), inv("ItemDurationMs", "Maximum", "max", hour)))
	mapItems := awscloudwatch.NewGraphWidget(graph("Map Run items (Collect tasks)", 8,
		states("LambdaFunctionsSucceeded", "succeeded"), states("LambdaFunctionsFailed", "failed attempts"),
		states("LambdaFunctionsTimedOut", "timed out"), inv("ItemFailed", "Sum", "items recorded failed", hour)))

	fnErrors := awscloudwatch.NewGraphWidget(&awscloudwatch.GraphWidgetProps{
		Title: jsii.String("Lambda errors"), Width: jsii.Number(8), Height: jsii.Number(6),
		Left: perFunction(func(f *Function) awscloudwatch.IMetric {
			return f.Fn.MetricErrors(&awscloudwatch.MetricOptions{Period: fiveMin, Statistic: jsii.String("Sum"), Label: jsii.String(f.Spec.Dir)})
		}),
	})
	fnThrottles := awscloudwatch.NewGraphWidget(&awscloudwatch.GraphWidgetProps{
		Title: jsii.String("Lambda throttles"), Width: jsii.Number(8), Height: jsii.Number(6),
		Left: perFunction(func(f *Function) awscloudwatch.IMetric {
			return f.Fn.MetricThrottles(&awscloudwatch.MetricOptions{Period: fiveMin, Statistic: jsii.String("Sum"), Label: jsii.String(f.Spec.Dir)})
		}),
	})
	fnDuration := awscloudwatch.NewGraphWidget(&awscloudwatch.GraphWidgetProps{
		Title: jsii.String("Lambda duration p90 (ms)"), Width: jsii.Number(8), Height: jsii.Number(6),
		Left: perFunction(func(f *Function) awscloudwatch.IMetric {
			return f.Fn.MetricDuration(&awscloudwatch.MetricOptions{Period: fiveMin, Statistic: jsii.String("p90"), Label: jsii.String(f.Spec.Dir)})
		}),
	})

	smOpts := func(label string) *awscloudwatch.MetricOptions {
		return &awscloudwatch.MetricOptions{Period: hour, Statistic: jsii.String("Sum"), Label: jsii.String(label)}
	}
	executions := awscloudwatch.NewGraphWidget(graph("Step Functions executions", 8,
		sm.MetricStarted(smOpts("started")), sm.MetricSucceeded(smOpts("succeeded")), sm.MetricFailed(smOpts("failed")),
		sm.MetricTimedOut(smOpts("timed out")), sm.MetricAborted(smOpts("aborted"))))
	execTime := awscloudwatch.NewGraphWidget(graph("Step Functions execution time (ms)", 8,
		sm.MetricTime(&awscloudwatch.MetricOptions{Period: hour, Statistic: jsii.String("Average"), Label: jsii.String("average")}),
		sm.MetricTime(&awscloudwatch.MetricOptions{Period: hour, Statistic: jsii.String("Maximum"), Label: jsii.String("max")})))
	ddbThrottles := awscloudwatch.NewGraphWidget(graph("DynamoDB throttles", 8,
		// The store's operations (ThrottledRequests has an Operation dimension).
		table.MetricThrottledRequestsForOperations(&awsdynamodb.OperationsMetricOptions{
			Period: fiveMin, Label: jsii.String("throttled requests"),
			Operations: &[]awsdynamodb.Operation{
				awsdynamodb.Operation_GET_ITEM, awsdynamodb.Operation_QUERY, awsdynamodb.Operation_SCAN, awsdynamodb.Operation_PUT_ITEM,
				awsdynamodb.Operation_UPDATE_ITEM, awsdynamodb.Operation_DELETE_ITEM, awsdynamodb.Operation_BATCH_WRITE_ITEM,
			},
		}),
		table.Metric(jsii.String("WriteThrottleEvents"), &awscloudwatch.MetricOptions{Period: fiveMin, Statistic: jsii.String("Sum"), Label: jsii.String("write throttle events")}),
		table.Metric(jsii.String("ReadThrottleEvents"), &awscloudwatch.MetricOptions{Period: fiveMin, Statistic: jsii.String("Sum"), Label: jsii.String("read throttle events")})))
	ddbCapacity := awscloudwatch.NewGraphWidget(graph("DynamoDB consumed capacity", 8,
		table.MetricConsumedWriteCapacityUnits(&awscloudwatch.MetricOptions{Period: fiveMin, Statistic: jsii.String("Sum"), Label: jsii.String("write units")}),
		table.MetricConsumedReadCapacityUnits(&awscloudwatch.MetricOptions{Period: fiveMin, Statistic: jsii.String("Sum"), Label: jsii.String("read units")})))
	costProps := graph("Estimated monthly cost and potential savings (USD)", 8,
		inv("EstimatedMonthlyCost", "Maximum", "estimated monthly cost", sixHours),
		inv("PotentialMonthlySavings", "Maximum", "potential monthly savings (idle + rightsizing)", sixHours))
	costProps.LeftAnnotations = annotation(s.MonthlyCostThreshold, "threshold")
	costGraph := awscloudwatch.NewGraphWidget(costProps)

	priced := awscloudwatch.NewGraphWidget(graph("Priced and unpriced resources", 8,
		inv("PricedResources", "Maximum", "priced", sixHours), inv("UnpricedResources", "Maximum", "unpriced", sixHours)))
	findingsProps := graph("Security findings", 8,
		inv("SecurityFindings", "Maximum", "findings", sixHours), inv("HighSeverityFindings", "Maximum", "high severity", sixHours),
		inv("NewHighSeverityFindings", "Maximum", "new high severity", sixHours),
		inv("UnencryptedResources", "Maximum", "unencrypted", sixHours), inv("PublicResources", "Maximum", "public", sixHours))
	findingsProps.LeftAnnotations = annotation(s.SecurityFindingsThreshold, "threshold")
	findingsGraph := awscloudwatch.NewGraphWidget(findingsProps)
	compliance := awscloudwatch.NewGaugeWidget(&awscloudwatch.GaugeWidgetProps{
		Title: jsii.String("Compliance score"), Width: jsii.Number(8), Height: jsii.Number(6),
		Metrics:   &[]awscloudwatch.IMetric{inv("ComplianceScore", "Minimum", "compliance score", sixHours)},
		LeftYAxis: &awscloudwatch.YAxisProps{Min: jsii.Number(0), Max: jsii.Number(100)},
	})

	alerts := awscloudwatch.NewGraphWidget(graph("Alerts sent", 8, inv("AlertsSent", "Sum", "alerts sent", hour)))
	dlq := awscloudwatch.NewGraphWidget(graph("Scheduler dead letters", 8,
		p.Schedules.DLQ.MetricApproximateNumberOfMessagesVisible(&awscloudwatch.MetricOptions{Period: fiveMin, Statistic: jsii.String("Maximum"), Label: jsii.String("failed starts")})))
	var alarmList []interfacesawscloudwatch.IAlarmRef
	for _, id := range []string{"ConsecutiveFailedCollections", "RunDurationHigh", "LambdaErrors", "MonthlyCostHigh", "SecurityFindingsHigh", "ScheduleDeadLetters", "ExecutionsFailed"} {
		alarmList = append(alarmList, o.Alarms[id])
	}
	alarmStatus := awscloudwatch.NewAlarmStatusWidget(&awscloudwatch.AlarmStatusWidgetProps{
		Title: jsii.String("Alarms"), Width: jsii.Number(8), Height: jsii.Number(6), Alarms: &alarmList,
	})

	o.Dashboard = awscloudwatch.NewDashboard(c, jsii.String("Dashboard"), &awscloudwatch.DashboardProps{
		DashboardName:   jsii.String(s.NamePrefix),
		DefaultInterval: awscdk.Duration_Days(jsii.Number(7)),
	})
	o.Dashboard.AddWidgets(awscloudwatch.NewTextWidget(&awscloudwatch.TextWidgetProps{
		Width: jsii.Number(24), Height: jsii.Number(2),
		Markdown: jsii.String("# AWS inventory\nCollection runs (Plan → Distributed Map → Aggregate → Cost/Security → Report → Notify), from the functions' Embedded Metric Format metrics (namespace " +
			metricsNamespace + ") and AWS metrics. A failed run's summary carries `replay_input`: start the state machine with it to re-collect only the failed items."),
	}))
	o.Dashboard.AddWidgets(runs, lastRun, items)
	o.Dashboard.AddWidgets(byType, resources, duration)
	o.Dashboard.AddWidgets(apiCalls, itemDuration, mapItems)
	o.Dashboard.AddWidgets(fnErrors, fnThrottles, fnDuration)
	o.Dashboard.AddWidgets(executions, execTime, ddbThrottles)
	o.Dashboard.AddWidgets(ddbCapacity, costGraph, priced)
	o.Dashboard.AddWidgets(findingsGraph, compliance, alerts)
	o.Dashboard.AddWidgets(dlq, alarmStatus)
	return o
}
