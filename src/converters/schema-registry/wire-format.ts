/**
 * Confluent's wire format: magic byte 0, the schema id as a big-endian int32, then the format's payload.
 */
import { DataException } from '../../data/index.js';

export const MAGIC_BYTE = 0;
const HEADER = 5;

export function frame(id: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(HEADER + payload.length);
  out[0] = MAGIC_BYTE;
  new DataView(out.buffer).setInt32(1, id);
  out.set(payload, HEADER);
  return out;
}

export interface Framed {
  readonly id: number;
  readonly payload: Uint8Array;
}

export function unframe(bytes: Uint8Array, topic: string): Framed {
  if (bytes.length < HEADER) throw new DataException(`Unknown magic byte! (${bytes.length} bytes: too short for a schema id)`, { topic });
  if (bytes[0] !== MAGIC_BYTE) throw new DataException(`Unknown magic byte! (found ${bytes[0]}, expected 0)`, { topic });
  const id = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getInt32(1);
  return { id, payload: bytes.subarray(HEADER) };
}
