package main

import (
	"path/filepath"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

// Stacks are the app's three stacks.
type Stacks struct {
	Settings *Settings
	// Central is deployed in the central (inventory) account.
	Central *CentralStack
	// MemberRole is deployed directly into an account the StackSet does not
	// cover (the management account).
	MemberRole *MemberRoleStack
	// StackSet is deployed in the management (or delegated admin) account.
	StackSet *StackSetStack
}

// appContext is the CDK feature flags the app is written against; cdk.json
// or -c can still override them. Tests build their apps with them too.
func appContext() map[string]any {
	return map[string]any{
		// Server access logs are delivered under a bucket policy, not an ACL.
		"@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy": true,
		"@aws-cdk/aws-s3:createDefaultLoggingPolicy":      true,
		"@aws-cdk/core:enablePartitionLiterals":           true,
		"@aws-cdk/aws-iam:minimizePolicies":               true,
		"@aws-cdk/aws-kms:aliasNameRef":                   true,
	}
}

// StackNames derives the stack names from the name prefix:
// aws-inventory -> AwsInventory, AwsInventoryMemberRole, AwsInventoryMemberRoleStackSet.
func StackNames(prefix string) (central, member, stackSet string) {
	var b strings.Builder
	for _, part := range strings.Split(prefix, "-") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	base := b.String()
	return base, base + "MemberRole", base + "MemberRoleStackSet"
}

// Build reads the settings from the app's context, stages the function
// assets and adds the stacks, with cdk-nag's AwsSolutions checks on all of
// them. Any problem (a bad accounts config, a missing bootstrap, an invalid
// setting) is returned before a construct is created.
func Build(app awscdk.App, repoRoot string) (*Stacks, error) {
	get := func(key string) any { return app.Node().TryGetContext(jsii.String(key)) }
	s, err := LoadSettings(get, repoRoot)
	if err != nil {
		return nil, err
	}
	if err := CheckDefinition(s.DefinitionFile); err != nil {
		return nil, err
	}
	// Staged inside the cloud assembly directory, so the asset sources
	// outlive synth (cdk deploy reads them) without a temp dir to clean.
	assets, err := StageAssets(s, filepath.Join(*app.Outdir(), "inventory-staging"))
	if err != nil {
		return nil, err
	}
	template, err := MemberRoleTemplate(s)
	if err != nil {
		return nil, err
	}
	central, member, stackSet := StackNames(s.NamePrefix)
	st := &Stacks{Settings: s}
	st.Central = NewCentralStack(app, central, s, assets)
	st.MemberRole = NewMemberRoleStack(app, member, s)
	st.StackSet = NewStackSetStack(app, stackSet, s, template)
	awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
	return st, nil
}
