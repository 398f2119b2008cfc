/**
 * JsonConverter throughput: serialize + deserialize of a 10-field struct, with the schema envelope and without,
 * beside JSON.stringify/JSON.parse of the same data as a plain object (the baseline), in one run.
 *
 *   node --import tsx bench/json-converter.ts [--records N] [--rounds R]
 */
import { Buffer } from 'node:buffer';
import { JsonConverter } from '../src/converters/index.js';
import { arg, bestRates, customerSchema, customers, type ConverterCase } from './customer-support.js';

const N = arg('records', 20_000);
const ROUNDS = arg('rounds', 10);
const schema = customerSchema;
const { structs, plain } = customers(N);


const withSchema = new JsonConverter({ 'schemas.enable': 'true' }, false);
const withoutSchema = new JsonConverter({ 'schemas.enable': 'false' }, false);

const cases: ConverterCase[] = [
  { name: 'JSON.stringify/JSON.parse (baseline)', ser: (i) => Buffer.from(JSON.stringify(plain[i]), 'utf8'),
    de: (b) => JSON.parse(Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8')) },
  { name: 'JsonConverter schemas.enable=true (struct)', ser: (i) => withSchema.fromConnectData('t', schema, structs[i])!,
    de: (b) => withSchema.toConnectData('t', b) },
  { name: 'JsonConverter schemas.enable=false (struct)', ser: (i) => withoutSchema.fromConnectData('t', schema, structs[i])!,
    de: (b) => withoutSchema.toConnectData('t', b) },
  { name: 'JsonConverter schemas.enable=false (schemaless object)', ser: (i) => withoutSchema.fromConnectData('t', null, plain[i])!,
    de: (b) => withoutSchema.toConnectData('t', b) },
];

const rows = bestRates(cases, N, ROUNDS, 5000);
const baseline = rows[0]!;

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US').padStart(11);
const ratio = (n: number, base: number): string => `${(n / base).toFixed(2)}×`.padStart(6);
console.log(`JsonConverter bench: ${N} records × ${ROUNDS} rounds (best round), Node ${process.version}`);
console.log(`${'case'.padEnd(56)} ${'serialize/s'.padStart(11)} ${'(vs base)'.padStart(6)} ${'deserialize/s'.padStart(13)} ${'(vs base)'.padStart(6)} ${'both/s'.padStart(11)} ${'(vs base)'.padStart(6)}`);
for (const r of rows) {
  console.log(`${r.name.padEnd(56)} ${fmt(r.ser)} ${ratio(r.ser, baseline.ser)}   ${fmt(r.de)} ${ratio(r.de, baseline.de)} ${fmt(r.both)} ${ratio(r.both, baseline.both)}`);
}
const sample = withSchema.fromConnectData('t', schema, structs[1])!;
console.log(`\nrecord size: ${sample.length} bytes with the envelope, ${withoutSchema.fromConnectData('t', schema, structs[1])!.length} without`);
