/**
 * Confluent's message indexes (MessageIndexes.java): which message of the registered file a payload holds, as
 * the path of indexes through nested message declarations. On the wire: the count, then each index, all as
 * zig-zag varints (Kafka's ByteUtils.writeVarint); the common path [0] is the single byte 0x00.
 */
import type { Type } from 'protobufjs';
import { DataException } from '../../data/index.js';
import { nestedMessages } from './proto-loader.js';

export const DEFAULT_INDEXES: readonly number[] = Object.freeze([0]);

export function encodeMessageIndexes(indexes: readonly number[]): Uint8Array {
  if (indexes.length === 1 && indexes[0] === 0) return Uint8Array.of(0);
  const bytes: number[] = [];
  for (const n of [indexes.length, ...indexes]) writeZigZagVarint(n, bytes);
  return Uint8Array.from(bytes);
}

/** The indexes at the start of a payload and where the message after them starts. */
export function decodeMessageIndexes(payload: Uint8Array): { indexes: number[]; offset: number } {
  const reader = { pos: 0 };
  const count = readZigZagVarint(payload, reader);
  if (count === 0) return { indexes: [...DEFAULT_INDEXES], offset: reader.pos };
  if (count < 0 || count > payload.length - reader.pos) throw new DataException(`invalid Protobuf message indexes: count ${count}`);
  const indexes: number[] = [];
  for (let i = 0; i < count; i++) indexes.push(readZigZagVarint(payload, reader));
  return { indexes, offset: reader.pos };
}

function writeZigZagVarint(n: number, out: number[]): void {
  let v = ((n << 1) ^ (n >> 31)) >>> 0;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
}

/** Kafka's ByteUtils.readVarint: at most 5 bytes, then zig-zag decoded. */
function readZigZagVarint(buf: Uint8Array, reader: { pos: number }): number {
  let value = 0;
  for (let shift = 0; shift < 35; shift += 7) {
    if (reader.pos >= buf.length) throw new DataException('invalid Protobuf message indexes: the payload ends inside a varint');
    const b = buf[reader.pos++]!;
    value |= (b & 0x7f) << shift;
    if ((b & 0x80) === 0) return (value >>> 1) ^ -(value & 1);
  }
  throw new DataException('invalid Protobuf message indexes: varint longer than 5 bytes');
}

/** The messages indexes count: a file's top-level messages, or a message's nested ones. */
export interface MessageScope {
  readonly packageName: string | undefined;
  readonly messages: readonly Type[];
}

/**
 * ProtobufSchema.toMessageIndexes: walks the dotted name through the declarations, skipping parts that name no
 * message at the current level (the package); empty when nothing matched.
 */
export function messageIndexesOf(fullName: string, scope: MessageScope): number[] {
  const indexes: number[] = [];
  let level: readonly Type[] = scope.messages;
  for (const part of fullName.split('.')) {
    const i = level.findIndex((t) => t.name === part);
    if (i >= 0) {
      indexes.push(i);
      level = nestedMessages(level[i]!);
    }
  }
  return indexes;
}

/** ProtobufSchema.toMessageName: the message an index path names (an empty path is the first message). */
export function messageAt(indexes: readonly number[], scope: MessageScope): Type {
  let level: readonly Type[] = scope.messages;
  let found: Type | undefined;
  for (const i of indexes.length === 0 ? DEFAULT_INDEXES : indexes) {
    found = level[i];
    if (found === undefined) {
      throw new DataException(`Invalid message indexes: [${indexes.join(', ')}]: the schema has no such message`);
    }
    level = nestedMessages(found);
  }
  return found!;
}
