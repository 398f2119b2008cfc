// `sluice validate` and `sluice run` treat connector configs as Kafka Connect does: keys nobody defines are kept
// (with a did-you-mean warning), values that would fail at run time are refused up front with key and reason.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { orderIds, sluiceToEnd, tempDir, writeJson } from './support.js';

function pipeline(dir: string, genExtra: Record<string, unknown> = {}, sinkExtra: Record<string, unknown> = {}) {
  return {
    connectors: [
      { name: 'gen', config: { 'connector.class': 'datagen', 'kafka.topic': 'orders', quickstart: 'orders', 'max.records': 50, 'random.seed': 7, ...genExtra } },
      {
        name: 'out',
        config: {
          'connector.class': 'FileStreamSink', topics: 'orders', file: join(dir, 'orders.jsonl'),
          'value.converter': 'org.apache.kafka.connect.json.JsonConverter', 'value.converter.schemas.enable': 'false', ...sinkExtra,
        },
      },
    ],
  };
}

describe('connector configs in the CLI, as Kafka Connect takes them', () => {
  test('validate and run keep keys nobody defines, warning with a did-you-mean', async () => {
    const dir = tempDir('unknown-keys');
    const file = writeJson(dir, 'pipeline.json', pipeline(dir, { 'quickstrat': 'users', 'my.company.owner': 'team-a' }));
    const v = await sluiceToEnd(['validate', file]);
    assert.equal(v.code, 0, v.stdout + v.stderr);
    assert.match(v.stdout, /^OK: /);
    assert.match(v.stderr, /connector "gen": "quickstrat": unknown connector configuration key "quickstrat" \(did you mean "quickstart"\?\)/);
    assert.match(v.stderr, /connector "gen": "my\.company\.owner": unknown connector configuration key "my\.company\.owner"/);
    const json = await sluiceToEnd(['validate', '--json', file]);
    assert.equal(json.code, 0);
    const body = JSON.parse(json.stdout) as { valid: boolean; warnings: Array<{ connector: string; key: string }> };
    assert.equal(body.valid, true);
    assert.deepEqual(body.warnings.map((w) => `${w.connector}:${w.key}`), ['gen:quickstrat', 'gen:my.company.owner']);

    const r = await sluiceToEnd(['run', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(orderIds(join(dir, 'orders.jsonl')).length, 50);
    assert.equal(r.stderr.match(/unknown connector configuration key "quickstrat"/g)?.length ?? 0, 1, `warned once: ${r.stderr}`);
  });

  test('validate and run refuse values that would fail at run time, naming the key', async () => {
    const dir = tempDir('bad-values');
    const file = writeJson(dir, 'pipeline.json', pipeline(dir, {}, { topics: 'orders,bad topic', 'value.converter.schemas.enable': 'maybe' }));
    const v = await sluiceToEnd(['validate', file]);
    assert.equal(v.code, 2, v.stdout + v.stderr);
    assert.match(v.stdout, /connector "out": "topics": .*Topic name is invalid: 'bad topic' contains one or more characters other than ASCII alphanumerics/);
    assert.match(v.stdout, /connector "out": "value\.converter\.schemas\.enable": Invalid value maybe for configuration schemas\.enable/);
    const r = await sluiceToEnd(['run', file]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /the pipeline cannot run/);
    assert.match(r.stderr, /"topics": .*Topic name is invalid/);
  });
});
