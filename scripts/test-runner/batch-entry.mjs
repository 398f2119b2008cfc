// Runs several test files in this one process (node's test runner, direct mode), each inside a suite named by
// the file, so a result says which file it comes from. Used for the unit tests: starting one process per file
// costs more than most unit files' own work, and they share no state (no globals, no fixed paths or ports).
//
//   node --test-reporter=tap batch-entry.mjs '[{"name": "test/unit/a.test.ts", "path": "/abs/a.test.js"}, ...]'
import { describe } from 'node:test';
import { pathToFileURL } from 'node:url';

const files = JSON.parse(process.argv[2] ?? '[]');
for (const { name, path } of files) {
  describe(name, async () => {
    await import(pathToFileURL(path).href);
  });
}
