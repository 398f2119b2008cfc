import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Schema, SchemaBuilder, Struct, LogicalTimestamp, SinkRecord } from '../../../src/data/index.js';
import { createPartitioner, type PartitionerSettings } from '../../../src/connectors/hdfs/partitioner/partitioner.js';
import { compileJodaPattern, parseZone, partitionStart, nextTimeAdjustedByDay } from '../../../src/connectors/hdfs/partitioner/time.js';
import { timestampExtractor } from '../../../src/connectors/hdfs/partitioner/timestamp-extractor.js';
import { ConfigException } from '../../../src/connectors/api/index.js';
import { DataException } from '../../../src/data/index.js';

const INNER = SchemaBuilder.struct().field('code', Schema.INT32).build();
const VALUE = SchemaBuilder.struct()
  .field('region', Schema.OPTIONAL_STRING).field('n', Schema.INT64).field('flag', Schema.BOOLEAN).field('f', Schema.FLOAT64)
  .field('inner', INNER).field('ts', LogicalTimestamp.schema()).field('tsl', Schema.INT64).field('tss', Schema.STRING).build();

function value(region: string | null, ts = Date.UTC(2015, 11, 7, 15, 23)): Struct {
  return new Struct(VALUE).put('region', region).put('n', 42).put('flag', true).put('f', 1.5)
    .put('inner', new Struct(INNER).put('code', 7)).put('ts', new Date(ts)).put('tsl', ts).put('tss', new Date(ts).toISOString());
}

function rec(v: unknown, timestamp: number | null = null, partition = 3, schema = VALUE): SinkRecord {
  return new SinkRecord({ topic: 'orders', kafkaPartition: partition, kafkaOffset: 10, valueSchema: v instanceof Struct ? schema : null, value: v, timestamp });
}

const S: PartitionerSettings = {
  partitionerClass: 'io.confluent.connect.storage.partitioner.DefaultPartitioner', directoryDelim: '/', partitionFieldNames: [],
  partitionDurationMs: -1, pathFormat: '', locale: '', timezone: '', timestampExtractor: 'Wallclock', timestampField: 'timestamp',
};

describe('partitioners: directory layout', () => {
  test('DefaultPartitioner: partition=<p> (both class names)', () => {
    for (const cls of ['io.confluent.connect.storage.partitioner.DefaultPartitioner', 'io.confluent.connect.hdfs.partitioner.DefaultPartitioner', 'DefaultPartitioner']) {
      const p = createPartitioner({ ...S, partitionerClass: cls });
      assert.equal(p.encodePartition(rec(value('eu')), 0), 'partition=3');
      assert.equal(p.generatePartitionedPath('orders', 'partition=3'), 'orders/partition=3');
    }
  });

  test('FieldPartitioner: f=v joined by directory.delim; nested dot paths; null; int/bool; errors', () => {
    const p = createPartitioner({ ...S, partitionerClass: 'io.confluent.connect.storage.partitioner.FieldPartitioner', partitionFieldNames: ['region', 'inner.code', 'n', 'flag'] });
    assert.equal(p.encodePartition(rec(value('eu')), 0), 'region=eu/inner.code=7/n=42/flag=true');
    assert.equal(p.encodePartition(rec(value(null)), 0), 'region=null/inner.code=7/n=42/flag=true');
    const dash = createPartitioner({ ...S, partitionerClass: 'io.confluent.connect.hdfs.partitioner.FieldPartitioner', partitionFieldNames: ['region'], directoryDelim: '-' });
    assert.equal(dash.generatePartitionedPath('orders', 'region=eu'), 'orders-region=eu');
    const bad = createPartitioner({ ...S, partitionerClass: 'FieldPartitioner', partitionFieldNames: ['f'] });
    assert.throws(() => bad.encodePartition(rec(value('eu')), 0), (e: Error) => e instanceof DataException && /FLOAT64/.test(e.message) && /offset=10/.test(e.message));
    const missing = createPartitioner({ ...S, partitionerClass: 'FieldPartitioner', partitionFieldNames: ['nope'] });
    assert.throws(() => missing.encodePartition(rec(value('eu')), 0), /no field 'nope'/);
    // schemaless maps work too (a Sluice extension; Confluent takes Structs only)
    assert.equal(createPartitioner({ ...S, partitionerClass: 'FieldPartitioner', partitionFieldNames: ['region'] }).encodePartition(rec({ region: 'us' }), 0), 'region=us');
    assert.throws(() => createPartitioner({ ...S, partitionerClass: 'FieldPartitioner' }), ConfigException);
  });

  test('TimeBasedPartitioner: bucket start in timezone, Joda path.format, trailing delimiter stripped', () => {
    const p = createPartitioner({
      ...S, partitionerClass: 'io.confluent.connect.storage.partitioner.TimeBasedPartitioner', partitionDurationMs: 3_600_000,
      pathFormat: "'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH/", locale: 'en-US', timezone: 'UTC', timestampExtractor: 'Record',
    });
    assert.equal(p.encodePartition(rec(value('eu'), Date.UTC(2015, 11, 7, 15, 23, 59)), 0), 'year=2015/month=12/day=07/hour=15');
    const la = createPartitioner({
      ...S, partitionerClass: 'TimeBasedPartitioner', partitionDurationMs: 3_600_000,
      pathFormat: "'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH", locale: 'en_US', timezone: 'America/Los_Angeles', timestampExtractor: 'Record',
    });
    assert.equal(la.encodePartition(rec(value('eu'), Date.UTC(2015, 11, 7, 7, 23)), 0), 'year=2015/month=12/day=06/hour=23');
    const quarter = createPartitioner({
      ...S, partitionerClass: 'TimeBasedPartitioner', partitionDurationMs: 15 * 60_000, pathFormat: "YYYYMMdd'T'HHmm", locale: 'en-US', timezone: '+05:30', timestampExtractor: 'Record',
    });
    assert.equal(quarter.encodePartition(rec(value('eu'), Date.UTC(2024, 0, 1, 0, 44, 59)), 0), '20240101T0600');
    assert.equal(quarter.encodePartition(rec(value('eu'), Date.UTC(2024, 0, 1, 0, 45)), 0), '20240101T0615');
    assert.throws(() => p.encodePartition(rec(value('eu'), null), 0), /no timestamp/);
  });

  test('DailyPartitioner and HourlyPartitioner force their duration and format', () => {
    const daily = createPartitioner({ ...S, partitionerClass: 'io.confluent.connect.storage.partitioner.DailyPartitioner', locale: 'en-US', timezone: 'Asia/Kolkata', timestampExtractor: 'Record' });
    assert.equal(daily.encodePartition(rec(value('eu'), Date.UTC(2024, 4, 31, 20, 0)), 0), 'year=2024/month=06/day=01');
    const hourly = createPartitioner({ ...S, partitionerClass: 'io.confluent.connect.hdfs.partitioner.HourlyPartitioner', locale: 'en-US', timezone: 'UTC', timestampExtractor: 'Record' });
    assert.equal(hourly.encodePartition(rec(value('eu'), Date.UTC(2024, 4, 31, 23, 59)), 0), 'year=2024/month=05/day=31/hour=23');
    assert.throws(() => createPartitioner({ ...S, partitionerClass: 'DailyPartitioner', timezone: 'UTC' }), /locale/);
    assert.throws(() => createPartitioner({ ...S, partitionerClass: 'DailyPartitioner', locale: 'en-US' }), /timezone/);
    assert.throws(() => createPartitioner({ ...S, partitionerClass: 'DailyPartitioner', locale: 'en-US', timezone: 'Mars/Olympus' }), /time zone/);
    assert.throws(() => createPartitioner({ ...S, partitionerClass: 'TimeBasedPartitioner', locale: 'en-US', timezone: 'UTC', pathFormat: 'YYYY' }), /partition.duration.ms/);
    assert.throws(() => createPartitioner({ ...S, partitionerClass: 'com.example.MyPartitioner' }), /unknown partitioner/);
  });

  test('daylight saving: daily buckets start at local midnight on both transition days', () => {
    const ny = parseZone('America/New_York');
    const day = 86_400_000;
    // 2024-03-10 (23 h) and 2024-11-03 (25 h)
    assert.equal(partitionStart(day, Date.UTC(2024, 2, 10, 12), ny), Date.UTC(2024, 2, 10, 5));
    assert.equal(partitionStart(day, Date.UTC(2024, 10, 3, 5, 30), ny), Date.UTC(2024, 10, 3, 4));
    assert.equal(partitionStart(day, Date.UTC(2024, 10, 3, 6, 30), ny), Date.UTC(2024, 10, 3, 4));
    const fmt = compileJodaPattern("'day'=dd/'hour'=HH", 'en-US');
    assert.equal(fmt(Date.UTC(2024, 10, 3, 5, 30), ny), 'day=03/hour=01');
    assert.equal(fmt(Date.UTC(2024, 10, 3, 6, 30), ny), 'day=03/hour=01');
  });

  test('pre-1970 timestamps bucket with Java\'s truncating division (as Confluent)', () => {
    const utc = parseZone('UTC');
    assert.equal(partitionStart(86_400_000, -1, utc), 0);
    assert.equal(partitionStart(86_400_000, -86_400_001, utc), -86_400_000);
  });

  test('Joda patterns: names in the locale, two-digit years, quotes, offsets', () => {
    const t = Date.UTC(2015, 11, 7, 15, 4, 5, 60);
    const utc = parseZone('UTC');
    assert.equal(compileJodaPattern("yyyy-MM-dd HH:mm:ss.SSS", 'en-US')(t, utc), '2015-12-07 15:04:05.060');
    assert.equal(compileJodaPattern("yy/MMM/MMMM/E/EEEE/D/h a", 'en-US')(t, utc), '15/Dec/December/Mon/Monday/341/3 PM');
    assert.equal(compileJodaPattern("'it''s' Z ZZ", 'en-US')(t, parseZone('-03:30')), "it's -0330 -03:30");
    assert.equal(compileJodaPattern("MMMM", 'de-DE')(t, utc), 'Dezember');
    assert.throws(() => compileJodaPattern("'open", 'en-US'), /unterminated/);
    assert.throws(() => compileJodaPattern('GG', 'en-US'), /not supported/);
  });

  test('scheduled rotation times are aligned to local midnight', () => {
    const utc = parseZone('UTC');
    assert.equal(nextTimeAdjustedByDay(Date.UTC(2024, 0, 1, 10, 7), 3_600_000, utc), Date.UTC(2024, 0, 1, 11));
    assert.equal(nextTimeAdjustedByDay(Date.UTC(2024, 0, 1, 23, 59), 6 * 3_600_000, utc), Date.UTC(2024, 0, 2, 0));
    const ist = parseZone('Asia/Kolkata');
    assert.equal(nextTimeAdjustedByDay(Date.UTC(2024, 0, 1, 10, 7), 3_600_000, ist), Date.UTC(2024, 0, 1, 10, 30));
  });
});

describe('timestamp extractors', () => {
  test('Wallclock, Record and RecordField (Timestamp, epoch long, digits, ISO, nested, schemaless)', () => {
    const ts = Date.UTC(2020, 1, 2, 3, 4, 5);
    const r = rec(value('eu', ts), 1234);
    assert.equal(timestampExtractor('Wallclock', '').extract(r, 99), 99);
    assert.equal(timestampExtractor('Record', '').extract(r, 99), 1234);
    assert.equal(timestampExtractor('io.confluent.connect.storage.partitioner.TimeBasedPartitioner$RecordTimestampExtractor', '').extract(r, 99), 1234);
    for (const f of ['ts', 'tsl', 'tss']) assert.equal(timestampExtractor('RecordField', f).extract(r, 0), ts, f);
    assert.equal(timestampExtractor('RecordField', 'a.b').extract(rec({ a: { b: '1700000000000' } }), 0), 1_700_000_000_000);
    assert.equal(timestampExtractor('RecordField', 'at').extract(rec(new Map([['at', 5]])), 0), 5);
    assert.throws(() => timestampExtractor('RecordField', 'region').extract(r, 0), /not a timestamp/);
    assert.throws(() => timestampExtractor('Bogus', ''), ConfigException);
  });
});
