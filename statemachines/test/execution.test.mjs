// Executions of the real statemachines/inventory.asl.json in
// aws-local-stepfunctions, every Task state running its Go stage through
// bin/localinvoke on the synthetic organization (see harness.mjs for what is
// emulated and what is not exercised locally).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { EXECUTION_ARN_PREFIX, HARNESS_ITEMS_FIELD, assertLocalInvokeBuilt, execute, lambdaError } from './harness.mjs';

// One account refuses the member role (AccessDenied), one is suspended (a
// skipped account), one region is not opted in. denied=0 with the same seed
// is the same organization with access restored: fakeorg picks denied
// accounts after generating them, so IDs and resources do not change.
const ORG = 'accounts=6,regions=2,denied=1,seed=7';
const ORG_FIXED = 'accounts=6,regions=2,denied=0,seed=7';
const SMALL_ORG = 'accounts=3,regions=1,denied=0,suspended=0,seed=5';

const dirs = [];
function tempDir() {
  const d = mkdtempSync(join(tmpdir(), 'inventory-sfn-'));
  dirs.push(d);
  return d;
}
after(() => {
  if (!process.env.KEEP_SFN_TEST_DIRS) for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const key = (it) => `${it.account_id}/${it.resource_type}`;
const keys = (items) => items.map(key).sort();
const callsOf = (run, state) => run.calls.filter((c) => c.state === state);

function assertSucceeded(run) {
  assert.deepEqual(run.crashes, [], 'localinvoke crashed');
  assert.equal(run.error, undefined, `execution failed: ${JSON.stringify(run.error)}`);
}

function plannedItems(run) {
  const plans = callsOf(run, 'Plan');
  assert.equal(plans.length, 1);
  return plans[0].output[HARNESS_ITEMS_FIELD];
}

before(() => assertLocalInvokeBuilt());

describe('collect with one denied account, then its replay', () => {
  const dir = tempDir();
  let first;

  test('the run succeeds as partial; exactly the denied account’s items fail and are in replay_input', async () => {
    first = await execute({ action: 'collect' }, { demo: ORG, dir });
    assertSucceeded(first);
    const out = first.output;
    const items = plannedItems(first);
    const plan = callsOf(first, 'Plan')[0].output;
    const accounts = new Set(items.map((i) => i.account_id));
    const types = new Set(items.map((i) => i.resource_type));
    assert.ok(types.size >= 4, `several resource types planned: ${[...types]}`);
    assert.equal(items.length, accounts.size * types.size, 'every account × every type');
    assert.equal(plan.item_count, items.length);
    assert.equal(plan.skipped_accounts.length, 1, 'the suspended account is skipped, not planned');
    assert.ok(!accounts.has(plan.skipped_accounts[0].account_id));

    assert.deepEqual(
      [...first.states],
      ['Start', 'Route', 'Plan', 'CollectItems', 'Aggregate', 'Analyze', 'Report', 'Notify', 'Finish', 'CollectionDone'],
    );
    assert.deepEqual(keys(callsOf(first, 'Collect').map((c) => c.input)), keys(items), 'one Collect per item, no retries');
    assert.deepEqual(Object.keys(out).sort(), ['notify', 'report', 'run_id', 'summary']);

    const s = out.summary;
    assert.equal(out.run_id, plan.run_id);
    assert.equal(s.run_id, plan.run_id);
    assert.equal(s.status, 'partial');
    const failedAccounts = new Set(s.failed_items.map((f) => f.account_id));
    assert.equal(failedAccounts.size, 1, `one account failed: ${[...failedAccounts]}`);
    const [denied] = failedAccounts;
    assert.ok(accounts.has(denied));
    assert.deepEqual(
      keys(s.failed_items),
      keys(items.filter((i) => i.account_id === denied)),
      'one failed item per resource type of the denied account',
    );
    for (const f of s.failed_items) {
      assert.equal(f.status, 'failed');
      assert.match(f.error, /AccessDenied/);
    }
    assert.equal(s.items.total, items.length);
    assert.equal(s.items.failed, types.size);
    assert.equal(s.items.succeeded + s.items.partial, items.length - types.size);
    assert.equal(s.items.not_run, 0);
    assert.deepEqual(s.skipped_accounts, plan.skipped_accounts);
    assert.ok(s.resources_collected > 0);

    assert.equal(s.replay_input.action, 'collect');
    assert.equal(s.replay_input.replay_of, s.run_id);
    assert.deepEqual(keys(s.replay_input.items), keys(s.failed_items));

    assert.ok(Array.isArray(out.report.keys) && out.report.keys.length > 0, 'report keys');
    assert.ok(Array.isArray(out.notify.alerts) && Array.isArray(out.notify.sent), 'notify result');
    assert.equal(out.notify.error, undefined);
    // The analysis ran on the whole state and reached the report.
    const report = callsOf(first, 'Report')[0].input;
    assert.deepEqual(Object.keys(report).sort(), ['analysis', 'map', 'plan', 'summary'], 'the state Report receives');
    assert.equal(report.analysis.length, 2);
    assert.equal(report.analysis_error, undefined);
    assert.equal(report.map_error, undefined);
    assert.ok(!JSON.stringify(report).includes(HARNESS_ITEMS_FIELD), 'the harness field never reaches Go');
  });

  test('starting an execution with replay_input re-collects exactly those items, once access is fixed', async () => {
    assert.ok(first?.output, 'needs the first run');
    const replayInput = first.output.summary.replay_input;
    const run = await execute(replayInput, { demo: ORG_FIXED, dir });
    assertSucceeded(run);
    assert.deepEqual(keys(plannedItems(run)), keys(replayInput.items));
    assert.deepEqual(keys(callsOf(run, 'Collect').map((c) => c.input)), keys(replayInput.items));
    const report = callsOf(run, 'Report')[0].input;
    assert.equal(report.items, undefined, 'the replay input’s items do not ride along after Plan');
    const s = run.output.summary;
    assert.equal(s.replay_of, first.output.run_id);
    assert.notEqual(s.run_id, first.output.run_id);
    assert.equal(s.status, 'succeeded');
    assert.equal(s.items.total, replayInput.items.length);
    assert.equal(s.items.failed + s.items.not_run, 0);
    assert.equal(s.replay_input, undefined);
  });

  test('a replay by run ID alone (the form of a large run’s replay_input) re-plans the failed items from the store', async () => {
    assert.ok(first?.output, 'needs the first run');
    const { run_id: runID, summary } = first.output;
    const run = await execute({ action: 'collect', replay_of: runID }, { demo: ORG_FIXED, dir });
    assertSucceeded(run);
    assert.deepEqual(keys(plannedItems(run)), keys(summary.replay_input.items));
    assert.equal(run.output.summary.replay_of, runID);
    assert.equal(run.output.summary.status, 'succeeded');
  });

  test('cost_analysis, security_check and cleanup route to their task and succeed', async () => {
    const cost = await execute({ action: 'cost_analysis' }, { demo: ORG_FIXED, dir });
    assertSucceeded(cost);
    assert.deepEqual(cost.calls.map((c) => c.state), ['CostAnalysis', 'Report', 'Notify']);
    assert.deepEqual(cost.states, ['Start', 'Route', 'CostAnalysis', 'Report', 'Notify', 'Finish', 'AnalysisDone']);
    assert.ok(cost.output.cost.resources > 0);
    assert.ok(cost.output.report.keys.length > 0);
    assert.ok(Array.isArray(cost.output.notify.alerts));

    const sec = await execute({ action: 'security_check' }, { demo: ORG_FIXED, dir });
    assertSucceeded(sec);
    assert.deepEqual(sec.calls.map((c) => c.state), ['SecurityCheck', 'Report', 'Notify']);
    assert.ok(sec.output.security);
    assert.ok(sec.output.report.keys.length > 0);

    const cleanup = await execute({ action: 'cleanup' }, { demo: ORG_FIXED, dir });
    assertSucceeded(cleanup);
    assert.deepEqual(cleanup.calls.map((c) => c.state), ['Cleanup']);
    assert.deepEqual(cleanup.states, ['Start', 'Route', 'Cleanup']);
    assert.ok(cleanup.output.cleanup);
  });
});

describe('malformed input fails fast with InvalidInput', () => {
  test('an unknown action fails at the Route state without calling any Lambda', async () => {
    const run = await execute({ action: 'nope' }, { demo: SMALL_ORG, dir: tempDir() });
    assert.equal(run.error?.name, 'InvalidInput');
    assert.match(run.error.cause, /cost_analysis/);
    assert.deepEqual(run.calls, []);
    assert.deepEqual(run.states, ['Start', 'Route', 'UnknownAction']);
  });

  for (const [what, input, field] of [
    ['a bad account ID', { accounts: ['12'] }, /accounts/],
    ['an unknown field', { action: 'collect', acounts: ['123456789012'] }, /acounts/],
    ['an unknown resource type', { resource_types: ['ec3'] }, /ec3/],
  ]) {
    test(`${what} fails in Plan, not retried, with a cause naming it`, async () => {
      const run = await execute(input, { demo: SMALL_ORG, dir: tempDir() });
      assert.deepEqual(run.crashes, []);
      assert.equal(run.error?.name, 'InvalidInput');
      assert.match(run.error.cause, field);
      assert.deepEqual(run.calls.map((c) => c.state), ['Plan'], 'Plan only, once');
      assert.deepEqual(run.states, ['Start', 'Route', 'Plan', 'RejectInput']);
    });
  }
});

describe('Collect errors: Retry and Catch inside the Map child', () => {
  test('service errors and StoreError are retried; an item that times out or stays throttled is recorded as failed and replayable', async () => {
    let targets;
    const attempts = {};
    const behaviour = (n) => [
      // Lambda hiccup: fails once, then works.
      () => (n === 1 ? lambdaError('Lambda.ServiceException', 'Rate exceeded? no: internal error') : null),
      // Store unavailable twice, then works.
      () => (n <= 2 ? lambdaError('StoreError', 'dynamodb: ProvisionedThroughputExceededException') : null),
      // The function timed out: not retried, recorded.
      () => lambdaError('Lambda.Unknown', 'Task timed out after 900.00 seconds'),
      // Lambda throttles on every attempt: retried until MaxAttempts, then recorded.
      () => lambdaError('Lambda.TooManyRequestsException', 'Rate Exceeded.'),
    ];
    const run = await execute(
      { action: 'collect' },
      {
        demo: SMALL_ORG,
        dir: tempDir(),
        intercept: {
          Plan: async (input, callGo) => {
            const out = await callGo();
            targets = out[HARNESS_ITEMS_FIELD].slice(0, 4).map(key);
            return out;
          },
          Collect: async (input, callGo) => {
            const k = key(input);
            const i = targets.indexOf(k);
            attempts[k] = (attempts[k] ?? 0) + 1;
            const err = i >= 0 ? behaviour(attempts[k])[i]() : null;
            if (err) throw err;
            return callGo();
          },
        },
      },
    );
    assertSucceeded(run);
    const [recovered, storeRetried, timedOut, throttled] = targets;
    const collectRetrier = (name) => run.calls.find((c) => c.state === 'Collect' && c.error?.name === name);
    assert.ok(collectRetrier('Lambda.ServiceException'));
    assert.deepEqual(
      [attempts[recovered], attempts[storeRetried], attempts[timedOut], attempts[throttled]],
      [2, 3, 1, 9],
      'ServiceException retried once, StoreError twice, Lambda.Unknown never, throttling until MaxAttempts 8',
    );
    const recorded = callsOf(run, 'RecordFailure');
    assert.deepEqual(keys(recorded.map((c) => c.input.item)), [timedOut, throttled].sort());
    for (const c of recorded) {
      assert.deepEqual(Object.keys(c.input).sort(), ['failure', 'item']);
      assert.ok(c.input.failure.Error, 'the caught error object is handed on whole');
      assert.ok(!Object.hasOwn(c.input.item, 'failure'), 'RecordFailure gets the work item as it was');
    }
    const s = run.output.summary;
    assert.equal(s.status, 'partial');
    assert.deepEqual(keys(s.failed_items), [timedOut, throttled].sort());
    const byKey = Object.fromEntries(s.failed_items.map((f) => [key(f), f]));
    assert.match(byKey[timedOut].error, /Lambda\.Unknown.*Task timed out/);
    assert.match(byKey[throttled].error, /Lambda\.TooManyRequestsException/);
    assert.deepEqual(keys(s.replay_input.items), [timedOut, throttled].sort());
    assert.equal(s.items.failed, 2);
    assert.equal(s.items.total, plannedItems(run).length);
  });

  test('a Map that fails (a child cannot even record its failure) fails the execution, so it can be redriven, and the run stays replayable', async () => {
    let target;
    const dir = tempDir();
    const run = await execute(
      { action: 'collect' },
      {
        demo: SMALL_ORG,
        dir,
        intercept: {
          Plan: async (input, callGo) => {
            const out = await callGo();
            target = key(out[HARNESS_ITEMS_FIELD][0]);
            return out;
          },
          Collect: async (input, callGo) => {
            if (key(input) === target) throw lambdaError('Lambda.Unknown', 'Task timed out after 900.00 seconds');
            return callGo();
          },
          RecordFailure: async (input, callGo) => {
            if (key(input.item) === target) throw lambdaError('StoreError', 'dynamodb: service unavailable');
            return callGo();
          },
        },
      },
    );
    // Not caught: on AWS the execution fails at CollectItems
    // (States.ExceedToleratedFailureThreshold) and the console's Redrive
    // re-runs only the failed children, then goes on to Aggregate.
    assert.ok(run.error, 'the execution must fail');
    assert.equal(callsOf(run, 'RecordFailure').filter((c) => key(c.input.item) === target).length, 9);
    assert.ok(!run.states.includes('Aggregate'));
    // Without a redrive, the run is replayed by its ID: its item that never
    // got an outcome is pending in the store, so Plan re-plans it.
    const runID = callsOf(run, 'Plan')[0].output.run_id;
    const replay = await execute({ action: 'collect', replay_of: runID }, { demo: SMALL_ORG, dir });
    assertSucceeded(replay);
    assert.ok(keys(plannedItems(replay)).includes(target), 'the item that never got an outcome is replayed');
    assert.equal(replay.output.summary.replay_of, runID);
  });

  test('an execution named run-… gives the run its name, and the execution ARN reaches the alerts', async () => {
    const name = 'run-20261126T120000Z-0a0b0c';
    const run = await execute({}, { demo: 'accounts=3,regions=1,denied=1,suspended=0,seed=5', dir: tempDir(), name });
    assertSucceeded(run);
    assert.equal(run.output.run_id, name);
    assert.equal(run.output.summary.run_id, name);
    const partial = run.output.notify.alerts.find((a) => a.kind === 'run_partial');
    assert.ok(partial, 'the demo org has a denied account: a partial-run alert');
    assert.match(JSON.stringify(partial), new RegExp(`inventory replay --execution ${EXECUTION_ARN_PREFIX}${name}`));
  });
});
