// Static checks of statemachines/inventory.asl.json: asl-validator (the
// repo's pinned version, as `npx asl-validator --json-path` runs it) on the
// raw file and on the file with the CDK substitutions applied, plus the parts
// of the contract a schema cannot see.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import {
  ASL_PATH,
  EXAMPLE_SUBSTITUTIONS,
  MAP_STATE,
  REPO,
  STAGE_OF_STATE,
  allStates,
  definitionDiff,
  emulateItemReader,
  loadDefinition,
  rawDefinitionText,
  variablesIn,
} from './harness.mjs';

const require = createRequire(import.meta.url);
const aslValidator = require('asl-validator');
const VALIDATOR_CLI = join(REPO, 'node_modules', 'asl-validator', 'dist', 'bin', 'asl-validator.js');

const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.ClientExecutionTimeoutException',
];

function validate(definition) {
  const { isValid, errorsText } = aslValidator(definition, { checkArn: true, checkPaths: true });
  assert.ok(isValid, `asl-validator: ${errorsText('\n')}`);
}

describe('asl-validator', () => {
  test('accepts the raw file (the ${...} variables as CDK leaves them)', () => {
    validate(JSON.parse(rawDefinitionText()));
    // The command line the README documents, exit status 0.
    execFileSync(process.execPath, [VALIDATOR_CLI, '--json-path', ASL_PATH], { stdio: 'pipe' });
  });

  test('accepts the file with the DefinitionSubstitutions applied', () => {
    validate(loadDefinition());
  });
});

describe('definition contract', () => {
  const raw = rawDefinitionText();
  const def = loadDefinition();
  const states = allStates(def);

  test('uses exactly the substitution variables of the contract and hard-codes no ARN or name', () => {
    assert.deepEqual(variablesIn(raw), Object.keys(EXAMPLE_SUBSTITUTIONS).sort());
    const arns = [...raw.matchAll(/arn:[^"]*/g)].map((m) => m[0]);
    assert.deepEqual([...new Set(arns)].sort(), ['arn:aws:states:::s3:getObject', 'arn:aws:states:::s3:putObject']);
    assert.doesNotMatch(raw, /\b\d{12}\b/, 'no account ID');
  });

  test('every Task state has a stage in the harness table and vice versa', () => {
    const tasks = Object.entries(states)
      .filter(([, s]) => s.Type === 'Task')
      .map(([n]) => n)
      .sort();
    assert.deepEqual(tasks, Object.keys(STAGE_OF_STATE).sort());
  });

  test('every state has a Comment saying why, except plain ends and branch tasks', () => {
    const uncommented = Object.entries(states)
      .filter(([, s]) => !s.Comment)
      .map(([n]) => n);
    assert.deepEqual(uncommented.sort(), ['Cost', 'Security']);
  });

  test('routes on action and fails fast on anything else', () => {
    const route = def.States.Route;
    // Start only adds the execution's ARN and name, then routes.
    assert.equal(def.StartAt, 'Start');
    assert.deepEqual(def.States.Start.Parameters, { 'arn.$': '$$.Execution.Id', 'name.$': '$$.Execution.Name' });
    assert.equal(def.States.Start.ResultPath, '$.execution');
    assert.equal(def.States.Start.Next, 'Route');
    assert.equal(route.Type, 'Choice');
    const next = Object.fromEntries(
      route.Choices.filter((c) => c.StringEquals).map((c) => [c.StringEquals, c.Next]),
    );
    assert.deepEqual(next, {
      collect: 'Plan',
      cost_analysis: 'CostAnalysis',
      security_check: 'SecurityCheck',
      cleanup: 'Cleanup',
    });
    assert.deepEqual(route.Choices[0], { Not: { Variable: '$.action', IsPresent: true }, Next: 'Plan' });
    assert.equal(def.States[route.Default].Type, 'Fail');
    assert.equal(def.States[route.Default].Error, 'InvalidInput');
    for (const name of ['Plan', 'CostAnalysis', 'SecurityCheck', 'Cleanup']) {
      const c = def.States[name].Catch.find((c) => c.ErrorEquals.includes('InvalidInput'));
      assert.ok(c, `${name} catches InvalidInput`);
      assert.equal(c.ResultPath, undefined, 'the error output replaces the state, whatever its shape');
      assert.equal(def.States[c.Next].Type, 'Fail');
      assert.equal(def.States[c.Next].Error, 'InvalidInput');
      assert.equal(def.States[c.Next].CausePath, '$.Cause');
      for (const r of def.States[name].Retry) assert.ok(!r.ErrorEquals.includes('InvalidInput'), `${name} does not retry InvalidInput`);
    }
  });

  test('collects with a Distributed Map of STANDARD children, items from S3, results to S3', () => {
    const map = def.States[MAP_STATE];
    assert.equal(def.States.Plan.Next, MAP_STATE);
    // The state after Plan is {plan: <Plan's result>}: the execution input
    // (a replay's items) does not travel on.
    assert.deepEqual(def.States.Plan.ResultSelector, { 'plan.$': '$' });
    assert.equal(def.States.Plan.ResultPath, undefined);
    assert.deepEqual(map.ItemProcessor.ProcessorConfig, { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' });
    assert.deepEqual(map.ItemReader, {
      Resource: 'arn:aws:states:::s3:getObject',
      ReaderConfig: { InputType: 'JSON' },
      Parameters: { 'Bucket.$': '$.plan.items.bucket', 'Key.$': '$.plan.items.key' },
    });
    assert.equal(map.MaxConcurrencyPath, '$.plan.max_concurrency');
    assert.equal(map.ToleratedFailurePercentagePath, '$.plan.tolerated_failure_percentage');
    assert.deepEqual(map.ResultWriter, {
      Resource: 'arn:aws:states:::s3:putObject',
      Parameters: { Bucket: EXAMPLE_SUBSTITUTIONS.WorkBucket, Prefix: 'map-results' },
    });
    assert.equal(map.ResultPath, '$.map');
    // A Map Run beyond its tolerated failures fails the execution, so it
    // can be redriven; only a ResultWriter failure (every item ran) goes on.
    assert.deepEqual(map.Catch, [{ ErrorEquals: ['States.ResultWriterFailed'], ResultPath: '$.map_error', Next: 'Aggregate' }]);
    assert.equal(map.Next, 'Aggregate');
  });

  test('retries Collect on Lambda service errors, throttling and StoreError with backoff and full jitter, then records the failure', () => {
    const collect = states.Collect;
    const retried = collect.Retry.flatMap((r) => r.ErrorEquals);
    for (const e of [...LAMBDA_SERVICE_ERRORS, 'Lambda.TooManyRequestsException', 'StoreError']) {
      assert.ok(retried.includes(e), `Collect retries ${e}`);
    }
    assert.ok(!retried.includes('States.ALL') && !retried.includes('Lambda.Unknown'), 'a timed-out item is not retried');
    for (const r of collect.Retry) {
      assert.equal(r.JitterStrategy, 'FULL');
      assert.ok(r.BackoffRate > 1 && r.MaxDelaySeconds > 0 && r.MaxAttempts > 0);
    }
    assert.deepEqual(collect.Catch, [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'RecordFailure' }]);
    assert.equal(collect.InputPath, '$.item');
    assert.deepEqual(def.States[MAP_STATE].ItemSelector, { 'item.$': '$$.Map.Item.Value' });
    assert.deepEqual(states.RecordFailure.Parameters, {
      'item.$': '$.item',
      // The whole error object: a path to a field it lacks would fail the state.
      'failure.$': '$.failure',
    });
  });

  test('every Lambda task retries the Lambda service errors and has a timeout', () => {
    for (const [name, s] of Object.entries(states).filter(([, s]) => s.Type === 'Task')) {
      const retried = s.Retry.flatMap((r) => r.ErrorEquals);
      for (const e of LAMBDA_SERVICE_ERRORS) {
        assert.ok(retried.includes(e) || retried.includes('States.ALL'), `${name} retries ${e}`);
      }
      assert.ok(s.TimeoutSeconds > 0 && s.TimeoutSeconds <= 960, `${name} TimeoutSeconds`);
    }
  });

  test('the collect path ends with run_id, summary, report and notify', () => {
    assert.deepEqual(def.States.CollectionDone.Parameters, {
      'run_id.$': '$.plan.run_id',
      'summary.$': '$.summary',
      'report.$': '$.report',
      'notify.$': '$.notify',
    });
    assert.equal(def.States.Notify.Catch[0].Next, 'NotifyFailed');
    assert.equal(def.States.NotifyFailed.ResultPath, '$.notify');
  });

  test('the local ItemReader emulation changes nothing but the Map items source', () => {
    assert.deepEqual(definitionDiff(def, emulateItemReader(def)), [
      `States.${MAP_STATE}.ItemReader`,
      `States.${MAP_STATE}.ItemsPath`,
    ]);
    assert.ok(!Object.hasOwn(def.States[MAP_STATE], 'ItemsPath'), 'the real Map has no ItemsPath');
  });
});
