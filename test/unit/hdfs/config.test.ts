import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { PluginRegistry } from '../../../src/connectors/registry.js';
import { HdfsSinkConnector, HdfsSinkTask, hdfsSinkConfigDef, hdfsSinkPlugin, parseHdfsSinkConfig } from '../../../src/connectors/hdfs/index.js';
import { storageKind, webHdfsEndpoints } from '../../../src/connectors/hdfs/storage/index.js';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as zlib from 'node:zlib';

/** A Confluent quickstart config, unchanged. */
const CONFLUENT = {
  name: 'hdfs-sink',
  'connector.class': 'io.confluent.connect.hdfs.HdfsSinkConnector',
  'tasks.max': '1',
  topics: 'test_hdfs',
  'hdfs.url': 'hdfs://localhost:9000',
  'flush.size': '3',
  'format.class': 'io.confluent.connect.hdfs.parquet.ParquetFormat',
  'partitioner.class': 'io.confluent.connect.storage.partitioner.TimeBasedPartitioner',
  'partition.duration.ms': '3600000',
  'path.format': "'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH",
  locale: 'en-US',
  timezone: 'UTC',
  'timestamp.extractor': 'Record',
  'rotate.interval.ms': '60000',
  'schema.compatibility': 'BACKWARD',
  'hive.integration': 'false',
  'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
  'value.converter': 'io.confluent.connect.avro.AvroConverter',
};

function errorsOf(config: Record<string, string>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of new HdfsSinkConnector().validate(config) as Map<string, { errorMessages: string[] }>) if (v.errorMessages.length) out[k] = v.errorMessages;
  return out;
}

describe('HDFS sink config', () => {
  test('the plugin resolves by Confluent class names and aliases', () => {
    const r = PluginRegistry.withBuiltins();
    for (const n of ['io.confluent.connect.hdfs.HdfsSinkConnector', 'HdfsSinkConnector', 'HdfsSink', 'io.confluent.connect.hdfs3.Hdfs3SinkConnector', 'Hdfs3Sink']) {
      assert.equal(r.resolve(n), hdfsSinkPlugin, n);
    }
    assert.equal(hdfsSinkPlugin.type, 'sink');
    assert.equal(new HdfsSinkConnector().taskClass(), HdfsSinkTask);
  });

  test('a Confluent config validates unchanged; Confluent defaults', () => {
    assert.deepEqual(errorsOf(CONFLUENT), {});
    const s = parseHdfsSinkConfig({ 'hdfs.url': 'file:///tmp/x', 'flush.size': '10' });
    assert.equal(s.topicsDir, 'topics');
    assert.equal(s.logsDir, 'logs');
    assert.equal(s.formatClass, 'io.confluent.connect.hdfs.avro.AvroFormat');
    assert.equal(s.partitioner.partitionerClass, 'io.confluent.connect.storage.partitioner.DefaultPartitioner');
    assert.equal(s.zeroPadWidth, 10);
    assert.equal(s.rotateIntervalMs, -1);
    assert.equal(s.rotateScheduleIntervalMs, -1);
    assert.equal(s.compatibility, 'NONE');
    assert.equal(s.avroCodec, 'null');
    assert.equal(s.parquetCodec, 'snappy');
    assert.equal(s.partitioner.timestampExtractor, 'Wallclock');
    assert.equal(s.partitioner.timestampField, 'timestamp');
    assert.equal(s.retryBackoffMs, 5000);
    const def = hdfsSinkConfigDef();
    for (const k of ['hdfs.url', 'store.url', 'hadoop.conf.dir', 'hadoop.home', 'logs.dir', 'topics.dir', 'topic.capture.groups.regex', 'storage.class',
      'format.class', 'flush.size', 'rotate.interval.ms', 'rotate.schedule.interval.ms', 'retry.backoff.ms', 'shutdown.timeout.ms',
      'filename.offset.zero.pad.width', 'schemas.cache.config', 'enhanced.avro.schema.support', 'connect.meta.data', 'avro.codec', 'parquet.codec',
      'allow.optional.map.keys', 'schema.compatibility', 'directory.delim', 'file.delim', 'partitioner.class', 'partition.field.name',
      'partition.duration.ms', 'path.format', 'locale', 'timezone', 'timestamp.extractor', 'timestamp.field', 'hive.integration', 'hive.metastore.uris',
      'hive.conf.dir', 'hive.home', 'hive.database', 'hive.table.name', 'hdfs.authentication.kerberos', 'connect.hdfs.principal', 'connect.hdfs.keytab',
      'hdfs.namenode.principal', 'kerberos.ticket.renew.period.ms']) assert.ok(def.key(k), `${k} is defined`);
  });

  test('cross-key problems are reported on the key they are about', () => {
    assert.match(errorsOf({ 'flush.size': '3' })['hdfs.url']![0]!, /store.url or hdfs.url is required/);
    assert.match(errorsOf({ 'hdfs.url': 'file:///x' })['flush.size']![0]!, /Missing required configuration "flush.size"/);
    assert.match(errorsOf({ 'hdfs.url': 's3a://bucket/x', 'flush.size': '3' })['hdfs.url']![0]!, /unsupported filesystem scheme 's3a'/);
    assert.match(errorsOf({ 'hdfs.url': 'file:///x', 'flush.size': '3', 'rotate.schedule.interval.ms': '60000' })['rotate.schedule.interval.ms']![0]!, /needs timezone/);
    assert.match(errorsOf({ 'hdfs.url': 'file:///x', 'flush.size': '3', 'partitioner.class': 'io.confluent.connect.storage.partitioner.TimeBasedPartitioner' })['partition.duration.ms']![0]!, /partition.duration.ms > 0/);
    assert.match(errorsOf({ 'hdfs.url': 'file:///x', 'flush.size': '3', 'partitioner.class': 'io.confluent.connect.storage.partitioner.FieldPartitioner' })['partition.field.name']![0]!, /at least one field/);
    assert.match(errorsOf({ 'hdfs.url': 'file:///x', 'flush.size': '3', 'hive.integration': 'true' })['hive.integration']![0]!, /not supported/);
    assert.match(errorsOf({ 'hdfs.url': 'file:///x', 'flush.size': '3', 'avro.codec': 'bzip2' })['avro.codec']![0]!, /bzip2 is not supported/);
    assert.match(errorsOf({ 'hdfs.url': 'file:///x', 'flush.size': '3', 'format.class': 'io.confluent.connect.hdfs.orc.OrcFormat' })['format.class']![0]!, /ORC/);
    assert.match(errorsOf({ 'hdfs.url': 'file:///x', 'flush.size': '0' })['flush.size']![0]!, /at least 1/);
    assert.match(errorsOf({ 'hdfs.url': 'file:///x', 'flush.size': '3', 'schema.compatibility': 'SOMETIMES' })['schema.compatibility']![0]!, /NONE, BACKWARD, FORWARD, FULL/);
    const zstd = errorsOf({ 'hdfs.url': 'file:///x', 'flush.size': '3', 'format.class': 'io.confluent.connect.hdfs.parquet.ParquetFormat', 'parquet.codec': 'zstd' });
    if (typeof (zlib as { zstdCompressSync?: unknown }).zstdCompressSync === 'function') assert.deepEqual(zstd, {});
    else assert.match(zstd['parquet.codec']![0]!, /zstd needs Node.js >= 22.15/);
  });

  test('storage selection: storage.class and the URL scheme; WebHDFS endpoints from hadoop.conf.dir', async () => {
    assert.equal(storageKind('file:///data', 'io.confluent.connect.hdfs.storage.HdfsStorage'), 'local');
    assert.equal(storageKind('/data', 'io.confluent.connect.hdfs.storage.HdfsStorage'), 'local');
    for (const u of ['hdfs://nn:8020', 'webhdfs://nn:9870', 'http://nn:9870', 'swebhdfs://nn']) assert.equal(storageKind(u, 'io.confluent.connect.hdfs.storage.HdfsStorage'), 'webhdfs', u);
    assert.equal(storageKind('hdfs://nn', 'io.sluice.connect.hdfs.storage.LocalStorage'), 'local');
    assert.deepEqual(webHdfsEndpoints('hdfs://nn:8020/base/'), { httpBases: ['http://nn:9870'], basePath: '/base' });
    assert.deepEqual(webHdfsEndpoints('webhdfs://nn:50070'), { httpBases: ['http://nn:50070'], basePath: '' });
    assert.deepEqual(webHdfsEndpoints('swebhdfs://nn'), { httpBases: ['https://nn:9870'], basePath: '' });
    const conf = await mkdtemp(join(tmpdir(), 'hconf-'));
    await writeFile(join(conf, 'hdfs-site.xml'), `<?xml version="1.0"?><configuration>
      <property><name>dfs.ha.namenodes.prod</name><value>nn1, nn2</value></property>
      <property><name>dfs.namenode.http-address.prod.nn1</name><value>a.example:9870</value></property>
      <property><name>dfs.namenode.http-address.prod.nn2</name><value>b.example:9870</value></property>
      <property><name>dfs.namenode.http-address</name><value>0.0.0.0:50070</value></property>
    </configuration>`);
    assert.deepEqual(webHdfsEndpoints('hdfs://prod/data', conf), { httpBases: ['http://a.example:9870', 'http://b.example:9870'], basePath: '/data' });
    assert.deepEqual(webHdfsEndpoints('hdfs://single:8020', conf), { httpBases: ['http://single:50070'], basePath: '' });
  });

  test('taskConfigs: every task gets the whole config', async () => {
    const c = new HdfsSinkConnector();
    c.start({ 'hdfs.url': 'file:///x', 'flush.size': '3', topics: 'a,b' });
    const tasks = c.taskConfigs(3);
    assert.equal(tasks.length, 3);
    for (const t of tasks) assert.equal(t['flush.size'], '3');
  });
});
