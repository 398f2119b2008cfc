import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPipelineFiles } from '../../../src/cli/pipeline-file.js';
import { PluginRegistry } from '../../../src/connectors/registry.js';
import { configureConverter, type Converter } from '../../../src/converters/index.js';
import { SinkRecord } from '../../../src/data/index.js';
import type {
  ConnectorConfig,
  SinkConnector,
  SinkTask,
  SourceConnector,
  SourceTask,
} from '../../../src/connectors/api/index.js';

/** The value converter a worker builds: the connector's class and settings if it names one, else the worker's. */
function valueConverter(worker: Record<string, string>, connector: Record<string, string>): Converter {
  return configureConverter(connector['value.converter'] ? connector : worker, 'value.converter', { isKey: false });
}

const noOffsets = { offset: async () => null, offsets: async () => new Map() };

describe('examples/quickstart.json data path (datagen → converters → FileStreamSink)', () => {
  test('writes 10000 JSON lines, one per order, ids 0..9999', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-quickstart-'));
    try {
      const registry = PluginRegistry.withBuiltins();
      const spec = await loadPipelineFiles(['examples/quickstart.json'], registry);
      const genSpec = spec.connectors.find((c) => c.config['connector.class'] === 'datagen')!;
      const sinkSpec = spec.connectors.find((c) => c.config['connector.class'] === 'FileStreamSink')!;
      const outFile = join(dir, 'orders.jsonl');

      const gen = registry.resolve(genSpec.config['connector.class']!).create() as SourceConnector;
      gen.initialize({ offsetStorageReader: noOffsets, requestTaskReconfiguration() {}, raiseError(e) { throw e; } });
      await gen.start(genSpec.config);
      const sink = registry.resolve(sinkSpec.config['connector.class']!).create() as SinkConnector;
      sink.initialize({ requestTaskReconfiguration() {}, raiseError(e) { throw e; } });
      await sink.start({ ...sinkSpec.config, file: outFile });

      const [genTaskConfig] = (await gen.taskConfigs(Number(genSpec.config['tasks.max']))) as [ConnectorConfig];
      const [sinkTaskConfig] = (await sink.taskConfigs(1)) as [ConnectorConfig];
      const source = new (gen.taskClass())() as SourceTask;
      source.initialize({ configs: () => genTaskConfig, offsetStorageReader: noOffsets });
      await source.start(genTaskConfig);
      const sinkTask = new (sink.taskClass())() as SinkTask;
      sinkTask.initialize({
        configs: () => sinkTaskConfig, offset() {}, timeout() {}, assignment: () => [], pause() {}, resume() {}, requestCommit() {},
        errantRecordReporter: null,
      });
      await sinkTask.start(sinkTaskConfig);

      const toBytes = valueConverter(spec.worker, genSpec.config);
      const fromBytes = valueConverter(spec.worker, sinkSpec.config);
      const signal = new AbortController().signal;
      let offset = 0;
      while (!source.isFinished()) {
        const batch = (await source.poll(signal)) ?? [];
        await sinkTask.put(batch.map((r) => {
          const bytes = toBytes.fromConnectData(r.topic, r.valueSchema, r.value);
          const back = fromBytes.toConnectData(r.topic, bytes);
          return new SinkRecord({ topic: r.topic, kafkaPartition: 0, kafkaOffset: offset++, valueSchema: back.schema, value: back.value });
        }));
      }
      await sinkTask.flush(new Map());
      await sinkTask.stop();
      await source.stop();

      const lines = (await readFile(outFile, 'utf8')).split('\n');
      assert.equal(lines.pop(), '');
      assert.equal(lines.length, 10000);
      const orders = lines.map((l) => JSON.parse(l));
      assert.deepEqual(orders.map((o) => o.order_id), [...Array(10000).keys()]);
      const first = orders[0];
      assert.deepEqual(Object.keys(first), [
        'order_id', 'customer_id', 'product', 'quantity', 'price', 'currency', 'status', 'created_at', 'shipping_address', 'tags',
      ]);
      assert.equal(typeof first.price, 'number', 'decimal.format=NUMERIC writes prices as JSON numbers');
      assert.match(lines[0]!, /"price":\d+\.\d\d,/);
      assert.equal(typeof first.created_at, 'number');
      assert.deepEqual(Object.keys(first.shipping_address), ['street', 'city', 'zipcode', 'country']);
      assert.ok(Array.isArray(first.tags));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
