// Preloaded into every test process: its stdout and stderr, pipes to the runner, write synchronously.
// --test-force-exit ends a test process with process.exit() once its tests are done, and process.exit() drops
// what a pipe has not taken yet: when the runner reads slowly (a loaded machine), the end of a file's TAP report
// was lost and the file counted as failed "without reporting its tests" (nodejs/node#54327, #64833; seen in a
// fresh-clone CI run on Node 24). A blocking pipe has nothing left to drop.
for (const stream of [process.stdout, process.stderr]) {
  const handle = /** @type {{ setBlocking?: (on: boolean) => number } | undefined} */ (/** @type {any} */ (stream)._handle);
  handle?.setBlocking?.(true);
}
