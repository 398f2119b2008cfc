/**
 * PostgreSQL result columns → Connect fields: built-in types by OID and type modifier (numeric precision/scale,
 * bit length), arrays of them, and — through a per-dialect cache of pg_type rows — domains (as their base type),
 * enums and string-category types. Values arrive as PostgreSQL's text output and are converted exactly.
 */
import { Buffer } from 'node:buffer';
import { LogicalDate, LogicalTime, SchemaBuilder } from '../../../../data/index.js';
import { parsePgArray } from '../../util/pg-array.js';
import { Instant, parseDateText, parseTimeText } from '../../util/temporal.js';
import type { Session, SourceColumn, SourceMappingOptions, TimeKind } from '../dialect.js';
import { int64FromText, numericField, timestampColumn } from '../source-values.js';
import { numericTypmod, pgBool } from './catalog.js';

/** A result column's metadata as pg reports it. */
interface PgField {
  name: string;
  tableID: number;
  columnID: number;
  dataTypeID: number;
  dataTypeModifier: number;
}

/** OIDs of built-in types. */
const OID = {
  bool: 16, bytea: 17, char: 18, name: 19, int8: 20, int2: 21, int4: 23, text: 25, oid: 26, json: 114, xml: 142,
  float4: 700, float8: 701, bpchar: 1042, varchar: 1043, date: 1082, time: 1083, timestamp: 1114,
  timestamptz: 1184, timetz: 1266, bit: 1560, varbit: 1562, numeric: 1700, uuid: 2950, jsonb: 3802,
} as const;

const ARRAY_ELEMENT: Record<number, number> = {
  1000: OID.bool, 1001: OID.bytea, 1002: OID.char, 1003: OID.name, 1005: OID.int2, 1007: OID.int4, 1009: OID.text,
  1014: OID.bpchar, 1015: OID.varchar, 1016: OID.int8, 1021: OID.float4, 1022: OID.float8, 1028: OID.oid,
  1115: OID.timestamp, 1182: OID.date, 1183: OID.time, 1185: OID.timestamptz, 1231: OID.numeric, 1270: OID.timetz,
  2951: OID.uuid, 199: OID.json, 3807: OID.jsonb, 143: OID.xml,
};

const TYPE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(OID).map(([k, v]) => [v, k]));

interface ScalarHandler {
  builder: SchemaBuilder;
  convert: (text: string) => unknown;
  instant?: (text: string) => Instant;
  timeKind?: TimeKind;
  integral: boolean;
  typeName: string;
}

/** The facts of a pg_type row this mapping needs. */
interface PgTypeInfo {
  typname: string;
  typtype: string;
  typcategory: string;
  baseOid: number;
  baseTypmod: number;
  elemOid: number;
}

type Mapped = SourceColumn | { name: string; unsupported: string };

function timestampHandler(kind: TimeKind, opts: SourceMappingOptions, typeName: string): ScalarHandler {
  const c = timestampColumn(kind, opts, (t) => `cannot read timestamp '${t}'${/infinity/i.test(t) ? ': infinite timestamps have no Connect value' : ''}`);
  return { builder: c.builder, convert: c.convert, instant: c.instant, timeKind: kind, integral: false, typeName };
}

function scalarHandler(oid: number, typmod: number, opts: SourceMappingOptions): ScalarHandler | null {
  const typeName = TYPE_NAMES[oid] ?? String(oid);
  const str = (): ScalarHandler => ({ builder: SchemaBuilder.string(), convert: (t) => t, integral: false, typeName });
  switch (oid) {
    case OID.bool:
      return { builder: SchemaBuilder.bool(), convert: (t) => t === 't', integral: false, typeName };
    case OID.int2:
      return { builder: SchemaBuilder.int16(), convert: (t) => Number(t), integral: true, typeName };
    case OID.int4:
      return { builder: SchemaBuilder.int32(), convert: (t) => Number(t), integral: true, typeName };
    case OID.int8:
    case OID.oid:
      return { builder: SchemaBuilder.int64(), convert: int64FromText, integral: true, typeName };
    case OID.float4:
      return { builder: SchemaBuilder.float32(), convert: (t) => Number(t), integral: false, typeName };
    case OID.float8:
      return { builder: SchemaBuilder.float64(), convert: (t) => Number(t), integral: false, typeName };
    case OID.numeric: {
      const { precision, scale } = numericTypmod(typmod);
      return { ...numericField(opts.numericMapping, precision, scale), typeName };
    }
    case OID.text: case OID.varchar: case OID.bpchar: case OID.name: case OID.char:
    case OID.json: case OID.jsonb: case OID.uuid: case OID.xml:
      return str();
    case OID.bytea:
      return {
        builder: SchemaBuilder.bytes(),
        convert: (t) => (t.startsWith('\\x') ? Buffer.from(t.slice(2), 'hex') : Buffer.from(t, 'latin1')),
        integral: false,
        typeName,
      };
    case OID.date:
      return {
        builder: LogicalDate.builder(),
        convert: (t) => {
          const d = parseDateText(t);
          if (!d) throw new Error(`cannot read date '${t}'`);
          return d;
        },
        integral: false,
        typeName,
      };
    case OID.time:
    case OID.timetz:
      return {
        builder: LogicalTime.builder(),
        convert: (t) => {
          const r = parseTimeText(t);
          if (!r) throw new Error(`cannot read time '${t}'`);
          return new Date(r.ms);
        },
        integral: false,
        typeName,
      };
    case OID.timestamp:
      return timestampHandler('wall', opts, typeName);
    case OID.timestamptz:
      return timestampHandler('instant', opts, typeName);
    case OID.bit:
    case OID.varbit: {
      const n = oid === OID.bit ? typmod : -1;
      if (n === 1) return { builder: SchemaBuilder.bool(), convert: (t) => t === '1', integral: false, typeName };
      if (n > 1 && n <= 8) return { builder: SchemaBuilder.int8(), convert: (t) => (parseInt(t, 2) << 24) >> 24, integral: false, typeName };
      return { builder: SchemaBuilder.bytes(), convert: bitsToBytes, integral: false, typeName };
    }
    default:
      return null;
  }
}

function bitsToBytes(t: string): Uint8Array {
  const out = new Uint8Array(Math.ceil(t.length / 8));
  for (let i = 0; i < t.length; i++) if (t[i] === '1') out[i >> 3]! |= 0x80 >> (i & 7);
  return out;
}

/** Maps result columns; remembers the pg_type rows it had to look up (one cache per dialect instance). */
export class PgSourceTypes {
  readonly #typeCache = new Map<number, PgTypeInfo | null>();

  async sourceColumns(session: Session, rawFields: readonly unknown[], opts: SourceMappingOptions): Promise<Mapped[]> {
    const fields = rawFields as PgField[];
    // Nullability and auto-increment of columns that come straight from a table.
    const attrs = new Map<string, { notnull: boolean; autoinc: boolean }>();
    const fromTables = fields.filter((f) => f.tableID > 0 && f.columnID > 0);
    if (fromTables.length > 0) {
      const r = await session.execute(
        `SELECT a.attrelid AS rel, a.attnum AS num, a.attnotnull AS notnull,
           (a.attidentity <> '' OR COALESCE(pg_get_expr(d.adbin, d.adrelid), '') LIKE 'nextval(%') AS autoinc
         FROM pg_catalog.pg_attribute a LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         WHERE (a.attrelid, a.attnum) IN (SELECT * FROM unnest($1::oid[], $2::int2[]))`,
        [`{${fromTables.map((f) => f.tableID).join(',')}}`, `{${fromTables.map((f) => f.columnID).join(',')}}`],
      );
      for (const row of r.rows) attrs.set(`${row.rel}:${row.num}`, { notnull: pgBool(row.notnull), autoinc: pgBool(row.autoinc) });
    }
    const unknownOids = fields.map((f) => f.dataTypeID).filter((o) => !TYPE_NAMES[o] && !ARRAY_ELEMENT[o] && !this.#typeCache.has(o));
    if (unknownOids.length > 0) await this.#loadTypes(session, unknownOids);

    const out: Mapped[] = [];
    for (const f of fields) {
      const attr = attrs.get(`${f.tableID}:${f.columnID}`);
      const nullable = !attr?.notnull;
      const col = await this.#sourceColumn(session, f, opts, nullable, attr?.autoinc ?? false);
      out.push(col);
    }
    return out;
  }

  async #loadTypes(session: Session, oids: number[]): Promise<void> {
    const r = await session.execute(
      `SELECT t.oid AS oid, t.typname AS typname, t.typtype AS typtype, t.typcategory AS typcategory,
         t.typbasetype AS base, t.typtypmod AS basetypmod, t.typelem AS elem
       FROM pg_catalog.pg_type t WHERE t.oid = ANY($1::oid[])`,
      [`{${[...new Set(oids)].join(',')}}`],
    );
    for (const o of oids) this.#typeCache.set(o, null);
    for (const row of r.rows) {
      this.#typeCache.set(Number(row.oid), {
        typname: String(row.typname),
        typtype: String(row.typtype),
        typcategory: String(row.typcategory),
        baseOid: Number(row.base),
        baseTypmod: Number(row.basetypmod),
        elemOid: Number(row.elem),
      });
    }
  }

  /** A handler for any type OID: built-ins, domains (their base type), enums and string-category types. */
  async #handlerFor(session: Session, oid: number, typmod: number, opts: SourceMappingOptions): Promise<ScalarHandler | null> {
    const builtin = scalarHandler(oid, typmod, opts);
    if (builtin) return builtin;
    if (!this.#typeCache.has(oid)) await this.#loadTypes(session, [oid]);
    const info = this.#typeCache.get(oid);
    if (!info) return null;
    if (info.typtype === 'd') return this.#handlerFor(session, info.baseOid, info.baseTypmod, opts);
    if (info.typtype === 'e' || info.typcategory === 'S') {
      return { builder: SchemaBuilder.string(), convert: (t) => t, integral: false, typeName: info.typname };
    }
    return null;
  }

  async #sourceColumn(session: Session, f: PgField, opts: SourceMappingOptions, nullable: boolean, autoinc: boolean): Promise<Mapped> {
    let elemOid = ARRAY_ELEMENT[f.dataTypeID];
    if (elemOid === undefined) {
      const info = this.#typeCache.get(f.dataTypeID);
      if (info && info.typcategory === 'A' && info.elemOid > 0) elemOid = info.elemOid;
    }
    if (elemOid !== undefined) {
      const el = await this.#handlerFor(session, elemOid, f.dataTypeModifier, opts);
      if (!el) return { name: f.name, unsupported: `array of type oid ${elemOid}` };
      const elemSchema = el.builder.optional().build();
      const builder = SchemaBuilder.array(elemSchema);
      if (nullable) builder.optional();
      const convertEl = el.convert;
      return {
        name: f.name,
        schema: builder.build(),
        convert: (raw) => {
          const items = parsePgArray(String(raw));
          return items.map((x) => {
            if (x === null) return null;
            if (Array.isArray(x)) throw new Error('multi-dimensional arrays are not supported');
            return convertEl(x);
          });
        },
        typeName: `${el.typeName}[]`,
        autoIncrement: false,
        nullable,
        integral: false,
      };
    }
    const h = await this.#handlerFor(session, f.dataTypeID, f.dataTypeModifier, opts);
    if (!h) {
      const info = this.#typeCache.get(f.dataTypeID);
      return { name: f.name, unsupported: info?.typname ?? `type oid ${f.dataTypeID}` };
    }
    if (nullable) h.builder.optional();
    const convert = h.convert;
    const instant = h.instant;
    return {
      name: f.name,
      schema: h.builder.build(),
      convert: (raw) => convert(String(raw)),
      instant: instant ? (raw) => instant(String(raw)) : undefined,
      timeKind: h.timeKind,
      typeName: h.typeName,
      autoIncrement: autoinc,
      nullable,
      integral: h.integral,
    };
  }
}
