import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PluginRegistry } from '../../../src/connectors/registry.js';
import { planMigration, type SourceConnector } from '../../../src/cli/migrate-command.js';

const registry = PluginRegistry.withBuiltins();
const connector = (name: string, config: Record<string, string>, state: SourceConnector['state'] = 'RUNNING', offsets = 0): SourceConnector => ({
  name,
  config: { ...config, name },
  state,
  offsets: Array.from({ length: offsets }, (_, i) => ({ partition: { p: i }, offset: { o: i } })),
});

test('the plan: a plugin Sluice lacks and a connector the target has are skipped; unknown keys are warnings', async () => {
  const source = [
    connector('jdbc', { 'connector.class': 'io.confluent.connect.jdbc.JdbcSourceConnector', 'connection.url': 'jdbc:postgresql://h/db', 'mode': 'bulk', 'topic.prefix': 'p' }, 'PAUSED', 2),
    connector('mirror', { 'connector.class': 'org.apache.kafka.connect.mirror.MirrorSourceConnector' }),
    connector('there', { 'connector.class': 'FileStreamSink', topics: 't', file: '/tmp/x' }),
    connector('typo', { 'connector.class': 'FileStreamSink', topics: 't', file: '/tmp/x', 'flie.mode': 'x' }, 'STOPPED'),
  ];
  const plan = await planMigration(source, registry, { has: async (name) => name === 'there' });
  assert.deepEqual(plan.slice(0, 3), [
    { connector: 'jdbc', action: 'migrate', state: 'PAUSED', offsets: 2, warnings: [] },
    { connector: 'mirror', action: 'skip', reason: 'Sluice has no connector plugin org.apache.kafka.connect.mirror.MirrorSourceConnector' },
    { connector: 'there', action: 'skip', reason: 'the target already has a connector of this name (left as it is)' },
  ]);
  const typo = plan[3]!;
  assert.ok(typo.action === 'migrate' && typo.state === 'STOPPED' && typo.offsets === 0);
  assert.equal(typo.warnings.length, 1);
  assert.match(typo.warnings[0]!, /unknown connector configuration key "flie\.mode"/);
});
