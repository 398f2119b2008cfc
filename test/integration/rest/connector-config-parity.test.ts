// Connector configs over REST as Kafka Connect clients send them: keys nobody defines are stored and echoed (a
// warning is logged once per connector), validate and create agree, and values that would fail at run time are
// refused by both with the key and the reason.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { api, eventually, startWorker, type TestWorker } from './support.js';

let w: TestWorker;
let base: string;

const gen = (extra: Record<string, string> = {}) => ({
  'connector.class': 'datagen', 'kafka.topic': 'parity', 'records.per.second': '10', ...extra,
});

/** Runs `fn` and returns what it wrote to stderr (the in-process worker's default warning sink). */
async function stderrOf(fn: () => Promise<void>): Promise<string> {
  const write = process.stderr.write;
  let text = '';
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    text += String(chunk);
    return (write as (...a: unknown[]) => boolean).call(process.stderr, chunk, ...rest);
  }) as typeof process.stderr.write;
  try {
    await fn();
  } finally {
    process.stderr.write = write;
  }
  return text;
}

describe('connector configs over REST, as Kafka Connect takes them', () => {
  before(async () => {
    w = await startWorker();
    base = w.base;
  });
  after(() => w.stop());

  test('unknown keys: validate reports 0 errors and create/put/patch accept, store and echo them', async () => {
    const config = gen({ 'quickstrat': 'users', 'my.company.owner': 'team-a' });
    const v = await api(base, 'PUT', '/connector-plugins/datagen/config/validate', { ...config, name: 'kept' });
    assert.equal(v.status, 200);
    assert.equal(v.body.error_count, 0);

    let created!: Awaited<ReturnType<typeof api<any>>>;
    const warned = await stderrOf(async () => {
      created = await api(base, 'POST', '/connectors', { name: 'kept', config });
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(created.body.config, { ...config, name: 'kept' });
    assert.match(warned, /connector "kept": unknown connector configuration key "quickstrat" \(did you mean "quickstart"\?\)/);

    const put = await api(base, 'PUT', '/connectors/kept/config', { ...config, 'another.key': 'x' });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.equal(put.body.config['another.key'], 'x');
    const patch = await api(base, 'PATCH', '/connectors/kept/config', { 'patched.key': 'y' });
    assert.equal(patch.status, 200, JSON.stringify(patch.body));
    const stored = await api(base, 'GET', '/connectors/kept/config');
    assert.deepEqual(stored.body, { ...config, name: 'kept', 'another.key': 'x', 'patched.key': 'y' });

    const again = await stderrOf(async () => {
      assert.equal((await api(base, 'PUT', '/connectors/kept/config', stored.body)).status, 200);
    });
    assert.doesNotMatch(again, /quickstrat/, 'warned once per connector');
    assert.equal((await api(base, 'DELETE', '/connectors/kept')).status, 204);
  });

  test('values that would fail at run time: validate reports them on their key and create refuses them', async () => {
    const cases: Array<[Record<string, string>, string, RegExp]> = [
      [{ 'connector.class': 'FileStreamSink', topics: 'a', 'value.converter': 'org.apache.kafka.connect.json.JsonConverter', 'value.converter.schemas.enable': 'maybe' },
        'value.converter.schemas.enable', /Expected value to be either true or false/],
      [{ 'connector.class': 'FileStreamSink', topics: 'orders,bad topic' }, 'topics', /Topic name is invalid/],
      [{ 'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector', topics: 'a', 'connection.url': 'jdbc:postgresql://[bad/db' }, 'connection.url', /Cannot parse host/],
      [{ 'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector', topics: 'a', 'connection.url': 'jdbc:postgresql://localhost/test', 'pk.mode': 'kafka', 'pk.fields': 'a' }, 'pk.fields', /exactly 3/],
      [{ 'connector.class': 'io.confluent.connect.hdfs.HdfsSinkConnector', topics: 'a', 'flush.size': '1', 'hdfs.url': 'file://relative/path' }, 'hdfs.url', /three slashes/],
      [{ 'connector.class': 'io.confluent.connect.hdfs.HdfsSinkConnector', topics: 'a', 'flush.size': '1', 'hdfs.url': 'file:///tmp/x', 'parquet.codec': 'lz4' }, 'parquet.codec', /lz4 is not supported/],
      [{ 'connector.class': 'io.confluent.connect.hdfs.HdfsSinkConnector', topics: 'a', 'flush.size': '1', 'hdfs.url': 'file:///tmp/x', timezone: 'Mars/Base' }, 'timezone', /Mars\/Base/],
    ];
    for (const [config, key, reason] of cases) {
      const plugin = config['connector.class']!.slice(config['connector.class']!.lastIndexOf('.') + 1);
      const v = await api(base, 'PUT', `/connector-plugins/${plugin}/config/validate`, { ...config, name: 'bad' });
      assert.equal(v.status, 200, key);
      assert.ok(v.body.error_count >= 1, `${key}: ${JSON.stringify(v.body)}`);
      const entry = v.body.configs.find((c: { value: { name: string } | null }) => c.value?.name === key);
      assert.ok(entry, key);
      assert.match(entry.value.errors.join('\n'), reason);
      const created = await api(base, 'POST', '/connectors', { name: 'bad', config });
      assert.equal(created.status, 400, key);
      assert.match(created.body.message, reason);
    }
    assert.deepEqual((await api(base, 'GET', '/connectors')).body, []);
  });

  test('Java regexes and the SMT drop-downs: (?i) and possessive quantifiers validate and run, type keys list every class', async () => {
    const config = gen({
      transforms: 'route', 'transforms.route.type': 'org.apache.kafka.connect.transforms.RegexRouter',
      'transforms.route.regex': '(?i)PARITY(.*+)', 'transforms.route.replacement': 'routed$1',
      'transforms.route.predicate': 'isParity', predicates: 'isParity',
      'predicates.isParity.type': 'org.apache.kafka.connect.transforms.predicates.TopicNameMatches', 'predicates.isParity.pattern': '(?i:PARITY)',
    });
    const v = await api(base, 'PUT', '/connector-plugins/datagen/config/validate', { ...config, name: 'regex' });
    assert.equal(v.body.error_count, 0, JSON.stringify(v.body.configs.filter((c: { value: { errors: string[] } | null }) => c.value?.errors.length)));
    const type = v.body.configs.find((c: { value: { name: string } | null }) => c.value?.name === 'transforms.route.type');
    assert.ok(type.value.recommended_values.includes('org.apache.kafka.connect.transforms.RegexRouter'));
    assert.ok(type.value.recommended_values.includes('org.apache.kafka.connect.transforms.InsertField$Value'));
    const ptype = v.body.configs.find((c: { value: { name: string } | null }) => c.value?.name === 'predicates.isParity.type');
    assert.ok(ptype.value.recommended_values.includes('org.apache.kafka.connect.transforms.predicates.TopicNameMatches'));
    const created = await api(base, 'POST', '/connectors', { name: 'regex', config });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    // The records reach the topic the (?i) regex routed them to.
    const out = join(mkdtempSync(join(tmpdir(), 'sluice-regex-')), 'routed.txt');
    const sink = { 'connector.class': 'FileStreamSink', topics: 'routed', file: out, 'value.converter': 'org.apache.kafka.connect.storage.StringConverter' };
    assert.equal((await api(base, 'POST', '/connectors', { name: 'regex-out', config: sink })).status, 201);
    await eventually(() => existsSync(out) && readFileSync(out, 'utf8').length > 0, 'records in the routed topic');
    assert.equal((await api(base, 'DELETE', '/connectors/regex-out')).status, 204);
    assert.equal((await api(base, 'DELETE', '/connectors/regex')).status, 204);
  });
});
