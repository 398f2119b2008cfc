// One `node --test` process: its stdout and stderr handed over line by line.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const running = new Set();

/**
 * Runs `node <args>`; `onStdout`/`onStderr` get each line (without its newline).
 * Resolves with { code, signal, ms } once the process has exited and both streams are drained.
 */
export function runNode(args, { onStdout, onStderr, env = process.env }) {
  const started = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  running.add(child);
  const drained = [lines(child.stdout, onStdout), lines(child.stderr, onStderr)];
  const exited = new Promise((resolve) => {
    child.once('error', (e) => resolve({ code: null, signal: null, error: e }));
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  return Promise.all([exited, ...drained]).then(([r]) => {
    running.delete(child);
    return { ...r, ms: performance.now() - started };
  });
}

function lines(stream, each) {
  return new Promise((resolve) => {
    const rl = createInterface({ input: stream, crlfDelay: Infinity });
    rl.on('line', each);
    rl.once('close', resolve);
  });
}

/** Passes a signal on to every running test process (Ctrl-C, a CI job's timeout). */
export function signalAll(signal) {
  for (const child of running) child.kill(signal);
}
