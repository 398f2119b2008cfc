// Values that used to pass validation and then fail (or misbehave) when a task starts are refused up front, with
// the key and the reason, on the plain validation and on the worker's (converter and transform hooks).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { PluginRegistry } from '../../../src/connectors/registry.js';
import { connectorConfigProblems } from '../../../src/connectors/validation.js';
import { topicNameProblem } from '../../../src/connectors/framework-config.js';
import { filesystemUrlProblem } from '../../../src/connectors/hdfs/config.js';
import { withWorkerKeys } from '../../../src/worker/validate.js';

const registry = PluginRegistry.withBuiltins();
const JDBC_SINK = 'io.confluent.connect.jdbc.JdbcSinkConnector';
const HDFS_SINK = 'io.confluent.connect.hdfs.HdfsSinkConnector';
const fileSink = { 'connector.class': 'FileStreamSink', name: 's', topics: 'a' };
const jdbcSink = { 'connector.class': JDBC_SINK, name: 's', topics: 'a', 'connection.url': 'jdbc:postgresql://localhost:5432/test' };
const hdfsSink = { 'connector.class': HDFS_SINK, name: 's', topics: 'a', 'flush.size': '3', 'hdfs.url': 'file:///tmp/sluice-hdfs' };

export const BAD_VALUES: Array<[string, Record<string, string>, string, RegExp]> = [
  ['schemas.enable=maybe on the connector\'s converter', {
    ...fileSink, 'value.converter': 'org.apache.kafka.connect.json.JsonConverter', 'value.converter.schemas.enable': 'maybe',
  }, 'value.converter.schemas.enable', /Invalid value maybe for configuration schemas\.enable: Expected value to be either true or false/],
  ['key.converter.schemas.enable=maybe', {
    ...fileSink, 'key.converter': 'org.apache.kafka.connect.json.JsonConverter', 'key.converter.schemas.enable': 'maybe',
  }, 'key.converter.schemas.enable', /Expected value to be either true or false/],
  ['a topic name with a space', { ...fileSink, topics: 'a, b c' }, 'topics', /Topic name is invalid: 'b c' contains one or more characters other than ASCII alphanumerics/],
  ['the topic ".."', { ...fileSink, topics: 'a,..' }, 'topics', /Topic name is invalid: '\.\.' is not allowed/],
  ['a topic name of 250 characters', { ...fileSink, topics: 'x'.repeat(250) }, 'topics', /longer than the max allowed length 249/],
  ['a malformed JDBC URL', { ...jdbcSink, 'connection.url': 'jdbc:postgresql://[bad/db' }, 'connection.url', /Cannot parse host .*'\[bad'/],
  ['pk.mode=kafka with two pk.fields', { ...jdbcSink, 'pk.mode': 'kafka', 'pk.fields': 'a,b' }, 'pk.fields', /PK mode is kafka .* or exactly 3, defined fields are: \[a, b\]/],
  ['hdfs.url=not a url', { ...hdfsSink, 'hdfs.url': 'not a url' }, 'hdfs.url', /not a URL nor an absolute path/],
  ['hdfs.url=file://relative/path', { ...hdfsSink, 'hdfs.url': 'file://relative/path' }, 'hdfs.url', /'relative' is read as a host name; .* file:\/\/\/relative\/path/],
  ['hdfs.url=hdfs://', { ...hdfsSink, 'hdfs.url': 'hdfs://' }, 'hdfs.url', /names no host/],
  ['store.url=file:relative', { ...hdfsSink, 'store.url': 'file:relative' }, 'store.url', /needs an absolute path/],
  ['parquet.codec=lz4 (parquet)', { ...hdfsSink, 'format.class': 'io.confluent.connect.hdfs.parquet.ParquetFormat', 'parquet.codec': 'lz4' }, 'parquet.codec', /lz4 is not supported by this sink/],
  ['parquet.codec=lz4 (avro)', { ...hdfsSink, 'parquet.codec': 'lz4' }, 'parquet.codec', /lz4 is not supported by this sink/],
  ['timezone=Mars/Base', { ...hdfsSink, timezone: 'Mars/Base' }, 'timezone', /Invalid value Mars\/Base for configuration timezone/],
  ['db.timezone=Mars/Base', { ...jdbcSink, 'db.timezone': 'Mars/Base' }, 'db.timezone', /Mars\/Base/],
  ['topics.regex that Java refuses', { ...fileSink, topics: '', 'topics.regex': 'a(?<1x>b)' }, 'topics.regex', /Not a valid regular expression/],
];

describe('values that would fail at run time are refused at validation', () => {
  for (const [what, config, key, reason] of BAD_VALUES) {
    test(what, async () => {
      for (const options of [{}, withWorkerKeys()]) {
        const problems = await connectorConfigProblems(registry, config, options);
        const hit = problems.find((p) => p.key === key);
        assert.ok(hit, `expected a problem on ${key}, got ${JSON.stringify(problems)}`);
        assert.match(hit.reason, reason);
      }
    });
  }

  test('the good neighbours of those values pass', async () => {
    const good: Array<Record<string, string>> = [
      { ...fileSink, 'value.converter': 'org.apache.kafka.connect.json.JsonConverter', 'value.converter.schemas.enable': 'FALSE' },
      // A converter setting without the converter on the connector is the worker's business (Kafka ignores it).
      { ...fileSink, 'value.converter.schemas.enable': 'maybe' },
      { ...fileSink, topics: 'a, b.c,d_e,-f,' },
      { ...fileSink, topics: '', 'topics.regex': '(?i)orders\\..*+' },
      { ...jdbcSink, 'connection.url': 'jdbc:postgresql://[::1]:5432/test' },
      { ...jdbcSink, 'pk.mode': 'kafka', 'pk.fields': 't,p,o' },
      { ...jdbcSink, 'pk.mode': 'kafka' },
      { ...hdfsSink, 'hdfs.url': 'file://localhost/tmp/x' },
      { ...hdfsSink, 'hdfs.url': '/tmp/x' },
      { ...hdfsSink, 'hdfs.url': 'hdfs://namenode:8020/data' },
      { ...hdfsSink, timezone: 'America/New_York' },
      { ...hdfsSink, timezone: '+05:30' },
    ];
    for (const config of good) {
      assert.deepEqual(await connectorConfigProblems(registry, config, withWorkerKeys()), [], JSON.stringify(config));
    }
  });

  test('topicNameProblem follows Kafka\'s Topic.validate', () => {
    assert.equal(topicNameProblem('ok.topic_1-x'), undefined);
    assert.equal(topicNameProblem('x'.repeat(249)), undefined);
    assert.equal(topicNameProblem(''), 'Topic name is invalid: the empty string is not allowed');
    assert.equal(topicNameProblem('.'), "Topic name is invalid: '.' is not allowed");
    assert.equal(topicNameProblem('ä'), "Topic name is invalid: 'ä' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'");
  });

  test('filesystemUrlProblem', () => {
    for (const ok of ['file:///data', 'file:/data', 'file://localhost/data', '/data', 'hdfs://nn:8020', 'webhdfs://nn/x', 'https://nn:9871/x', 's3://b/x']) {
      assert.equal(filesystemUrlProblem(ok), undefined, ok);
    }
    for (const bad of ['not a url', 'data/dir', 'file://relative/path', 'file:relative', 'hdfs://', 'http://']) {
      assert.ok(filesystemUrlProblem(bad), bad);
    }
  });
});
