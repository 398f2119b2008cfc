import { Headers, type ConnectRecord, type SchemaAndValue } from '../data/index.js';
import { ConfigDef, parseConfig, type Transformation } from './transformation.js';
import { Validators } from '../connectors/api/config-def.js';
import { parseString } from './java-values.js';

export const HEADERS_FIELD = 'headers';
export const HEADER_FIELD = 'header';
export const VALUE_LITERAL_FIELD = 'value.literal';

const DROP_CONFIG_DEF = new ConfigDef().define({
  name: HEADERS_FIELD,
  type: 'LIST',
  validator: Validators.list(undefined, false),
  importance: 'HIGH',
  documentation: 'The name of the headers to be removed.',
});

/** `org.apache.kafka.connect.transforms.DropHeaders`: removes every header whose key is listed. */
export class DropHeaders<R extends ConnectRecord = ConnectRecord> implements Transformation<R> {
  static readonly CONFIG_DEF = DROP_CONFIG_DEF;
  #headers = new Set<string>();

  configure(config: Readonly<Record<string, unknown>>): void {
    this.#headers = new Set(parseConfig(DROP_CONFIG_DEF, config)[HEADERS_FIELD] as string[]);
  }

  apply(record: R): R {
    const kept = new Headers(record.headers.toArray().filter((h) => !this.#headers.has(h.key)));
    return record.newRecord({ headers: kept });
  }

  config(): ConfigDef {
    return DROP_CONFIG_DEF;
  }

  close(): void {}
}

const NON_EMPTY = {
  ensureValid(name: string, value: unknown) {
    Validators.nonEmptyString().ensureValid(name, value);
  },
  describe: () => 'non-empty string',
};

const INSERT_CONFIG_DEF = new ConfigDef()
  .define({ name: HEADER_FIELD, type: 'STRING', validator: NON_EMPTY, importance: 'HIGH', documentation: 'The name of the header.' })
  .define({
    name: VALUE_LITERAL_FIELD, type: 'STRING', validator: NON_EMPTY, importance: 'HIGH',
    documentation: 'The literal value that is to be set as the header value on all records.',
  });

/**
 * `org.apache.kafka.connect.transforms.InsertHeader`: adds one header whose value is `value.literal` parsed as
 * Connect's `Values.parseString` does (so `42` is an INT8, `true` a BOOLEAN, `2024-01-31` a Date).
 */
export class InsertHeader<R extends ConnectRecord = ConnectRecord> implements Transformation<R> {
  static readonly CONFIG_DEF = INSERT_CONFIG_DEF;
  #header = '';
  #literal: SchemaAndValue = { schema: null, value: null };

  configure(config: Readonly<Record<string, unknown>>): void {
    const c = parseConfig(INSERT_CONFIG_DEF, config);
    this.#header = c[HEADER_FIELD] as string;
    this.#literal = parseString(c[VALUE_LITERAL_FIELD] as string);
  }

  apply(record: R): R {
    const headers = record.headers.duplicate().add(this.#header, this.#literal.value, this.#literal.schema);
    return record.newRecord({ headers });
  }

  config(): ConfigDef {
    return INSERT_CONFIG_DEF;
  }

  close(): void {}
}
