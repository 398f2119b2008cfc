import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LineSplitter, type Line } from '../../../src/connectors/file/line-splitter.js';
import { toJson, valueToText, writeJson, writeValueText } from '../../../src/connectors/file/value-text.js';
import { Utf8Out } from '../../../src/data/utf8-out.js';
import {
  FileStreamSinkConnector,
  FileStreamSourceConnector,
  FileStreamSourceTask,
  FileStreamSinkTask,
  fileStreamSinkPlugin,
  fileStreamSourcePlugin,
} from '../../../src/connectors/file/index.js';
import { BigDecimal, Schema, SchemaBuilder, Struct } from '../../../src/data/index.js';

/** Feeds `bytes` to a splitter in the given chunk sizes and returns every line. */
function split(bytes: Buffer, chunkSizes: number[], start = 0): Line[] {
  const s = new LineSplitter(start);
  const out: Line[] = [];
  let pos = 0;
  let i = 0;
  for (;;) {
    const line = s.next();
    if (line) {
      out.push(line);
      continue;
    }
    if (pos >= bytes.length) break;
    const size = Math.max(1, chunkSizes[i++ % chunkSizes.length] ?? 1);
    s.feed(bytes.subarray(pos, pos + size));
    pos += size;
  }
  return out;
}

describe('LineSplitter', () => {
  test('\\n, \\r\\n and a lone \\r end lines; each line knows the offset after its terminator', () => {
    const lines = split(Buffer.from('a\nbb\r\nccc\rdddd\n'), [100]);
    assert.deepEqual(lines, [
      { text: 'a', end: 2 },
      { text: 'bb', end: 6 },
      { text: 'ccc', end: 10 },
      { text: 'dddd', end: 15 },
    ]);
  });

  test('an unterminated last line is held back', () => {
    const s = new LineSplitter();
    s.feed(Buffer.from('one\ntw'));
    assert.deepEqual(s.next(), { text: 'one', end: 4 });
    assert.equal(s.next(), null);
    assert.equal(s.pendingBytes, 2);
    assert.equal(s.position, 4);
    s.feed(Buffer.from('o\n'));
    assert.deepEqual(s.next(), { text: 'two', end: 8 });
  });

  test('a \\r at the end of a chunk waits for the next byte to tell \\r from \\r\\n', () => {
    const s = new LineSplitter();
    s.feed(Buffer.from('x\r'));
    assert.equal(s.next(), null);
    s.feed(Buffer.from('\ny\r'));
    assert.deepEqual(s.next(), { text: 'x', end: 3 });
    assert.equal(s.next(), null);
    s.feed(Buffer.from('z\n'));
    assert.deepEqual(s.next(), { text: 'y', end: 5 });
    assert.deepEqual(s.next(), { text: 'z', end: 7 });
  });

  test('multi-byte UTF-8 characters split across chunks decode whole', () => {
    const text = 'héllo wörld ✓ 😀\nçà\n';
    const lines = split(Buffer.from(text), [1, 2, 3]);
    assert.deepEqual(lines.map((l) => l.text), ['héllo wörld ✓ 😀', 'çà']);
    assert.equal(lines[1]!.end, Buffer.byteLength(text));
  });

  test('offsets continue from the start position', () => {
    assert.deepEqual(split(Buffer.from('a\n'), [10], 1000), [{ text: 'a', end: 1002 }]);
  });

  test('feed before the chunk is consumed is a programming error', () => {
    const s = new LineSplitter();
    s.feed(Buffer.from('a\nb\n'));
    assert.throws(() => s.feed(Buffer.from('c')), /before the previous chunk was consumed/);
  });

  test('property: any chunking gives the same lines and offsets as one chunk', () => {
    const lineArb = fc.string({ unit: fc.constantFrom('a', 'é', '😀', ' ', 'z', '\t'), maxLength: 20 });
    const termArb = fc.constantFrom('\n', '\r\n', '\r');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(lineArb, termArb), { maxLength: 30 }),
        fc.array(fc.integer({ min: 1, max: 17 }), { minLength: 1, maxLength: 10 }),
        (parts, chunks) => {
          // Compared with the one-chunk split, so a `\r` + empty line + `\n` reads as `\r\n` in both.
          const text = parts.map(([l, t]) => l + t).join('');
          const bytes = Buffer.from(text + 'END\n');
          const whole = split(bytes, [bytes.length]);
          const chunked = split(bytes, chunks);
          assert.deepEqual(chunked, whole);
          assert.equal(whole.at(-1)!.text, 'END');
          assert.equal(whole.at(-1)!.end, bytes.length);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('valueToText (FileStream sink output)', () => {
  test('strings as they are, everything else as compact JSON', () => {
    const address = SchemaBuilder.struct().field('city', Schema.STRING).build();
    const schema = SchemaBuilder.struct()
      .field('id', Schema.INT64)
      .field('price', SchemaBuilder.bytes().name('org.apache.kafka.connect.data.Decimal').parameter('scale', '2').version(1).build())
      .field('at', SchemaBuilder.int64().name('org.apache.kafka.connect.data.Timestamp').version(1).build())
      .field('address', address)
      .field('tags', SchemaBuilder.array(Schema.STRING).build())
      .field('note', Schema.OPTIONAL_STRING)
      .build();
    const s = new Struct(schema)
      .put('id', 7)
      .put('price', new BigDecimal(123456789012345678901234567890n, 2))
      .put('at', new Date(Date.UTC(2025, 0, 2, 3, 4, 5, 6)))
      .put('address', new Struct(address).put('city', 'Oslo "N"'))
      .put('tags', ['a', 'b'])
      .put('note', null);
    assert.equal(
      valueToText(s),
      '{"id":7,"price":1234567890123456789012345678.90,"at":"2025-01-02T03:04:05.006Z","address":{"city":"Oslo \\"N\\""},"tags":["a","b"],"note":null}',
    );
    assert.equal(valueToText('plain "text"'), 'plain "text"');
    assert.equal(valueToText(null), 'null');
    assert.equal(valueToText(42), '42');
    assert.equal(valueToText(2n ** 70n), '1180591620717411303424');
    assert.equal(valueToText(true), 'true');
    assert.equal(valueToText(new Uint8Array([1, 2, 255])), '"AQL/"');
    assert.equal(valueToText(new Map([['k', 1]])), '{"k":1}');
    assert.equal(valueToText(new Map([[1, 'a']])), '[[1,"a"]]');
    assert.equal(valueToText({ a: [1, { b: null }] }), '{"a":[1,{"b":null}]}');
    assert.equal(toJson('s'), '"s"');
    assert.equal(toJson(Number.NaN), '"NaN"');
    assert.equal(valueToText(new Struct(SchemaBuilder.struct().build())), '{}');
    assert.equal(valueToText(new Struct(SchemaBuilder.struct().field('a"b', Schema.INT32).build()).put('a"b', 1)), '{"a\\"b":1}');
  });

  test('property: JSON values are written exactly as JSON.stringify writes them, any string included (escapes, non-ASCII, lone surrogates)', () => {
    const anyString = fc.oneof(
      fc.string(),
      fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 90 }).map((cs) => String.fromCharCode(...cs)),
      fc.string({ minLength: 60, maxLength: 200 }),
    );
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.constantFrom(null, true, false, 0, -0, 1e21, -1.5e-7, 2 ** 53, -(2 ** 53) + 1),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.integer(),
        fc.maxSafeInteger(),
        anyString,
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(anyString, tie('value'), { maxKeys: 4 }),
      ),
    })).value;
    fc.assert(
      fc.property(json, (v) => {
        assert.equal(toJson(v), JSON.stringify(v));
        const out = new Utf8Out(8); // grows many times
        writeJson(v, out);
        assert.deepEqual(out.view(), Buffer.from(JSON.stringify(v), 'utf8'));
      }),
      { numRuns: 500 },
    );
  });

  test('a string value is its line as UTF-8, whatever it holds; a buffer reset past its bound starts small again', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 200 }).map((cs) => String.fromCharCode(...cs)), (text) => {
        const out = new Utf8Out(4);
        writeValueText(text, out);
        assert.deepEqual(out.view(), Buffer.from(text, 'utf8'));
        assert.equal(valueToText(text), text);
      }),
      { numRuns: 300 },
    );
    const out = new Utf8Out(16);
    out.utf8('x'.repeat(1000));
    out.reset(100, 16);
    out.ascii('ab');
    assert.equal(out.text(), 'ab');
  });

  test('the JSON written parses back (for values JSON can hold)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = toJson(v);
        assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(v)));
      }),
      { numRuns: 200 },
    );
  });
});

describe('FileStream connectors (config and task split)', () => {
  test('plugins carry Kafka\'s class names and aliases', () => {
    assert.equal(fileStreamSourcePlugin.className, 'org.apache.kafka.connect.file.FileStreamSourceConnector');
    assert.equal(fileStreamSinkPlugin.className, 'org.apache.kafka.connect.file.FileStreamSinkConnector');
    assert.ok(fileStreamSourcePlugin.aliases.includes('FileStreamSource'));
    assert.ok(fileStreamSinkPlugin.aliases.includes('FileStreamSink'));
  });

  test('source: one task config whatever tasks.max, with file, topic and batch.size', async () => {
    const c = new FileStreamSourceConnector();
    c.start({ name: 'x', 'connector.class': 'FileStreamSource', file: '/tmp/in', topic: 't', 'tasks.max': '4' });
    assert.deepEqual(c.taskConfigs(4), [{ file: '/tmp/in', topic: 't' }]);
    assert.equal(c.taskClass(), FileStreamSourceTask);
    assert.equal(c.config().key('batch.size')!.defaultValue, 2000);
    assert.equal(c.config().key('file')!.defaultValue, null);
  });

  test('source: topic is required and single; batch.size at least 1', () => {
    const c = new FileStreamSourceConnector();
    const errs = (cfg: Record<string, string>) =>
      Object.fromEntries([...c.config().validate(cfg)].filter(([, v]) => v.errorMessages.length).map(([k, v]) => [k, v.errorMessages.join()]));
    assert.match(errs({})['topic']!, /Missing required configuration "topic"/);
    assert.match(errs({ topic: 'a,b' })['topic']!, /single topic/);
    assert.match(errs({ topic: 'a', 'batch.size': '0' })['batch.size']!, /at least 1/);
    assert.deepEqual(errs({ topic: 'a' }), {});
    assert.throws(() => c.start({ file: 'x' }), /topic/);
  });

  test('source: alterOffsets accepts {position: n ≥ 0} under {filename} and null resets', () => {
    const c = new FileStreamSourceConnector();
    assert.equal(c.alterOffsets({}, new Map<unknown, unknown>([[{ filename: '/a' }, { position: 10 }], [{ filename: '/b' }, null]])), true);
    assert.throws(() => c.alterOffsets({}, new Map<unknown, unknown>([[{ filename: '/a' }, { pos: 1 }]])), /contain the key 'position'/);
    assert.throws(() => c.alterOffsets({}, new Map<unknown, unknown>([[{ filename: '/a' }, { position: '1' }]])), /expected to be a Long/);
    assert.throws(() => c.alterOffsets({}, new Map<unknown, unknown>([[{ filename: '/a' }, { position: -1 }]])), /non-negative/);
    assert.throws(() => c.alterOffsets({}, new Map<unknown, unknown>([[{ file: '/a' }, { position: 1 }]])), /contain the key 'filename'/);
    assert.equal(c.alterOffsets({}, new Map<unknown, unknown>([['{"filename":"/a"}', { position: 1n }]])), true);
  });

  test("sink: tasks.max task configs, each the connector's config (Kafka's FileStreamSinkConnector)", () => {
    const c = new FileStreamSinkConnector();
    const config = { name: 'x', 'connector.class': 'FileStreamSink', topics: 't', file: '/tmp/out' };
    c.start(config);
    assert.deepEqual(c.taskConfigs(3), [config, config, config]);
    assert.equal(c.taskClass(), FileStreamSinkTask);
    c.start({ name: 'x', 'connector.class': 'FileStreamSink', topics: 't' });
    assert.deepEqual(c.taskConfigs(1), [{ name: 'x', 'connector.class': 'FileStreamSink', topics: 't' }]);
  });
});
