/**
 * A lock between test PROCESSES (test files run in parallel, one process each): a directory that only one
 * process can create. Used around one-time builds into .stack/ and runs of Maven, whose local repository
 * (~/.m2) is not safe for two writers. Synchronous, because the builders it guards are.
 * A lock whose owner died (its pid is gone, or it never wrote one within a minute) is taken over.
 */
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const POLL_MS = 200;
const UNOWNED_STALE_MS = 60_000;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True if nobody holds the lock any more: the owner is gone, or the directory never got an owner. */
function stale(lockDir: string): boolean {
  try {
    const pid = Number(readFileSync(join(lockDir, 'pid'), 'utf8'));
    return Number.isInteger(pid) && pid > 0 && !alive(pid);
  } catch {
    try {
      return Date.now() - statSync(lockDir).mtimeMs > UNOWNED_STALE_MS;
    } catch {
      return false; // released meanwhile
    }
  }
}

/** Runs `fn` while holding the lock `lockDir` (created, with its parent, as needed); waits at most `timeoutMs`. */
export function withFileLock<T>(lockDir: string, what: string, fn: () => T, timeoutMs = 20 * 60_000): T {
  mkdirSync(dirname(lockDir), { recursive: true });
  const start = Date.now();
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    if (stale(lockDir)) {
      rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() - start > timeoutMs) throw new Error(`${what}: waited ${timeoutMs} ms for the lock ${lockDir}`);
    sleepSync(POLL_MS);
  }
  try {
    writeFileSync(join(lockDir, 'pid'), String(process.pid));
    return fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}
