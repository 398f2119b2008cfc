#!/usr/bin/env node
// The `sluice` command. Installed from npm, git or a tarball, the package holds the compiled CLI (dist/) and
// runs it with plain node. In a checkout (src/ beside this file) it runs the TypeScript sources through tsx, so
// an edit needs no build; SLUICE_USE_DIST=1 runs the compiled CLI there too (after `npm run build`).
import { existsSync } from 'node:fs';

const sources = new URL('../src/cli/main.ts', import.meta.url);
const useSources = existsSync(sources) && process.env.SLUICE_USE_DIST !== '1';
if (useSources) {
  const { register } = await import('tsx/esm/api');
  register();
}
const { runAndExit } = await import(useSources ? sources.href : new URL('../dist/cli/main.js', import.meta.url).href);
await runAndExit(process.argv.slice(2));
