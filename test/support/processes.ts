/**
 * How integration tests start Sluice (or a TypeScript helper script) as a separate process.
 * Normally through tsx, as a user does: tsx compiles the sources in every such process (~1.5 s of CPU each).
 * Under scripts/run-tests.mjs, which has already transpiled src/ and test/ (SLUICE_TEST_BUILD names that
 * folder; the same esbuild transform tsx applies), a process runs the transpiled files instead.
 * bin/sluice.js itself stays covered: `sluiceBinArgs` always names it, and cli.test.ts uses it.
 */
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const BUILD = process.env['SLUICE_TEST_BUILD'];

/** The transpiled twin of a .ts file of the repository, if the runner built one. */
function built(tsPath: string): string | null {
  if (!BUILD) return null;
  const js = join(BUILD, relative(REPO, tsPath).replace(/\.ts$/, '.js'));
  return existsSync(js) ? js : null;
}

/** node arguments for `sluice <args>` through bin/sluice.js, exactly as a user runs it. */
export function sluiceBinArgs(args: readonly string[]): string[] {
  return [join(REPO, 'bin', 'sluice.js'), ...args];
}

/** node arguments for `sluice <args>`: the transpiled CLI when there is one, else bin/sluice.js. */
export function sluiceArgs(args: readonly string[]): string[] {
  const js = built(join(REPO, 'test', 'support', 'sluice-main.ts'));
  return js ? [js, ...args] : sluiceBinArgs(args);
}

/** A .ts file of the repository for a process to import (a `--plugin`): its transpiled twin when the CLI runs transpiled too. */
export function importablePath(tsPath: string): string {
  return built(tsPath) ?? tsPath;
}

/** node arguments to run a TypeScript script of the repository: its transpiled twin, else through tsx. */
export function tsScriptArgs(tsPath: string, args: readonly string[] = []): string[] {
  const js = built(tsPath);
  return js ? [js, ...args] : ['--import', 'tsx', tsPath, ...args];
}
