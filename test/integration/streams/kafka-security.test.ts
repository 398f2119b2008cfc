/**
 * The Kafka client port through the test broker's secure listeners, configured only by Kafka client properties:
 * SSL (PEM files, inline PEM, PKCS12 trust store, mutual TLS), SASL_SSL with SCRAM, SASL_PLAINTEXT with PLAIN and
 * with OAUTHBEARER tokens from a token endpoint; and the errors a user sees for a wrong password, an untrusted
 * certificate and a JKS store.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { createKafkajsClient, type ClientProperties, type ConsumedBatch } from '../../../src/streams/index.js';
import { ClientConfigException } from '../../../src/streams/kafka/client-settings.js';
import { uniqueName } from '../../support/services.js';
import {
  KAFKA_SASL_PLAINTEXT_BROKERS,
  KAFKA_SASL_SSL_BROKERS,
  KAFKA_SSL_BROKERS,
  PLAIN_USER,
  SCRAM_USER,
  STORE_PASSWORD,
  jaas,
  secureFile,
  unsecuredJwt,
} from '../../support/kafka-secure.js';

const TRUST_PEM_FILE = { 'ssl.truststore.type': 'PEM', 'ssl.truststore.location': secureFile('ca.pem') };

/** Creates a topic, produces 3 records and reads them back, all through `brokers` with `props`. */
async function roundTrip(brokers: string[], props: ClientProperties): Promise<void> {
  const client = createKafkajsClient({ brokers, clientId: 'security-test', connectionTimeout: 5000 });
  const topic = uniqueName('secure');
  const admin = client.admin({ clientId: 'security-test-admin', properties: props });
  await admin.connect();
  try {
    assert.deepEqual(await admin.createTopics([{ topic, numPartitions: 1, replicationFactor: 1 }]), [topic]);
    assert.ok((await admin.listTopics()).includes(topic));
  } finally {
    await admin.disconnect();
  }
  const producer = client.producer({ clientId: 'security-test-producer', properties: props });
  await producer.connect();
  try {
    const md = await producer.send(
      [1, 2, 3].map((i) => ({ topic, partition: 0, key: Buffer.from(`k${i}`), value: Buffer.from(`v${i}`), headers: [] })),
    );
    assert.deepEqual(md.map((m) => m.offset), [0, 1, 2]);
  } finally {
    await producer.disconnect();
  }
  const consumer = client.consumer({ groupId: uniqueName('secure_group'), clientId: 'security-test-consumer', properties: props, fromBeginning: true });
  const got: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic] });
    let done!: () => void;
    const all = new Promise<void>((r) => (done = r));
    let crashed: Error | undefined;
    await consumer.run({
      onBatch: async (b: ConsumedBatch) => {
        got.push(...b.messages.map((m) => Buffer.from(m.value!).toString()));
        if (got.length >= 3) done();
      },
      onAssigned: async () => {},
      onRevoked: async () => {},
      onCrash: (e) => {
        crashed = e;
        done();
      },
    });
    await Promise.race([all, new Promise((_, rej) => setTimeout(() => rej(new Error(`consumed only ${got.length} of 3`)), 60_000))]);
    assert.equal(crashed, undefined);
  } finally {
    await consumer.disconnect();
  }
  assert.deepEqual(got, ['v1', 'v2', 'v3']);
}

/** The error an admin client's connect ends with. */
async function connectError(brokers: string[], props: ClientProperties): Promise<Error> {
  const client = createKafkajsClient({ brokers, clientId: 'security-negative', connectionTimeout: 5000 });
  const admin = client.admin({ clientId: 'security-negative', properties: { ...props, retries: '0' } });
  try {
    await admin.connect();
    await admin.listTopics();
  } catch (e) {
    return e as Error;
  } finally {
    await admin.disconnect().catch(() => {});
  }
  throw new Error('connected although it should not have');
}

/** Every message of an error and its causes. */
function messages(e: unknown): string {
  const out: string[] = [];
  for (let c = e as { message?: string; cause?: unknown; originalError?: unknown } | undefined, i = 0; c && i < 8; i++) {
    out.push(String(c.message));
    c = (c.cause ?? c.originalError) as typeof c;
  }
  return out.join(' <- ');
}

test('SSL with a PEM trust store file', () => roundTrip(KAFKA_SSL_BROKERS, { 'security.protocol': 'SSL', ...TRUST_PEM_FILE }));

test('SSL with inline PEM certificates and a client certificate (mutual TLS, inline PEM key)', () =>
  roundTrip(KAFKA_SSL_BROKERS, {
    'security.protocol': 'SSL',
    'ssl.truststore.type': 'PEM',
    // Flattened to one line, as a .properties file often carries it.
    'ssl.truststore.certificates': readFileSync(secureFile('ca.pem'), 'utf8').replace(/\n/g, ' '),
    'ssl.keystore.type': 'PEM',
    'ssl.keystore.key': readFileSync(secureFile('client-encrypted.key'), 'utf8'),
    'ssl.keystore.certificate.chain': readFileSync(secureFile('client.pem'), 'utf8'),
    'ssl.key.password': STORE_PASSWORD,
  }));

test('SSL with a keytool-made PKCS12 trust store and a PKCS12 key store', () =>
  roundTrip(KAFKA_SSL_BROKERS, {
    'security.protocol': 'SSL',
    'ssl.truststore.type': 'PKCS12',
    'ssl.truststore.location': secureFile('truststore.p12'),
    'ssl.truststore.password': STORE_PASSWORD,
    'ssl.keystore.type': 'PKCS12',
    'ssl.keystore.location': secureFile('client.p12'),
    'ssl.keystore.password': STORE_PASSWORD,
  }));

test('SASL_SSL with SCRAM-SHA-512', () =>
  roundTrip(KAFKA_SASL_SSL_BROKERS, {
    'security.protocol': 'SASL_SSL',
    'sasl.mechanism': 'SCRAM-SHA-512',
    'sasl.jaas.config': jaas('scram', SCRAM_USER),
    ...TRUST_PEM_FILE,
  }));

test('SASL_SSL with SCRAM-SHA-256', () =>
  roundTrip(KAFKA_SASL_SSL_BROKERS, {
    'security.protocol': 'SASL_SSL',
    'sasl.mechanism': 'SCRAM-SHA-256',
    'sasl.jaas.config': jaas('scram', SCRAM_USER),
    ...TRUST_PEM_FILE,
  }));

test('SASL_PLAINTEXT with PLAIN', () =>
  roundTrip(KAFKA_SASL_PLAINTEXT_BROKERS, {
    'security.protocol': 'SASL_PLAINTEXT',
    'sasl.mechanism': 'PLAIN',
    'sasl.jaas.config': jaas('plain', PLAIN_USER),
  }));

// ---------------------------------------------------------------- OAUTHBEARER

interface TokenEndpoint {
  readonly url: string;
  readonly requests: Array<{ authorization: string | undefined; body: string }>;
  close(): Promise<void>;
}

/** A client-credentials token endpoint issuing unsigned JWTs (the broker's default validator accepts them). */
async function tokenEndpoint(lifetimeSeconds: number): Promise<TokenEndpoint> {
  const requests: TokenEndpoint['requests'] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      requests.push({ authorization: req.headers.authorization, body });
      const expected = `Basic ${Buffer.from('sluice-client:s3cret').toString('base64')}`;
      if (req.headers.authorization !== expected) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid_client"}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ access_token: unsecuredJwt('sluice-client', lifetimeSeconds), token_type: 'bearer', expires_in: lifetimeSeconds }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/oauth2/token`, requests, close: () => new Promise((r) => server.close(() => r())) };
}

const oauthProps = (url: string, secret = 's3cret'): ClientProperties => ({
  'security.protocol': 'SASL_PLAINTEXT',
  'sasl.mechanism': 'OAUTHBEARER',
  'sasl.login.callback.handler.class': 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler',
  'sasl.oauthbearer.token.endpoint.url': url,
  'sasl.jaas.config': `org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientId="sluice-client" clientSecret="${secret}" scope="kafka";`,
  'sasl.login.retry.backoff.max.ms': '500',
});

test('SASL_PLAINTEXT with OAUTHBEARER: a client-credentials token, fetched once and reused', async () => {
  const endpoint = await tokenEndpoint(3600);
  after(() => endpoint.close());
  await roundTrip(KAFKA_SASL_PLAINTEXT_BROKERS, oauthProps(endpoint.url));
  assert.ok(endpoint.requests.length >= 1);
  assert.equal(endpoint.requests[0]!.body, 'grant_type=client_credentials&scope=kafka');
  // One token per client (admin, producer, consumer), reused by every connection the client opens.
  assert.ok(endpoint.requests.length <= 3, `${endpoint.requests.length} token requests`);
});

test('OAUTHBEARER: a token endpoint refusing the client fails the connection naming the endpoint\'s answer', async () => {
  const endpoint = await tokenEndpoint(3600);
  after(() => endpoint.close());
  const e = await connectError(KAFKA_SASL_PLAINTEXT_BROKERS, oauthProps(endpoint.url, 'wrong'));
  assert.match(messages(e), /token endpoint .* answered 401/);
  // 401 is not retried (Kafka's HttpAccessTokenRetriever neither).
  assert.equal(endpoint.requests.length, 1);
});

// ---------------------------------------------------------------- negative

test('SASL: a wrong password fails with an authentication error', async () => {
  const e = await connectError(KAFKA_SASL_SSL_BROKERS, {
    'security.protocol': 'SASL_SSL',
    'sasl.mechanism': 'SCRAM-SHA-512',
    'sasl.jaas.config': jaas('scram', { username: SCRAM_USER.username, password: 'wrong' }),
    ...TRUST_PEM_FILE,
  });
  assert.match(messages(e), /authentication failed/i);
  assert.ok(!messages(e).includes('wrong"'), 'the password is not in the message');
  const plain = await connectError(KAFKA_SASL_PLAINTEXT_BROKERS, {
    'security.protocol': 'SASL_PLAINTEXT',
    'sasl.mechanism': 'PLAIN',
    'sasl.jaas.config': jaas('plain', { username: PLAIN_USER.username, password: 'wrong' }),
  });
  assert.match(messages(plain), /Authentication failed: Invalid username or password/i);
});

test('SSL: a broker certificate the trust store does not vouch for fails naming the certificate problem', async () => {
  const e = await connectError(KAFKA_SSL_BROKERS, { 'security.protocol': 'SSL', 'ssl.truststore.type': 'PEM', 'ssl.truststore.location': secureFile('untrusted-ca.pem') });
  assert.match(messages(e), /self[- ]signed certificate in certificate chain|unable to verify/i);
});

test('SSL: a client certificate from an untrusted CA is refused by the broker (mutual TLS)', async () => {
  const e = await connectError(KAFKA_SSL_BROKERS, {
    'security.protocol': 'SSL',
    ...TRUST_PEM_FILE,
    'ssl.keystore.type': 'PEM',
    'ssl.keystore.key': readFileSync(secureFile('untrusted-client.key'), 'utf8'),
    'ssl.keystore.certificate.chain': readFileSync(secureFile('untrusted-client.pem'), 'utf8'),
  });
  assert.match(messages(e), /certificate/i);
});

test('SSL: a JKS trust store is refused at client creation, naming the key and the conversion', () => {
  const client = createKafkajsClient({ brokers: KAFKA_SSL_BROKERS });
  assert.throws(
    () => client.producer({ clientId: 'jks', properties: { 'security.protocol': 'SSL', 'ssl.truststore.location': secureFile('truststore.jks'), 'ssl.truststore.password': STORE_PASSWORD } }),
    (e: unknown) =>
      e instanceof ClientConfigException &&
      e.problems[0]!.key === 'ssl.truststore.location' &&
      /JKS truststores are not supported; convert it to PKCS12 with keytool -importkeystore/.test(e.message),
  );
});
