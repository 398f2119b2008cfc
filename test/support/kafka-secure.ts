// The test broker's secure listeners, as scripts/stack.sh sets them up (same environment variables):
//
//   SSL             127.0.0.1:${SLUICE_KAFKA_SSL_PORT:-9094}             client certificates requested, not required
//   SASL_SSL        127.0.0.1:${SLUICE_KAFKA_SASL_SSL_PORT:-9095}        SCRAM-SHA-512, SCRAM-SHA-256, PLAIN
//   SASL_PLAINTEXT  127.0.0.1:${SLUICE_KAFKA_SASL_PLAINTEXT_PORT:-9096}  PLAIN, OAUTHBEARER (unsecured JWTs)
//
// Certificates and stores (scripts/kafka/certs.sh) are in .stack/kafka/secure/, stores protected by
// STORE_PASSWORD; the OAUTHBEARER listener uses Kafka's default validator, which accepts unsigned JWTs.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const env = process.env;
const port = (name: string, fallback: number) => Number(env[name] ?? fallback);

export const SECURE_DIR = join(fileURLToPath(new URL('../..', import.meta.url)), '.stack', 'kafka', 'secure');
export const secureFile = (name: string): string => join(SECURE_DIR, name);

export const KAFKA_SSL_BROKERS = [`127.0.0.1:${port('SLUICE_KAFKA_SSL_PORT', 9094)}`];
export const KAFKA_SASL_SSL_BROKERS = [`127.0.0.1:${port('SLUICE_KAFKA_SASL_SSL_PORT', 9095)}`];
export const KAFKA_SASL_PLAINTEXT_BROKERS = [`127.0.0.1:${port('SLUICE_KAFKA_SASL_PLAINTEXT_PORT', 9096)}`];

export const STORE_PASSWORD = 'sluice-store-secret';
/** A SCRAM-SHA-512 and SCRAM-SHA-256 user (created with Kafka's ConfigCommand), also a PLAIN user. */
export const SCRAM_USER = { username: 'alice', password: 'alice-secret' } as const;
export const PLAIN_USER = { username: 'alice', password: 'alice-secret' } as const;

/** `sasl.jaas.config` for a login module and its options, in Kafka's syntax. */
export function jaas(module: 'plain' | 'scram', user: { username: string; password: string }): string {
  const cls =
    module === 'plain'
      ? 'org.apache.kafka.common.security.plain.PlainLoginModule'
      : 'org.apache.kafka.common.security.scram.ScramLoginModule';
  return `${cls} required username="${user.username}" password="${user.password}";`;
}

/** An unsigned JWT as Kafka's default (unsecured) OAUTHBEARER validator accepts it. */
export function unsecuredJwt(subject: string, lifetimeSeconds: number): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${b64({ alg: 'none' })}.${b64({ sub: subject, iat: now, exp: now + lifetimeSeconds })}.`;
}
