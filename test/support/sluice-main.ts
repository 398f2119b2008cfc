/**
 * bin/sluice.js without tsx: the entry the integration tests start as a separate process when
 * scripts/run-tests.mjs has transpiled the sources already (see ./processes.ts). Keep in step with bin/sluice.js.
 */
import { main } from '../../src/cli/main.js';

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`sluice: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 70;
}
process.exit(process.exitCode);
