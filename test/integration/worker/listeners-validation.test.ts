/**
 * `sluice worker` with `listeners=notaurl`: refused when the worker config is validated, naming the key and the
 * reason, with exit code 2, before the worker joins its group (it must not take the lease or start anything).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KAFKA_BROKERS, NATS_URL, uniqueName } from '../../support/services.js';
import { REPO, sluiceArgs } from '../../support/processes.js';

test(
  'listeners=notaurl is refused at validation with the key and the reason (exit 2), before joining the group',
  { timeout: 60_000 },
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-listeners-'));
    try {
      const file = join(dir, 'worker.properties');
      const keys = {
        'group.id': uniqueName('badlisteners'),
        'nats.url': NATS_URL,
        'bootstrap.servers': KAFKA_BROKERS.join(','),
        'offset.storage.topic': uniqueName('badlisteners_offsets'),
        'offset.storage.replication.factor': '1',
        'config.storage.topic': 'unused',
        'status.storage.topic': 'unused',
        listeners: 'notaurl',
      };
      writeFileSync(file, Object.entries(keys).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
      const r = spawnSync(process.execPath, sluiceArgs(['worker', file]), { cwd: REPO, encoding: 'utf8', timeout: 50_000 });
      assert.equal(r.status, 2, `${r.stdout}\n${r.stderr}`);
      assert.match(r.stderr, /listeners/);
      assert.match(r.stderr, /invalid listener "notaurl" \(expected http:\/\/host:port or https:\/\/host:port\)/);
      assert.doesNotMatch(r.stdout, /distributed worker started|lease taken/, 'refused before joining the group');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
