// Promise.withResolvers (Node 22+) for Node 20: aws-local-stepfunctions 3
// calls it for every Task state's timeout. Loaded by harness.mjs before the
// interpreter runs; harmless where Node already has it.
'use strict';
if (typeof Promise.withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers() {
      let resolve;
      let reject;
      const promise = new this((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}
