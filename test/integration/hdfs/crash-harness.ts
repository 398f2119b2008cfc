/** Runs crash-child.ts again and again, SIGKILLing it at random points, then lets the last run finish. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './java-tools.js';
import { tsScriptArgs } from '../../support/processes.js';
import type { CrashSettings } from './crash-child.js';

export interface CrashRunResult {
  readonly kills: number;
  readonly killedBeforeReady: number;
  readonly runs: number;
  readonly violations: string[];
  readonly log: string[];
}

/** A small deterministic PRNG (mulberry32), so a failing run can be repeated with its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface ChildOutcome {
  readonly done: boolean;
  readonly killed: boolean;
  readonly beforeReady: boolean;
  readonly output: string;
  readonly code: number | null;
}

function runChild(settings: CrashSettings, killAfter: { fromSpawn?: number; fromReady?: number } | null, timeoutMs: number): Promise<ChildOutcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, tsScriptArgs(join(ROOT, 'test/integration/hdfs/crash-child.ts'), [JSON.stringify(settings)]), {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env },
    });
    let out = '';
    let ready = false;
    let killed = false;
    let timer: NodeJS.Timeout | undefined;
    const kill = (): void => {
      if (child.exitCode === null && !killed) {
        killed = true;
        child.kill('SIGKILL');
      }
    };
    if (killAfter?.fromSpawn !== undefined) timer = setTimeout(kill, killAfter.fromSpawn);
    const guard = setTimeout(() => {
      out += `\n[harness] timeout after ${timeoutMs} ms`;
      kill();
    }, timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (!ready && out.includes('READY')) {
        ready = true;
        if (killAfter?.fromReady !== undefined) timer = setTimeout(kill, killAfter.fromReady);
      }
    });
    child.stderr!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('exit', (code) => {
      clearTimeout(guard);
      if (timer) clearTimeout(timer);
      resolve({ done: out.includes('DONE'), killed, beforeReady: killed && !ready, output: out, code });
    });
  });
}

/**
 * Kills the child `kills` times at random points (about one in five during startup/recovery, the others a
 * random time after recovery), then runs it to completion.
 */
export async function crashLoop(settings: CrashSettings, kills: number, seed: number, maxAfterReadyMs: number): Promise<CrashRunResult> {
  const rnd = prng(seed);
  const log: string[] = [];
  const violations: string[] = [];
  let done = 0;
  let killedBeforeReady = 0;
  let runs = 0;
  for (let k = 0; k < kills; k++) {
    const early = rnd() < 0.2;
    const when = early ? { fromSpawn: Math.floor(300 + rnd() * 900) } : { fromReady: Math.floor(rnd() * maxAfterReadyMs) };
    const r = await runChild(settings, when, 120_000);
    runs++;
    if (r.output.includes('VIOLATION')) violations.push(r.output);
    log.push(`run ${runs}: ${JSON.stringify(when)} → ${r.killed ? 'killed' : `exit ${r.code}`}${r.beforeReady ? ' before READY' : ''} ${/READY (\[[^\]]*\])/.exec(r.output)?.[1] ?? ''}`);
    if (r.beforeReady) killedBeforeReady++;
    if (!r.killed && r.code !== 0) throw new Error(`crash child failed (exit ${r.code}):\n${r.output.slice(-4000)}`);
    if (r.done) {
      done++;
      break;
    }
  }
  if (done === 0) {
    const r = await runChild(settings, null, 600_000);
    runs++;
    log.push(`final run → exit ${r.code} ${/READY (\[[^\]]*\])/.exec(r.output)?.[1] ?? ''}`);
    if (r.output.includes('VIOLATION')) violations.push(r.output);
    if (!r.done || r.code !== 0) throw new Error(`the final run did not finish (exit ${r.code}):\n${r.output.slice(-4000)}`);
  }
  return { kills: runs - 1, killedBeforeReady, runs, violations, log };
}
