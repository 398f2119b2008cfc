/**
 * End to end through the worker: `sluice run` (bin/sluice.js, a separate process) with datagen → Kafka → the
 * HDFS sink under its Confluent class name, writing Avro files partitioned by day of a record field; read back
 * with Apache avro-tools. Needs the broker: `bash scripts/stack.sh up`.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { KAFKA_BROKERS, uniqueName } from '../../support/services.js';
import { sluiceToEnd, tempDir, writeJson } from '../cli/support.js';
import { listTree, removeDir } from '../../unit/hdfs/support.js';
import { parseCommittedFileName } from '../../../src/connectors/hdfs/naming.js';
import { avroToolsRecords } from './java-tools.js';

const N = 4500; // not a multiple of flush.size: the last 500 are committed by the schedule

describe('sluice run: datagen → Kafka → HdfsSinkConnector', { timeout: 300_000 }, () => {
  test('every record lands once in committed Avro files, laid out by DailyPartitioner on created_at', async () => {
    const dir = tempDir('hdfs-e2e');
    const topic = uniqueName('hdfs_e2e');
    const sink = uniqueName('hdfs_sink'); // its consumer group is connect-<name>: shared with no other run
    try {
      const pipeline = {
        worker: {
          'bootstrap.servers': KAFKA_BROKERS.join(','),
          'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
          'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
          'value.converter.schemas.enable': true,
          'offset.storage.file.filename': join(dir, 'offsets.json'),
          'offset.flush.interval.ms': 1000,
        },
        connectors: [
          { name: 'gen', config: { 'connector.class': 'datagen', 'kafka.topic': topic, quickstart: 'orders', 'max.records': N, 'random.seed': 11, 'batch.size': 100 } },
          {
            name: sink,
            config: {
              'connector.class': 'io.confluent.connect.hdfs.HdfsSinkConnector',
              topics: topic,
              'hdfs.url': `file://${dir}/hdfs`,
              'flush.size': '1000',
              'format.class': 'io.confluent.connect.hdfs.avro.AvroFormat',
              'avro.codec': 'snappy',
              'partitioner.class': 'io.confluent.connect.storage.partitioner.DailyPartitioner',
              'timestamp.extractor': 'RecordField',
              'timestamp.field': 'created_at',
              locale: 'en-US',
              timezone: 'UTC',
              // commits the tail (fewer than flush.size records) on a wall-clock schedule, through preCommit
              'rotate.schedule.interval.ms': '2000',
            },
          },
        ],
      };
      const file = writeJson(dir, 'pipeline.json', pipeline);
      const r = await sluiceToEnd(['run', file, '--view', 'json', '--idle-ms', '6000']);
      assert.equal(r.code, 0, r.stderr);
      const files = await listTree(join(dir, 'hdfs/topics', topic));
      assert.ok(files.length > 0, 'committed files');
      assert.deepEqual(await listTree(join(dir, 'hdfs/topics/+tmp')), []);
      const ids: number[] = [];
      for (const f of files) {
        assert.match(f, /^year=\d{4}\/month=\d{2}\/day=\d{2}\//, f);
        const c = parseCommittedFileName(f.slice(f.lastIndexOf('/') + 1));
        assert.ok(c && c.topic === topic, f);
        for (const rec of avroToolsRecords(join(dir, 'hdfs/topics', topic, f))) {
          ids.push(Number(rec['order_id']));
          const day = new Date(Number(rec['created_at'])).toISOString().slice(0, 10).split('-');
          assert.equal(f.slice(0, f.lastIndexOf('/')), `year=${day[0]}/month=${day[1]}/day=${day[2]}`);
        }
      }
      ids.sort((a, b) => a - b);
      assert.equal(ids.length, N, 'row count');
      assert.deepEqual(ids, Array.from({ length: N }, (_, i) => i), 'every order once');
    } finally {
      await removeDir(dir);
    }
  });
});
