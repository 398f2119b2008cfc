// The traceparent header: W3C's format, what is refused, links per distinct source span, upstream headers kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TraceFlags } from '@opentelemetry/api';
import {
  MAX_LINKS, TRACEPARENT, addTraceparent, formatTraceparent, headerTraceparent, parseTraceparent, traceparentBytes, traceparentLinks,
} from '../../../src/tracing/index.js';

const sc = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED };
const bytes = (s: string) => new TextEncoder().encode(s);

test('formats W3C traceparent version 00: 55 characters, lower-case hex, sampled flag', () => {
  const tp = formatTraceparent(sc);
  assert.equal(tp, '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
  assert.equal(tp.length, 55);
  assert.equal(formatTraceparent({ ...sc, traceFlags: TraceFlags.NONE }).slice(-3), '-00');
  assert.equal(traceparentBytes(sc).length, 55);
});

test('parses what it formats; refuses bad versions, zero ids, wrong lengths and upper case', () => {
  assert.deepEqual(parseTraceparent(formatTraceparent(sc)), { ...sc, isRemote: true });
  for (const bad of [
    'ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    '00-00000000000000000000000000000000-b7ad6b7169203331-01',
    '00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01',
    '00-0af7651916cd43dd8448eb211c80319c-b7ad6b716920333-01',
    '00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01',
    '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra',
    'garbage',
  ]) assert.equal(parseTraceparent(bad), null, bad);
  // A later version may carry more fields: the first four are read.
  assert.equal(parseTraceparent('01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-more')?.spanId, sc.spanId);
});

test('headerTraceparent reads the first traceparent header of a record', () => {
  assert.equal(headerTraceparent([]), null);
  assert.equal(headerTraceparent([{ key: 'other', value: bytes('x') }]), null);
  assert.equal(headerTraceparent([{ key: TRACEPARENT, value: null }]), null);
  assert.equal(headerTraceparent([{ key: TRACEPARENT, value: bytes(formatTraceparent(sc)) }])?.traceId, sc.traceId);
});

test('addTraceparent gives each record the header, keeps one a record came with, and copies rather than changes', () => {
  const upstream = { ...sc, spanId: '1111111111111111' };
  const plain = { topic: 't', headers: [{ key: 'a', value: bytes('1') }] };
  const carried = { topic: 't', headers: [{ key: TRACEPARENT, value: bytes(formatTraceparent(upstream)) }] };
  const records = [plain, carried];
  addTraceparent(records, sc);
  assert.equal(plain.headers.length, 1, 'the original record is not changed');
  assert.deepEqual(records[0]!.headers.map((h) => h.key), ['a', TRACEPARENT]);
  assert.equal(headerTraceparent(records[0]!.headers)?.spanId, sc.spanId);
  assert.equal(records[1], carried);
  assert.equal(headerTraceparent(records[1]!.headers)?.spanId, upstream.spanId);
});

test('traceparentLinks: one link per distinct span, none for records without the header, at most MAX_LINKS', () => {
  const h = (spanId: string) => ({ headers: [{ key: TRACEPARENT, value: bytes(formatTraceparent({ ...sc, spanId })) }] });
  const links = traceparentLinks([h('1111111111111111'), h('1111111111111111'), { headers: [] }, null, h('2222222222222222')]);
  assert.deepEqual(links.map((l) => l.context.spanId), ['1111111111111111', '2222222222222222']);
  const many = Array.from({ length: 300 }, (_, i) => h((i + 1).toString(16).padStart(16, '0')));
  assert.equal(traceparentLinks(many).length, MAX_LINKS);
});
