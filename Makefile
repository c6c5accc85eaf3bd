# Everything runs through the Go workspace (go.work: shared/, cli/, functions/,
# infra/) and the Node tools pinned in package.json (CDK CLI, dynalite,
# asl-validator, aws-local-stepfunctions).
SHELL := /bin/bash
GO    ?= go
BIN   := bin/inventory
DB    ?= inventory.db
# Lambda functions: one folder each under functions/, built for Graviton.
FUNCTIONS := plan collect recordfailure aggregate cost security report notify cleanup
LAMBDA_DIR := build/lambda
GO_PKGS := ./shared/... ./cli/... ./functions/...
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
# CDK context for synth/deploy/diff, e.g. make deploy CDK_ARGS='-c alarmEmail=ops@example.com'
CDK_ARGS ?=
CDK := node_modules/.bin/cdk

.PHONY: all build lambdas demo test test-go test-infra test-statemachine vet bench fmt synth deploy diff clean FORCE

all: build

build: $(BIN) lambdas bin/localinvoke

$(BIN): FORCE
	$(GO) build -trimpath -o $(BIN) ./cli

bin/localinvoke: FORCE
	$(GO) build -trimpath -o bin/localinvoke ./functions/localinvoke

# provided.al2023 runs a binary named bootstrap; lambda.norpc drops the
# legacy RPC mode the custom runtime never uses.
lambdas:
	@for f in $(FUNCTIONS); do \
	  echo "lambda $$f"; \
	  CGO_ENABLED=0 GOOS=linux GOARCH=arm64 $(GO) build -trimpath -tags lambda.norpc -ldflags='-s -w' \
	    -o $(LAMBDA_DIR)/$$f/bootstrap ./functions/$$f || exit 1; \
	done

# npm ci only when the lock file changed since the last install.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# Collect a synthetic organization of a few dozen accounts (one account denies
# the member role, one is suspended, one region is not opted in: the demo
# shows how those are reported), then summarise it, show what it costs and
# its critical security findings. Exit status 3 from
# collect means "some items failed, see the replay hint", which is the point.
demo: $(BIN)
	$(BIN) collect --demo --db $(DB) --no-progress; rc=$$?; [ $$rc -eq 0 ] || [ $$rc -eq 3 ]
	$(BIN) summary --db $(DB)
	$(BIN) cost --db $(DB) --top 5
	$(BIN) security --db $(DB) --severity critical --limit 3

vet:
	$(GO) vet $(GO_PKGS) ./infra/...
	@unformatted=$$(gofmt -l shared cli functions infra); if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi

test: vet test-go test-statemachine test-infra

# The DynamoDB store tests start dynalite from node_modules.
test-go: node_modules/.package-lock.json
	$(GO) test -count=1 $(GO_PKGS)

# The real ASL file, validated and executed locally with its Task states
# calling the Go stages through bin/localinvoke.
test-statemachine: node_modules/.package-lock.json bin/localinvoke
	node --test statemachines/test/*.test.mjs

# CDK assertions and the cdk-nag gate on the synthesized templates. -count=1:
# Go's test cache cannot see the files Node reads.
test-infra: node_modules/.package-lock.json
	$(GO) test -count=1 ./infra/...

# Benchmarks: a 200-account × 4-region synthetic organization with AWS-like
# rate limits and 20 ms per call (see README, "Performance").
bench: node_modules/.package-lock.json
	$(GO) test -run '^$$' -bench . -benchtime 1x -benchmem ./shared/pipeline/
	$(GO) test -run '^$$' -bench . -benchmem ./shared/store/sqlite/ ./shared/store/dynamodb/

# CloudFormation templates and assets in cdk.out, from the repo and this
# machine alone (no AWS account is contacted). cdk-nag runs on every stack;
# an unsuppressed finding fails synth.
synth: lambdas node_modules/.package-lock.json
	$(CDK) synth --quiet $(CDK_ARGS)

diff: lambdas node_modules/.package-lock.json
	$(CDK) diff $(CDK_ARGS)

# The central stack (state machine, Lambdas, table, buckets, topic,
# schedules, dashboard, alarms) with the central account's credentials, then
# the member role StackSet with the management (or StackSets delegated
# administrator) account's: MGMT_PROFILE names that profile.
MGMT_PROFILE ?=
deploy: lambdas node_modules/.package-lock.json
	$(CDK) deploy AwsInventory $(CDK_ARGS)
	$(CDK) deploy AwsInventoryMemberRoleStackSet $(CDK_ARGS) $(if $(MGMT_PROFILE),--profile $(MGMT_PROFILE))

fmt:
	gofmt -w shared cli functions infra

clean:
	rm -rf bin build cdk.out $(DB) $(DB)-wal $(DB)-shm

FORCE:
