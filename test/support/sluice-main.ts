/**
 * bin/sluice.js without tsx: the entry the integration tests start as a separate process when
 * scripts/run-tests.mjs has transpiled the sources already (see ./processes.ts).
 */
import { runAndExit } from '../../src/cli/main.js';

await runAndExit(process.argv.slice(2));
