/** Running `sluice` as a separate OS process, and reading what it left behind. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { sluiceArgs, sluiceBinArgs } from '../../support/processes.js';

export const REPO = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

export interface SluiceProcess {
  readonly child: ChildProcess;
  /** Every JSON log line so far. */
  logs(): Array<Record<string, unknown>>;
  stdout(): string;
  stderr(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `sluice <args>`; `viaBin` insists on bin/sluice.js (else the test runner's transpiled CLI may be used). */
export function sluice(args: readonly string[], options: { viaBin?: boolean } = {}): SluiceProcess {
  const child = spawn(process.execPath, options.viaBin ? sluiceBinArgs(args) : sluiceArgs(args), { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on('close', (code, signal) => done({ code, signal })),
  );
  return {
    child,
    logs: () =>
      out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .flatMap((l) => {
          try {
            return [JSON.parse(l) as Record<string, unknown>];
          } catch {
            return [];
          }
        }),
    stdout: () => out,
    stderr: () => err,
    exited,
  };
}

/** Runs sluice to its end. */
export async function sluiceToEnd(
  args: readonly string[],
  options: { viaBin?: boolean } = {},
): Promise<{ code: number | null; stdout: string; stderr: string; logs: Array<Record<string, unknown>> }> {
  const p = sluice(args, options);
  const { code } = await p.exited;
  return { code, stdout: p.stdout(), stderr: p.stderr(), logs: p.logs() };
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `sluice-${prefix}-`));
}

export function writeJson(dir: string, name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}

/** The `order_id`s in a FileStreamSink output of datagen orders, in file order (robust to a torn last line). */
export function orderIds(file: string): number[] {
  if (!existsSync(file)) return [];
  return [...readFileSync(file, 'utf8').matchAll(/"order_id":(\d+)/g)].map((m) => Number(m[1]));
}

/** Waits (bounded) for an asynchronous condition; not a timing assertion. */
export async function until(check: () => boolean | Promise<boolean>, what: string, limitMs = 60_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Duplicates and gaps of `ids` against 0..n-1. */
export function completeness(ids: readonly number[], n: number): { missing: number[]; duplicates: number } {
  const seen = new Set(ids);
  const missing: number[] = [];
  for (let i = 0; i < n; i++) if (!seen.has(i)) missing.push(i);
  return { missing, duplicates: ids.length - seen.size };
}
