/**
 * SMT throughput: records/s through a chain of five common transforms (InsertField, ReplaceField, Cast, MaskField,
 * RegexRouter) on 10-field struct records, beside the same records through an empty chain (the baseline) and each
 * transform alone, in one run. Schema'd and schemaless records both.
 *
 *   node --import tsx bench/transforms.ts [--records N] [--rounds R]
 */
import { BigDecimal, Decimal, LogicalTimestamp, Schema, SchemaBuilder, SourceRecord, Struct } from '../src/data/index.js';
import { buildTransformChain, builtinRegistry, type TransformChain, type Transformation } from '../src/transforms/index.js';
import { ConfigDef } from '../src/connectors/api/config-def.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const N = arg('records', 20_000);
const ROUNDS = arg('rounds', 8);

const schema = SchemaBuilder.struct().name('bench.Customer')
  .field('id', Schema.INT64)
  .field('name', Schema.STRING)
  .field('email', Schema.OPTIONAL_STRING)
  .field('age', Schema.INT32)
  .field('score', Schema.FLOAT64)
  .field('active', Schema.BOOLEAN)
  .field('created', LogicalTimestamp.schema())
  .field('balance', Decimal.schema(2))
  .field('country', Schema.STRING)
  .field('tags', SchemaBuilder.array(Schema.STRING).build())
  .build();

const withSchema: SourceRecord[] = [];
const schemaless: SourceRecord[] = [];
for (let i = 0; i < N; i++) {
  const created = new Date(1_700_000_000_000 + i * 1000);
  const common = { topic: 'customers-raw', kafkaPartition: i % 6, timestamp: created.getTime(), sourcePartition: { t: 'c' }, sourceOffset: { i } };
  withSchema.push(new SourceRecord({
    ...common,
    valueSchema: schema,
    value: new Struct(schema)
      .put('id', 1_000_000 + i).put('name', `Customer ${i}`).put('email', i % 3 ? `c${i}@example.com` : null)
      .put('age', 18 + (i % 60)).put('score', i / 7).put('active', i % 2 === 0).put('created', created)
      .put('balance', new BigDecimal(BigInt(i * 137 - 50_000), 2)).put('country', 'NL').put('tags', ['a', `t${i % 10}`]),
  }));
  schemaless.push(new SourceRecord({
    ...common,
    value: {
      id: 1_000_000 + i, name: `Customer ${i}`, email: i % 3 ? `c${i}@example.com` : null, age: 18 + (i % 60), score: i / 7,
      active: i % 2 === 0, created: created.getTime(), balance: (i * 137 - 50_000) / 100, country: 'NL', tags: ['a', `t${i % 10}`],
    },
  }));
}

const T = 'org.apache.kafka.connect.transforms.';
const STAGES: Record<string, Record<string, string>> = {
  insert: { type: `${T}InsertField$Value`, 'topic.field': 'source_topic', 'partition.field': 'source_partition', 'timestamp.field': 'ingested' },
  replace: { type: `${T}ReplaceField$Value`, exclude: 'tags', renames: 'name:full_name,country:country_code' },
  cast: { type: `${T}Cast$Value`, spec: 'age:int64,score:float32,active:string' },
  mask: { type: `${T}MaskField$Value`, fields: 'email', replacement: '***' },
  route: { type: `${T}RegexRouter`, regex: '(.*)-raw', replacement: '$1' },
};

// A transform that only copies the record (`newRecord`), to show what the record copy itself costs.
const registry = builtinRegistry().register({
  className: 'bench.CopyRecord',
  kind: 'transformation',
  aliases: [],
  configDef: new ConfigDef(),
  create: (): Transformation => ({ configure() {}, apply: (r) => r.newRecord({}), config: () => new ConfigDef(), close() {} }),
});
STAGES['copy'] = { type: 'bench.CopyRecord' };

function chainOf(aliases: string[]): TransformChain<SourceRecord> {
  const config: Record<string, string> = { transforms: aliases.join(',') };
  for (const a of aliases) for (const [k, v] of Object.entries(STAGES[a]!)) config[`transforms.${a}.${k}`] = v;
  return buildTransformChain<SourceRecord>(config, { registry });
}

interface Case { name: string; chain: TransformChain<SourceRecord> }
const cases: Case[] = [
  { name: 'no transforms (baseline)', chain: chainOf([]) },
  { name: 'record copy only', chain: chainOf(['copy']) },
  { name: 'InsertField$Value', chain: chainOf(['insert']) },
  { name: 'ReplaceField$Value', chain: chainOf(['replace']) },
  { name: 'Cast$Value', chain: chainOf(['cast']) },
  { name: 'MaskField$Value', chain: chainOf(['mask']) },
  { name: 'RegexRouter', chain: chainOf(['route']) },
  { name: 'chain of all 5', chain: chainOf(['insert', 'replace', 'cast', 'mask', 'route']) },
];

function measure(chain: TransformChain<SourceRecord>, records: SourceRecord[]): number {
  let kept = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < records.length; i++) if (chain.apply(records[i]!) !== null) kept++;
  const ns = Number(process.hrtime.bigint() - start);
  if (kept !== records.length) throw new Error('a record was dropped');
  return (records.length / ns) * 1e9;
}

function best(chain: TransformChain<SourceRecord>, records: SourceRecord[]): number {
  measure(chain, records); // warm-up
  let top = 0;
  for (let r = 0; r < ROUNDS; r++) top = Math.max(top, measure(chain, records));
  return top;
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US').padStart(13);
const rows = cases.map((c) => ({ name: c.name, schema: best(c.chain, withSchema), schemaless: best(c.chain, schemaless) }));
const base = rows[0]!;
console.log(`SMT throughput, ${N} records × best of ${ROUNDS} rounds, node ${process.version}`);
console.log(`${'case'.padEnd(26)}${'struct rec/s'.padStart(13)}${'µs/rec'.padStart(9)}  ${'schemaless rec/s'.padStart(16)}${'µs/rec'.padStart(9)}`);
for (const r of rows) {
  console.log(`${r.name.padEnd(26)}${fmt(r.schema)}${(1e6 / r.schema).toFixed(2).padStart(9)}  ${fmt(r.schemaless).padStart(16)}${(1e6 / r.schemaless).toFixed(2).padStart(9)}`);
}
const all = rows[rows.length - 1]!;
console.log(`\nchain of 5 costs ${(1e6 / all.schema - 1e6 / base.schema).toFixed(2)} µs per struct record, ` +
  `${(1e6 / all.schemaless - 1e6 / base.schemaless).toFixed(2)} µs per schemaless record.`);
for (const c of cases) c.chain.close();
