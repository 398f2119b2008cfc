// Kafka's preflight checks of exactly-once source configs (DistributedHerder.validateSourceConnectorExactlyOnceSupport
// and validateSourceConnectorTransactionBoundary), and what the built-in sources declare.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { PluginRegistry } from '../../../src/connectors/registry.js';
import { connectorConfigProblems } from '../../../src/connectors/validation.js';
import {
  ConfigDef, SourceConnector, SourceTask, type ConnectorConfig, type ConnectorPlugin, type ExactlyOnceSupport,
} from '../../../src/connectors/api/index.js';
import { JdbcSourceConnector } from '../../../src/connectors/jdbc/index.js';
import { FileStreamSourceConnector } from '../../../src/connectors/file/index.js';
import { DatagenConnector } from '../../../src/connectors/datagen/index.js';

class NoTask extends SourceTask {
  version = () => '1';
  start(): void {}
  stop(): void {}
  poll = async () => null;
}

/** A source whose answers the test sets. */
function sourcePlugin(support: () => ExactlyOnceSupport | null, boundaries: () => 'SUPPORTED' | 'UNSUPPORTED'): ConnectorPlugin {
  class Answering extends SourceConnector {
    version = () => '1';
    start(): void {}
    stop(): void {}
    taskClass = () => NoTask;
    taskConfigs = () => [{}];
    config = () => new ConfigDef();
    override exactlyOnceSupport = support;
    override canDefineTransactionBoundaries = boundaries;
  }
  return { type: 'source', className: 'test.Answering', aliases: [], version: '1', create: () => new Answering(), configDef: () => new ConfigDef() };
}

async function problems(plugin: ConnectorPlugin, config: ConnectorConfig, exactlyOnceSource: boolean): Promise<string[]> {
  const registry = PluginRegistry.withBuiltins();
  registry.register(plugin);
  const found = await connectorConfigProblems(registry, { name: 'answering', 'connector.class': 'test.Answering', ...config }, { exactlyOnceSource });
  return found.map((p) => `${p.key}: ${p.reason}`);
}

describe('exactly-once preflight validation', () => {
  test('required: the worker must enable it and the connector must say SUPPORTED', async () => {
    const yes = sourcePlugin(() => 'SUPPORTED', () => 'UNSUPPORTED');
    assert.deepEqual(await problems(yes, { 'exactly.once.support': 'required' }, true), []);
    assert.deepEqual(await problems(yes, { 'exactly.once.support': 'required' }, false), [
      'exactly.once.support: This worker does not have exactly-once source support enabled.',
    ]);
    assert.deepEqual(await problems(yes, { 'exactly.once.support': 'requested' }, false), [], 'requested is never refused');
    const no = sourcePlugin(() => 'UNSUPPORTED', () => 'UNSUPPORTED');
    assert.deepEqual(await problems(no, { 'exactly.once.support': 'REQUIRED' }, true), [
      'exactly.once.support: The connector does not support exactly-once semantics with the provided configuration.',
    ]);
    const silent = sourcePlugin(() => null, () => 'UNSUPPORTED');
    assert.match((await problems(silent, { 'exactly.once.support': 'required' }, true))[0]!, /does not implement the API required for preflight validation/);
    const throwing = sourcePlugin(() => {
      throw new Error('cannot tell');
    }, () => 'UNSUPPORTED');
    assert.deepEqual(await problems(throwing, { 'exactly.once.support': 'required' }, true), [
      'exactly.once.support: An unexpected error occurred during validation: cannot tell',
    ]);
  });

  test('transaction.boundary=connector needs canDefineTransactionBoundaries SUPPORTED; poll and interval need nothing', async () => {
    const can = sourcePlugin(() => 'SUPPORTED', () => 'SUPPORTED');
    const cannot = sourcePlugin(() => 'SUPPORTED', () => 'UNSUPPORTED');
    assert.deepEqual(await problems(can, { 'transaction.boundary': 'connector' }, true), []);
    assert.match((await problems(cannot, { 'transaction.boundary': 'connector' }, true))[0]!, /^transaction\.boundary: The connector does not support connector-defined transaction boundaries/);
    assert.deepEqual(await problems(cannot, { 'transaction.boundary': 'interval', 'transaction.boundary.interval.ms': '500' }, true), []);
    assert.match((await problems(cannot, { 'transaction.boundary': 'sometimes' }, true))[0]!, /^transaction\.boundary: /);
  });

  test('what the built-in sources declare', () => {
    const jdbc = new JdbcSourceConnector();
    assert.equal(jdbc.exactlyOnceSupport({ mode: 'incrementing' }), 'SUPPORTED');
    assert.equal(jdbc.exactlyOnceSupport({ mode: 'timestamp+incrementing' }), 'SUPPORTED');
    assert.equal(jdbc.exactlyOnceSupport({ mode: 'timestamp' }), 'UNSUPPORTED');
    assert.equal(jdbc.exactlyOnceSupport({ mode: 'bulk' }), 'UNSUPPORTED');
    const file = new FileStreamSourceConnector();
    assert.equal(file.exactlyOnceSupport({ file: '/tmp/in.txt' }), 'SUPPORTED');
    assert.equal(file.exactlyOnceSupport({}), 'UNSUPPORTED', 'stdin cannot be read again');
    assert.equal(new DatagenConnector().exactlyOnceSupport(), 'SUPPORTED');
    assert.equal(new DatagenConnector().canDefineTransactionBoundaries({}), 'UNSUPPORTED');
  });
});
