#!/usr/bin/env node
// Runs the TypeScript sources directly (no build step): tsx compiles them on load.
import { register } from 'tsx/esm/api';

register();
const { runAndExit } = await import('../src/cli/main.ts');
await runAndExit(process.argv.slice(2));
