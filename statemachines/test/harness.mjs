// Local execution harness for statemachines/inventory.asl.json.
//
// The REAL definition runs in aws-local-stepfunctions; every Task state is
// overridden by a function that runs the Go stage behind it through the local
// invoke entry point (bin/localinvoke: one JSON event on stdin, the result on
// stdout, or {"errorType","errorMessage"} on stdout with exit status 1), on
// the synthetic organization (--demo), a SQLite store (--db) and a directory
// standing in for S3 (--work-dir: bucket B key K = DIR/B/K).
//
// What differs from AWS, all of it here:
//   - ItemReader is not executed by aws-local-stepfunctions (it only
//     validates it). emulateItemReader() below replaces it, in memory only,
//     with an ItemsPath to items the Plan override reads from the object
//     Plan wrote. Nothing else in the definition is changed (asserted by the
//     tests with definitionDiff).
//   - ToleratedFailurePercentage, ResultWriter, the STANDARD child executions
//     and Map Run redrive are not executed locally: the Map runs its
//     iterations in-process, returns an array, and fails as soon as one
//     iteration fails.
//   - Retry waits are set to zero (retryIntervalOverrides), so backoff and
//     jitter are not exercised, only which errors are retried how often.
// A function error is raised as Step Functions raises it: Error = errorType,
// Cause = the error payload as JSON ({"errorMessage","errorType"}).
// Keep in mind when editing the ASL: aws-local-stepfunctions 3.0.0 mishandles
// an explicit "ResultPath": "$" (it sets a key named "$"); leave ResultPath
// out instead, which means the same on AWS.
import './promise-withresolvers.cjs';

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { StateMachine } from 'aws-local-stepfunctions';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ASL_PATH = join(REPO, 'statemachines', 'inventory.asl.json');
export const LOCALINVOKE = process.env.LOCALINVOKE || join(REPO, 'bin', 'localinvoke');

// The DefinitionSubstitutions the CDK app passes, with example values of the
// right shape (the validator checks Task Resources are ARNs).
export const EXAMPLE_SUBSTITUTIONS = Object.freeze({
  PlanFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:inventory-plan',
  CollectFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:inventory-collect',
  RecordFailureFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:inventory-recordfailure',
  AggregateFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:inventory-aggregate',
  CostFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:inventory-cost',
  SecurityFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:inventory-security',
  ReportFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:inventory-report',
  NotifyFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:inventory-notify',
  CleanupFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:inventory-cleanup',
  WorkBucket: 'inventory-work-111122223333-eu-west-1',
});

// Which Go stage each Task state runs (the one table of the harness).
export const STAGE_OF_STATE = Object.freeze({
  Plan: 'plan',
  Collect: 'collect',
  RecordFailure: 'recordfailure',
  Aggregate: 'aggregate',
  Cost: 'cost',
  Security: 'security',
  CostAnalysis: 'cost',
  SecurityCheck: 'security',
  Report: 'report',
  Notify: 'notify',
  Cleanup: 'cleanup',
});

export const MAP_STATE = 'CollectItems';
// Harness-only field of Plan's result ($.plan) that carries the items the
// ItemReader would have read. Stripped from every task input before it
// reaches Go, so the stages see exactly what they would see on AWS.
export const HARNESS_ITEMS_FIELD = 'harness_items';

export function rawDefinitionText() {
  return readFileSync(ASL_PATH, 'utf8');
}

// variablesIn lists the ${Name} substitution variables of a definition text.
export function variablesIn(text) {
  return [...new Set([...text.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1]))].sort();
}

// substitute does what CloudFormation does with DefinitionSubstitutions; an
// unknown variable is an error, as it is at deploy time.
export function substitute(text, values = EXAMPLE_SUBSTITUTIONS) {
  return text.replace(/\$\{([^}]*)\}/g, (_, name) => {
    if (!Object.hasOwn(values, name)) {
      throw new Error(`unknown substitution variable \${${name}}`);
    }
    return values[name];
  });
}

export function loadDefinition() {
  return JSON.parse(substitute(rawDefinitionText()));
}

// allStates walks the definition, Map processors and Parallel branches
// included, and returns every state by name.
export function allStates(def, out = {}) {
  for (const [name, state] of Object.entries(def.States)) {
    if (Object.hasOwn(out, name)) {
      throw new Error(`state name ${name} is used twice`);
    }
    out[name] = state;
    for (const sub of [state.ItemProcessor, state.Iterator, ...(state.Branches ?? [])]) {
      if (sub) allStates(sub, out);
    }
  }
  return out;
}

// ---- ItemReader emulation (the only change to the definition) ----

// emulateItemReader returns a copy of def whose Distributed Map takes its
// items from $.plan.<HARNESS_ITEMS_FIELD> instead of the S3 object.
export function emulateItemReader(def) {
  const local = structuredClone(def);
  const map = local.States[MAP_STATE];
  if (!map || map.Type !== 'Map' || !map.ItemReader) {
    throw new Error(`${MAP_STATE} is not a Map state with an ItemReader`);
  }
  delete map.ItemReader;
  map.ItemsPath = `$.plan.${HARNESS_ITEMS_FIELD}`;
  return local;
}

// readPlannedItems is what the ItemReader does on AWS: read the JSON array
// at the bucket and key of Plan's result (here under the work dir).
function readPlannedItems(workDir, plan) {
  const { bucket, key } = plan?.items ?? {};
  if (!bucket || !key) {
    throw new Error(`Plan's result has no items location: ${JSON.stringify(plan)}`);
  }
  const items = JSON.parse(readFileSync(join(workDir, bucket, key), 'utf8'));
  if (!Array.isArray(items)) {
    throw new Error(`s3://${bucket}/${key} is not a JSON array`);
  }
  return items;
}

function withoutHarnessField(input) {
  if (input?.plan && Object.hasOwn(input.plan, HARNESS_ITEMS_FIELD)) {
    const { [HARNESS_ITEMS_FIELD]: _, ...plan } = input.plan;
    return { ...input, plan };
  }
  return input;
}

// definitionDiff lists the dotted paths where a and b differ.
export function definitionDiff(a, b, path = '') {
  const isObj = (v) => v !== null && typeof v === 'object';
  if (!isObj(a) || !isObj(b) || Array.isArray(a) !== Array.isArray(b)) {
    return Object.is(a, b) ? [] : [path];
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  const out = [];
  for (const k of [...keys].sort()) {
    const p = path ? `${path}.${k}` : k;
    if (!Object.hasOwn(a, k) || !Object.hasOwn(b, k)) out.push(p);
    else out.push(...definitionDiff(a[k], b[k], p));
  }
  return out;
}

// ---- Lambda stand-in ----

// lambdaError is the error Step Functions raises for a function error: the
// name is the function's errorType (what Retry/Catch match) and the cause is
// the function's error payload as JSON, as on AWS.
export function lambdaError(errorType, errorMessage) {
  const err = new Error(JSON.stringify({ errorMessage, errorType }));
  err.name = errorType;
  return err;
}

// A small semaphore: the Map would otherwise start dozens of Go processes at
// once on a two-core machine.
function limiter(n) {
  let active = 0;
  const waiting = [];
  return async (fn) => {
    if (active >= n) await new Promise((r) => waiting.push(r));
    active++;
    try {
      return await fn();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}
const processSlots = limiter(Math.max(2, availableParallelism()));

export function assertLocalInvokeBuilt() {
  if (!existsSync(LOCALINVOKE)) {
    throw new Error(
      `${LOCALINVOKE} is missing: build it with \`go build -o bin/localinvoke ./functions/localinvoke\` ` +
        '(make test builds it before the state machine tests)',
    );
  }
}

function runLocalInvoke(env, stage, input) {
  const args = ['--stage', stage, '--demo', env.demo, '--db', env.db, '--work-dir', env.workDir];
  const run = processSlots(
    () =>
      new Promise((resolvePromise, reject) => {
        const child = spawn(LOCALINVOKE, args, { stdio: ['pipe', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
        child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
        child.on('error', reject);
        child.on('close', (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
        child.stdin.end(JSON.stringify(input));
      }),
  );
  env.inflight.add(run);
  run.finally(() => env.inflight.delete(run)).catch(() => {});
  return run;
}

async function invokeStage(env, state, stage, input) {
  const { code, signal, stdout, stderr } = await runLocalInvoke(env, stage, withoutHarnessField(input));
  if (code === 0) {
    const result = JSON.parse(stdout);
    if (state === 'Plan') {
      return { ...result, [HARNESS_ITEMS_FIELD]: readPlannedItems(env.workDir, result) };
    }
    return result;
  }
  if (code === 1) {
    let payload;
    try {
      payload = JSON.parse(stdout);
    } catch {
      payload = undefined;
    }
    if (payload?.errorType) {
      throw lambdaError(payload.errorType, payload.errorMessage ?? '');
    }
  }
  // Anything else is a crash of the entry point: on AWS an unhandled function
  // error (Lambda.Unknown). Recorded so tests can insist there were none.
  const crash = { state, stage, code, signal, stdout, stderr };
  env.crashes.push(crash);
  throw lambdaError('Lambda.Unknown', `localinvoke --stage ${stage} exited with ${signal ?? code}: ${stderr.trim()}`);
}

// MAX_PAYLOAD is Step Functions' limit on a state's input or output (256 KiB).
// aws-local-stepfunctions does not enforce it; on AWS exceeding it is
// States.DataLimitExceeded, which no Catch handles. Recorded as a crash, so
// every test that asserts success also asserts every payload fits.
const MAX_PAYLOAD = 256 * 1024;

function checkPayload(env, state, what, value) {
  const size = Buffer.byteLength(JSON.stringify(value ?? null));
  if (size > MAX_PAYLOAD) {
    env.crashes.push({ state, stage: STAGE_OF_STATE[state], error: `States.DataLimitExceeded: ${what} of ${size} bytes` });
  }
}

// ---- Executions ----

let machine;
// localMachine is the real definition, substituted and with the ItemReader
// emulated, validated by aws-local-stepfunctions' own asl-validator (ARNs and
// paths checked).
export function localMachine() {
  machine ??= new StateMachine(emulateItemReader(loadDefinition()), {
    validationOptions: { checkArn: true, checkPaths: true },
  });
  return machine;
}

function zeroRetryWaits() {
  const out = {};
  for (const [name, state] of Object.entries(allStates(loadDefinition()))) {
    if (state.Retry) out[name] = 0;
  }
  return out;
}

// execute runs one execution of the state machine.
//   input      the execution input
//   demo       fakeorg spec for --demo (e.g. "accounts=6,regions=2,denied=1,seed=7")
//   dir        directory holding the store (inventory.db) and the work dir
//   name       the execution's name (default: a UUID, as schedules and the
//              console give; `inventory run` names executions run-…)
//   intercept  {StateName: async (input, callGo, call) => result}: replaces a
//              task's handler (callGo(input?) runs the real stage), to inject
//              errors such as Lambda.ServiceException
// It returns {output, error, calls, states, crashes}: calls lists every task
// attempt in order ({state, stage, input, output | error}); states the names
// of the top-level states entered, in order.
export const EXECUTION_ARN_PREFIX = 'arn:aws:states:us-east-1:123456789012:execution:aws-inventory:';

export async function execute(input, { demo, dir, name = randomUUID(), intercept = {} }) {
  assertLocalInvokeBuilt();
  const env = { demo, db: join(dir, 'inventory.db'), workDir: join(dir, 'work'), crashes: [], inflight: new Set() };
  mkdirSync(env.workDir, { recursive: true });
  const calls = [];
  const taskResourceLocalHandlers = {};
  for (const [state, stage] of Object.entries(STAGE_OF_STATE)) {
    taskResourceLocalHandlers[state] = async (taskInput) => {
      const call = { state, stage, input: withoutHarnessField(taskInput) };
      calls.push(call);
      const callGo = (i = taskInput) => invokeStage(env, state, stage, i);
      checkPayload(env, state, 'input', call.input);
      try {
        call.output = await (intercept[state] ? intercept[state](taskInput, callGo, call) : callGo());
        const { [HARNESS_ITEMS_FIELD]: _, ...real } = call.output ?? {};
        checkPayload(env, state, 'output', real);
        return call.output;
      } catch (err) {
        call.error = { name: err.name, cause: err.message };
        throw err;
      }
    };
  }
  // The context object AWS gives every execution; the Start state reads it.
  const context = { Execution: { Id: `${EXECUTION_ARN_PREFIX}${name}`, Name: name } };
  const execution = localMachine().run(input, {
    overrides: { taskResourceLocalHandlers, retryIntervalOverrides: zeroRetryWaits() },
    context,
  });
  const events = (async () => {
    const out = [];
    for await (const e of execution.eventLogs) out.push(e);
    return out;
  })();
  let output;
  let error;
  try {
    output = await execution.result;
  } catch (err) {
    const cause = err.cause ?? err;
    error = { name: cause.name, cause: cause.message };
  }
  // A failed Map aborts its other iterations, but processes already started
  // still finish (as Lambda invocations do): wait for them, so nothing writes
  // to the store after the execution has been inspected.
  while (env.inflight.size > 0) await Promise.allSettled([...env.inflight]);
  // Nested Map and Parallel states are forwarded into the same log; state
  // names are unique, so the top-level path is the entered top-level names.
  const topLevel = new Set(Object.keys(localMachine().definition.States));
  const states = (await events)
    .filter((e) => e.type === 'StateEntered' && topLevel.has(e.state.name))
    .map((e) => e.state.name);
  return { output, error, calls, states, crashes: env.crashes };
}
