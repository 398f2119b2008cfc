/**
 * Schema Registry converters: serialize + deserialize records/s of AvroConverter, ProtobufConverter and
 * JsonSchemaConverter beside JsonConverter (schemas.enable=true, the baseline) on the same 10-field structs, in one
 * run, against `sluice registry` in process (after the first record every schema and id comes from the caches, as
 * in a running task). Also raw avsc on plain objects: what the Avro encoding alone costs.
 *
 *   node --import tsx bench/registry-converters.ts [--records N] [--rounds R]
 */
import avro from 'avsc';
import { settleLookups } from '../src/data/index.js';
import { arg, bestRates, customerSchema, customers, type ConverterCase } from './customer-support.js';
import { JsonConverter, createConverter, type Converter } from '../src/converters/index.js';
import { startSchemaRegistry } from '../src/registry/index.js';

const N = arg('records', 20_000);
const ROUNDS = arg('rounds', 8);
const schema = customerSchema;
const { structs } = customers(N);
// The plain objects avsc writes: the same values, with the decimal as two bytes.
const plain = customers(N).plain.map((p, i) => ({ ...p, balance: Buffer.from([(i >> 8) & 0xff, i & 0xff]) }));

const registry = await startSchemaRegistry({ listener: 'http://127.0.0.1:0', storage: { kind: 'memory' } });
const configured = (cls: string): Converter => {
  const c = createConverter(cls);
  c.configure({ 'schema.registry.url': registry.url }, false);
  return c;
};
const json = new JsonConverter({ 'schemas.enable': 'true' }, false);
const avroConv = configured('io.confluent.connect.avro.AvroConverter');
const protoConv = configured('io.confluent.connect.protobuf.ProtobufConverter');
const jsonSchemaConv = configured('io.confluent.connect.json.JsonSchemaConverter');
// The first record of each converter registers its schema and fetches it back by id.
const topics = new Map<Converter, string>([[json, 'bench-json'], [avroConv, 'bench-avro'], [protoConv, 'bench-protobuf'], [jsonSchemaConv, 'bench-jsonschema']]);
for (const c of [avroConv, protoConv, jsonSchemaConv]) {
  const b = await settleLookups(() => c.fromConnectData(topics.get(c)!, schema, structs[0]));
  await settleLookups(() => c.toConnectData(topics.get(c)!, b));
}

const rawType = avro.Type.forSchema({
  type: 'record', name: 'Customer', namespace: 'bench', fields: [
    { name: 'id', type: 'long' }, { name: 'name', type: 'string' }, { name: 'email', type: ['null', 'string'], default: null },
    { name: 'age', type: 'int' }, { name: 'score', type: 'double' }, { name: 'active', type: 'boolean' },
    { name: 'created', type: 'long' }, { name: 'balance', type: 'bytes' }, { name: 'country', type: 'string' },
    { name: 'tags', type: { type: 'array', items: 'string' } },
  ],
});

const viaConverter = (name: string, c: Converter): ConverterCase => {
  const topic = topics.get(c)!;
  return { name, ser: (i) => c.fromConnectData(topic, schema, structs[i])!, de: (b) => c.toConnectData(topic, b) };
};
const cases: ConverterCase[] = [
  viaConverter('JsonConverter schemas.enable=true (baseline)', json),
  viaConverter('AvroConverter', avroConv),
  viaConverter('ProtobufConverter', protoConv),
  viaConverter('JsonSchemaConverter', jsonSchemaConv),
  { name: 'avsc toBuffer/fromBuffer, plain objects (no Connect)', ser: (i) => rawType.toBuffer(plain[i]), de: (b) => rawType.fromBuffer(Buffer.from(b.buffer, b.byteOffset, b.byteLength)) },
];

const rows = bestRates(cases, N, ROUNDS, 3000).map((r, k) => ({ ...r, size: cases[k]!.ser(1).length }));
await registry.close();
const base = rows[0]!;
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US').padStart(11);
const ratio = (n: number, b: number): string => `${(n / b).toFixed(2)}×`.padStart(6);
console.log(`Registry converters bench: ${N} records × ${ROUNDS} rounds (best round), Node ${process.version}`);
console.log(`${'case'.padEnd(54)} ${'serialize/s'.padStart(11)} ${''.padStart(6)} ${'deserialize/s'.padStart(13)} ${''.padStart(6)} ${'both/s'.padStart(11)} ${''.padStart(6)} bytes`);
for (const r of rows) {
  console.log(`${r.name.padEnd(54)} ${fmt(r.ser)} ${ratio(r.ser, base.ser)}   ${fmt(r.de)} ${ratio(r.de, base.de)} ${fmt(r.both)} ${ratio(r.both, base.both)} ${String(r.size).padStart(5)}`);
}
