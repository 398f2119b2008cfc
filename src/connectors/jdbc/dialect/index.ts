/** Dialect selection: by `dialect.name` when set, else by the URL's sub-protocol (as Confluent's DatabaseDialects). */
import type { QuoteMethod } from '../util/identifiers.js';
import type { ConnectionSpec } from '../util/url.js';
import type { Dialect } from './dialect.js';
import { MySqlDialectImpl } from './mysql/dialect.js';
import { PostgresDialectImpl } from './postgres/dialect.js';

export * from './dialect.js';
export { PostgresDialectImpl } from './postgres/dialect.js';
export { MySqlDialectImpl } from './mysql/dialect.js';

export const DIALECT_NAMES = ['PostgreSqlDatabaseDialect', 'MySqlDatabaseDialect'] as const;

export function dialectFor(spec: ConnectionSpec, dialectName: string, quoteMethod: QuoteMethod): Dialect {
  const name = dialectName.trim();
  if (name !== '') {
    if (name === 'PostgreSqlDatabaseDialect') return new PostgresDialectImpl(quoteMethod);
    if (name === 'MySqlDatabaseDialect') return new MySqlDialectImpl(quoteMethod);
    throw new Error(`Dialect ${name} is not supported; supported dialects: ${DIALECT_NAMES.join(', ')}`);
  }
  return spec.kind === 'postgresql' ? new PostgresDialectImpl(quoteMethod) : new MySqlDialectImpl(quoteMethod);
}
