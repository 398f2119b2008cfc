// `sluice registry` as a separate process: it serves, stops with exit 0 on SIGTERM, and refuses bad flags.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KAFKA_BROKERS, uniqueName } from '../../support/services.js';
import { sluice, sluiceToEnd, tempDir, until } from '../cli/support.js';
import { call } from '../../unit/registry/support.js';

async function urlOf(p: ReturnType<typeof sluice>): Promise<string> {
  let url: string | undefined;
  await until(() => {
    url = /listening on (\S+)/.exec(p.stdout())?.[1];
    return url !== undefined || p.child.exitCode !== null;
  }, 'the registry to print its URL', 60_000);
  assert.ok(url, `no URL; stdout: ${p.stdout()} stderr: ${p.stderr()}`);
  return url!;
}

test('sluice registry --kafka serves the API and stops with exit 0 on SIGTERM', async () => {
  const topic = uniqueName('schemas');
  const p = sluice(['registry', '--kafka', KAFKA_BROKERS.join(','), '--topic', topic, '--port', '0', '--log-level', 'warn']);
  try {
    const url = await urlOf(p);
    assert.match(p.stdout(), new RegExp(`records in topic ${topic}`));
    assert.deepEqual((await call(url, 'POST', '/subjects/cli-value/versions', { schema: '"string"' })).body, { id: 1 });
    assert.deepEqual((await call(url, 'GET', '/subjects')).body, ['cli-value']);
  } finally {
    p.child.kill('SIGTERM');
  }
  const { code, signal } = await p.exited;
  assert.equal(signal, null);
  assert.equal(code, 0, p.stderr());
});

test('sluice registry --config reads Confluent keys; --file keeps records in a file', async () => {
  const dir = tempDir('registry');
  const config = join(dir, 'schema-registry.properties');
  writeFileSync(config, `listeners=http://127.0.0.1:0\nschema.compatibility.level=full\nsluice.registry.file=${join(dir, 'schemas.jsonl')}\nkafkastore.group.id=ignored\n`);
  const p = sluice(['registry', '--config', config, '--log-level', 'warn']);
  try {
    const url = await urlOf(p);
    assert.deepEqual((await call(url, 'GET', '/config')).body, { compatibilityLevel: 'FULL' });
    assert.match(p.stdout(), /records in file .*schemas\.jsonl/);
  } finally {
    p.child.kill('SIGINT');
  }
  assert.equal((await p.exited).code, 0, p.stderr());
});

test('a bad flag, a missing store or a bad config value exits non-zero with the reason', async () => {
  const bogus = await sluiceToEnd(['registry', '--bogus']);
  assert.equal(bogus.code, 1);
  assert.match(bogus.stderr, /Unknown option '--bogus'/);
  const none = await sluiceToEnd(['registry', '--port', '0']);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /needs --kafka SERVERS, --file PATH or --memory/);
  const both = await sluiceToEnd(['registry', '--memory', '--file', 'x.jsonl']);
  assert.equal(both.code, 1);
  const level = await sluiceToEnd(['registry', '--memory', '--port', '0', '--compatibility', 'sideways']);
  assert.equal(level.code, 2);
  assert.match(level.stderr, /schema.compatibility.level: "sideways" is not one of/);
  const help = await sluiceToEnd(['registry', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Usage: sluice registry/);
});
