/**
 * What the converter benches share: a 10-field customer struct (int64, strings, an optional string, int32,
 * float64, boolean, Timestamp, Decimal, array) as Connect Structs and as plain objects, and the timing of converters.
 */
import { BigDecimal, Decimal, LogicalTimestamp, Schema, SchemaBuilder, Struct } from '../src/data/index.js';

export const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};

export const customerSchema = SchemaBuilder.struct().name('bench.Customer')
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

export interface Customers {
  readonly structs: Struct[];
  /** The same values as plain objects: `created` in epoch ms, `balance` as its decimal text. */
  readonly plain: Record<string, unknown>[];
}

export function customers(n: number): Customers {
  const structs: Struct[] = [];
  const plain: Record<string, unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const created = new Date(1_700_000_000_000 + i * 1000);
    const balance = new BigDecimal(BigInt(i * 137 - 50_000), 2);
    structs.push(new Struct(customerSchema)
      .put('id', 1_000_000 + i).put('name', `Customer ${i}`).put('email', i % 3 ? `c${i}@example.com` : null)
      .put('age', 18 + (i % 60)).put('score', i / 7).put('active', i % 2 === 0).put('created', created)
      .put('balance', balance).put('country', 'NL').put('tags', ['a', `t${i % 10}`]));
    plain.push({ id: 1_000_000 + i, name: `Customer ${i}`, email: i % 3 ? `c${i}@example.com` : null, age: 18 + (i % 60),
      score: i / 7, active: i % 2 === 0, created: created.getTime(), balance: balance.toString(), country: 'NL', tags: ['a', `t${i % 10}`] });
  }
  return { structs, plain };
}

/** A converter (or baseline) to time: serialize record i, deserialize bytes. */
export interface ConverterCase {
  readonly name: string;
  readonly ser: (i: number) => Uint8Array;
  readonly de: (b: Uint8Array) => unknown;
}

export interface CaseRates {
  readonly name: string;
  readonly ser: number;
  readonly de: number;
  readonly both: number;
}

/**
 * Records/s of each case over records 0..n-1, the best of `rounds`. Rounds interleave the cases, and each case keeps
 * its best round, so a busy machine skews all of them alike.
 */
export function bestRates(cases: readonly ConverterCase[], n: number, rounds: number, warmup: number): CaseRates[] {
  const best = cases.map(() => ({ ser: Infinity, de: Infinity }));
  const bytes: Uint8Array[] = new Array(n);
  for (const c of cases) for (let i = 0; i < Math.min(n, warmup); i++) c.de(c.ser(i));
  for (let r = 0; r < rounds; r++) {
    cases.forEach((c, k) => {
      let t = process.hrtime.bigint();
      for (let i = 0; i < n; i++) bytes[i] = c.ser(i);
      best[k]!.ser = Math.min(best[k]!.ser, Number(process.hrtime.bigint() - t) / 1e9);
      t = process.hrtime.bigint();
      for (let i = 0; i < n; i++) c.de(bytes[i]!);
      best[k]!.de = Math.min(best[k]!.de, Number(process.hrtime.bigint() - t) / 1e9);
    });
  }
  return cases.map((c, k) => ({ name: c.name, ser: n / best[k]!.ser, de: n / best[k]!.de, both: n / (best[k]!.ser + best[k]!.de) }));
}
