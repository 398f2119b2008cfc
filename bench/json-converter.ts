/**
 * JsonConverter cost per record: fromConnectData (encode) and toConnectData (decode) in µs/record and records/s,
 * for the datagen "orders" record (the quickstart the datagen connector makes: nested Address struct, Decimal,
 * Timestamp, string array) and the 10-field customer record, with the schema envelope and without, beside the
 * floor in the same run: JSON.stringify/JSON.parse of the same bytes as a plain JS object (for schemas.enable=true
 * the whole `{"schema":…,"payload":…}` envelope, so the floor pays for the schema text too), to/from UTF-8 bytes.
 *
 *   node --import tsx bench/json-converter.ts [--records N] [--rounds R]
 */
import { Buffer } from 'node:buffer';
import { JsonConverter } from '../src/converters/index.js';
import { ORDERS } from '../src/connectors/datagen/index.js';
import { Rng, seed32 } from '../src/connectors/datagen/rng.js';
import type { Schema, Struct } from '../src/data/index.js';
import { arg, bestRates, customerSchema, customers, type ConverterCase } from './customer-support.js';

const N = arg('records', 20_000);
const ROUNDS = arg('rounds', 10);

/** Orders exactly as DatagenTask.generate makes them (random.seed 42, ids 0..n-1). */
function orders(n: number): Struct[] {
  const rng = new Rng();
  const seed = seed32(42);
  const out: Struct[] = [];
  for (let id = 0; id < n; id++) out.push(ORDERS.make(id, rng.reset(seed, id)));
  return out;
}

const withSchema = new JsonConverter({ 'schemas.enable': 'true' }, false);
const withoutSchema = new JsonConverter({ 'schemas.enable': 'false' }, false);

const utf8 = new TextDecoder();
/** The floor: the converter's own bytes parsed to plain JS and written back, with JSON.parse/JSON.stringify. */
function floorCase(name: string, bytes: Uint8Array[]): ConverterCase {
  const plain = bytes.map((b) => JSON.parse(utf8.decode(b)) as unknown);
  return { name, ser: (i) => Buffer.from(JSON.stringify(plain[i]), 'utf8'), de: (b) => JSON.parse(utf8.decode(b)) };
}

function casesFor(what: string, schema: Schema, structs: readonly Struct[]): ConverterCase[] {
  const on = structs.map((s) => withSchema.fromConnectData('t', schema, s)!);
  const off = structs.map((s) => withoutSchema.fromConnectData('t', schema, s)!);
  return [
    floorCase(`${what}: JSON.stringify/parse, envelope (floor)`, on),
    { name: `${what}: JsonConverter schemas.enable=true`, ser: (i) => withSchema.fromConnectData('t', schema, structs[i])!,
      de: (b) => withSchema.toConnectData('t', b) },
    floorCase(`${what}: JSON.stringify/parse, payload (floor)`, off),
    { name: `${what}: JsonConverter schemas.enable=false`, ser: (i) => withoutSchema.fromConnectData('t', schema, structs[i])!,
      de: (b) => withoutSchema.toConnectData('t', b) },
  ];
}

const orderStructs = orders(N);
const { structs: customerStructs } = customers(N);
const groups = [
  { what: 'orders', schema: ORDERS.schema, structs: orderStructs },
  { what: 'customer', schema: customerSchema, structs: customerStructs },
];

console.log(`JsonConverter bench: ${N} records × ${ROUNDS} rounds (best round), Node ${process.version}`);
const us = (rate: number): string => (1e6 / rate).toFixed(2).padStart(7);
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US').padStart(10);
const ratio = (n: number, base: number): string => `${(base / n).toFixed(2)}×`.padStart(6);
console.log(`${'case'.padEnd(50)} ${'encode µs'.padStart(9)} ${'rec/s'.padStart(10)} ${'/floor'.padStart(6)}   ${'decode µs'.padStart(9)} ${'rec/s'.padStart(10)} ${'/floor'.padStart(6)}`);
for (const g of groups) {
  const rows = bestRates(casesFor(g.what, g.schema, g.structs), N, ROUNDS, 5000);
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k]!;
    const floor = rows[k - (k % 2)]!;
    console.log(`${r.name.padEnd(50)} ${us(r.ser).padStart(9)} ${fmt(r.ser)} ${ratio(r.ser, floor.ser)}   ${us(r.de).padStart(9)} ${fmt(r.de)} ${ratio(r.de, floor.de)}`);
  }
  const on = withSchema.fromConnectData('t', g.schema, g.structs[1])!.length;
  const off = withoutSchema.fromConnectData('t', g.schema, g.structs[1])!.length;
  console.log(`  (${g.what} record: ${on} bytes with the envelope, ${off} without; "/floor" = time ÷ the floor's time)`);
}
