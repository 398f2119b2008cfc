// examples/reactive/paid-orders.mjs as a user runs it (here from the checkout's sources): exit code 0, only paid
// orders in the file, in euros, without the address; a second run resumes from the offsets and adds nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from '../../support/processes.js';

const run = (dir: string) =>
  spawnSync(process.execPath, ['--conditions=sluice-source', '--import', 'tsx', join(REPO, 'examples/reactive/paid-orders.mjs'), dir], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 60_000,
  });

test('the reactive example writes the paid orders once, and a second run resumes without duplicates', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-reactive-example-'));
  const first = run(dir);
  assert.equal(first.status, 0, first.stderr);
  const lines = readFileSync(join(dir, 'paid-orders.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.match(first.stdout, new RegExp(`paid orders written to .*: ${lines.length}\\n`));
  assert.ok(lines.length > 100 && lines.length < 2000, `${lines.length} paid orders of 2000`);
  for (const order of lines) {
    assert.equal(order['status'], 'PAID');
    assert.equal(order['currency'], 'EUR');
    assert.equal('shipping_address' in order, false);
    assert.equal(typeof order['price'], 'number');
  }
  const ids = lines.map((o) => o['order_id'] as number);
  assert.deepEqual(ids, [...ids].sort((a, b) => a - b), 'in order');
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'offsets.json'), 'utf8')), { '["orders",{"task":0}]': { seq: 1999 } });

  const second = run(dir);
  assert.equal(second.status, 0, second.stderr);
  assert.match(second.stdout, /paid orders written to .*: 0\n/);
  assert.equal(readFileSync(join(dir, 'paid-orders.jsonl'), 'utf8').trim().split('\n').length, lines.length);
});
