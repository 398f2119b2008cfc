// Connection settings for the real services of the integration test stack
// (started by `bash scripts/stack.sh up`). Every integration test takes its addresses
// from here, so a different stack is one set of environment variables away.
//
//   SLUICE_KAFKA_BROKERS   comma-separated host:port list (default 127.0.0.1:${SLUICE_KAFKA_PORT:-9092})
//   SLUICE_PG_HOST/PORT/USER/PASSWORD/DATABASE         (default 127.0.0.1:5432, postgres, no password, test)
//   SLUICE_MARIADB_HOST/PORT/USER/PASSWORD/DATABASE    (default 127.0.0.1:3306, root, no password, test)
//   SLUICE_NATS_URL        (default nats://127.0.0.1:4222, JetStream enabled)
import { randomBytes } from 'node:crypto';

const env = process.env;

function intEnv(name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got '${raw}'`);
  return n;
}

/** Kafka bootstrap servers, as kafkajs wants them. */
export const KAFKA_BROKERS: string[] = (env.SLUICE_KAFKA_BROKERS ?? `127.0.0.1:${intEnv('SLUICE_KAFKA_PORT', 9092)}`)
  .split(',')
  .map((s) => s.trim())
  .filter((s) => s.length > 0);

export interface DbConfig {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

/** PostgreSQL: usable as is for `new pg.Client(PG_CONFIG)` / `new pg.Pool(PG_CONFIG)`. */
export const PG_CONFIG: DbConfig = {
  host: env.SLUICE_PG_HOST ?? '127.0.0.1',
  port: intEnv('SLUICE_PG_PORT', 5432),
  user: env.SLUICE_PG_USER ?? 'postgres',
  password: env.SLUICE_PG_PASSWORD ?? '',
  database: env.SLUICE_PG_DATABASE ?? 'test',
};

/** MariaDB: usable as is for `mysql.createConnection(MARIADB_CONFIG)` (mysql2/promise). */
export const MARIADB_CONFIG: DbConfig = {
  host: env.SLUICE_MARIADB_HOST ?? '127.0.0.1',
  port: intEnv('SLUICE_MARIADB_PORT', 3306),
  user: env.SLUICE_MARIADB_USER ?? 'root',
  password: env.SLUICE_MARIADB_PASSWORD ?? '',
  database: env.SLUICE_MARIADB_DATABASE ?? 'test',
};

/** NATS server URL (JetStream enabled). */
export const NATS_URL: string = env.SLUICE_NATS_URL ?? 'nats://127.0.0.1:4222';

/**
 * A name no other test run uses, for topics, consumer groups, tables, buckets:
 * `${prefix}_${pid}_${time}_${random}`, made of [a-z0-9_] only, so it is valid as a Kafka
 * topic, an SQL identifier (when the prefix is) and a NATS KV bucket.
 */
export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}
