import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import {
  ClientConfigException,
  clientPropertyProblems,
  parseClientSettings,
  unknownClientProperties,
} from '../../../src/streams/kafka/client-settings.js';
import { parseClientJaas, parseJaasEntries, quoteJaasValue } from '../../../src/streams/kafka/client-settings-jaas.js';

const PLAIN = 'org.apache.kafka.common.security.plain.PlainLoginModule';
const SCRAM = 'org.apache.kafka.common.security.scram.ScramLoginModule';
const OAUTH = 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule';

const keysOf = (problems: { key: string }[]) => problems.map((p) => p.key);

// ---------------------------------------------------------------- JAAS

test('JAAS: Kafka syntax with quotes, escapes, comments, any-case flag and trailing semicolon', () => {
  const e = parseClientJaas(`${PLAIN} Required /* c */ username="al\\"ice" password='p;w\\\\d' // rest
    ;`);
  assert.equal(e.loginModule, PLAIN);
  assert.equal(e.controlFlag, 'required');
  assert.deepEqual(e.options, { username: 'al"ice', password: 'p;w\\d' });
  assert.deepEqual(parseClientJaas(`${SCRAM} required user_name=bare-word_$x;`).options, { user_name: 'bare-word_$x' });
});

test('JAAS: Kafka\'s errors for a missing semicolon, a value, a flag, and two modules', () => {
  assert.throws(() => parseClientJaas(`${PLAIN} required username="a"`), /JAAS config entry not terminated by semi-colon/);
  assert.throws(() => parseClientJaas(`${PLAIN} required username=;`), /Value not specified for key 'username' in JAAS config/);
  // An unquoted number has no string value in Java's StreamTokenizer.
  assert.throws(() => parseClientJaas(`${PLAIN} required password=123;`), /Value not specified for key 'password'/);
  assert.throws(() => parseClientJaas(`${PLAIN} mandatory;`), /Invalid login module control flag 'mandatory'/);
  assert.throws(() => parseClientJaas(`${PLAIN}`), /Login module control flag not specified/);
  assert.throws(() => parseClientJaas(''), /Login module not specified in JAAS config/);
  assert.throws(() => parseClientJaas(`${PLAIN} required; ${SCRAM} required;`), /contains 2 login modules, should be 1 module/);
  assert.equal(parseJaasEntries(`${PLAIN} required; ${SCRAM} optional;`).length, 2);
});

test('JAAS: any option value survives quoting and parsing (property)', () => {
  const name = fc.stringMatching(/^[a-zA-Z_$][a-zA-Z0-9_$.-]{0,12}$/);
  fc.assert(
    fc.property(fc.dictionary(name, fc.string({ unit: 'binary' }), { maxKeys: 5 }), (options) => {
      const text = `${SCRAM} required ${Object.entries(options).map(([k, v]) => `${k}=${quoteJaasValue(v)}`).join(' ')};`;
      assert.deepEqual(parseClientJaas(text).options, { ...options });
    }),
  );
});

test('JAAS: never throws anything but its own error on any input (property)', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), (text) => {
      try {
        parseJaasEntries(text);
      } catch (e) {
        assert.equal((e as Error).name, 'JaasConfigError');
      }
    }),
  );
});

// ---------------------------------------------------------------- keys

test('a key Kafka does not define for the role is unknown, not a problem', () => {
  assert.deepEqual(unknownClientProperties('consumer', { acks: 'all', 'session.timeout.ms': '10000', 'no.such.key': 'x' }), ['acks', 'no.such.key']);
  assert.deepEqual(clientPropertyProblems('consumer', { 'no.such.key': 'x' }), []);
});

test('mapped keys reach the settings; Kafka\'s type and range errors', () => {
  const s = parseClientSettings('producer', { acks: '1', 'compression.type': 'ZSTD', 'linger.ms': '20', 'batch.size': '1000', 'request.timeout.ms': '5000' });
  assert.equal(s.producer.acks, 1);
  assert.equal(s.producer.compression, 'zstd');
  assert.equal(s.producer.lingerMs, 20);
  assert.equal(s.connection.requestTimeoutMs, 5000);
  assert.deepEqual(clientPropertyProblems('producer', { 'linger.ms': 'abc' }), [
    { key: 'linger.ms', reason: 'Invalid value abc for configuration linger.ms: Not a number of type LONG' },
  ]);
  assert.match(clientPropertyProblems('producer', { 'compression.type': 'brotli' })[0]!.reason, /String must be one of: none, gzip, snappy, lz4, zstd/);
  assert.match(clientPropertyProblems('producer', { 'max.in.flight.requests.per.connection': '0' })[0]!.reason, /Value must be at least 1/);
  assert.match(clientPropertyProblems('consumer', { 'check.crcs': 'maybe' })[0]!.reason, /Expected value to be either true or false/);
  const c = parseClientSettings('consumer', { 'session.timeout.ms': '10000', 'isolation.level': 'read_committed', 'group.instance.id': 'w1' });
  assert.equal(c.consumer.sessionTimeoutMs, 10000);
  assert.equal(c.consumer.isolationLevel, 'read_committed');
  assert.equal(c.consumer.groupInstanceId, 'w1');
});

test('keys Sluice cannot honour are refused with the reason; values it honours anyway are accepted', () => {
  assert.deepEqual(keysOf(clientPropertyProblems('producer', { 'transactional.id': 't', 'enable.idempotence': 'true', 'interceptor.classes': 'a.B' })), [
    'transactional.id',
    'enable.idempotence',
    'interceptor.classes',
  ]);
  // Kafka Connect's own producer and consumer settings are what Sluice does.
  assert.deepEqual(
    clientPropertyProblems('producer', { 'enable.idempotence': 'false', acks: 'all', 'max.in.flight.requests.per.connection': '1', 'delivery.timeout.ms': '2147483647' }),
    [],
  );
  assert.deepEqual(clientPropertyProblems('consumer', { 'enable.auto.commit': 'false', 'auto.offset.reset': 'earliest', 'max.poll.records': '500' }), []);
  assert.deepEqual(clientPropertyProblems('consumer', { 'max.poll.records': '100' }), [], 'max.poll.records bounds each delivery');
  const [p] = clientPropertyProblems('producer', { 'buffer.memory': '1000' });
  assert.equal(p!.key, 'buffer.memory');
  assert.match(p!.reason, /\(accepted: 33554432\)/);
  assert.match(clientPropertyProblems('consumer', { 'auto.offset.reset': 'none' })[0]!.reason, /none is not supported/);
  assert.deepEqual(keysOf(clientPropertyProblems('admin', { 'sasl.kerberos.service.name': 'kafka' })), ['sasl.kerberos.service.name']);
});

test('security.protocol: Kafka\'s message for an unknown value; case-insensitive', () => {
  assert.match(clientPropertyProblems('admin', { 'security.protocol': 'TLS' })[0]!.reason, /String must be one of \(case insensitive\): PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL/);
  assert.equal(parseClientSettings('admin', { 'security.protocol': 'ssl' }).connection.securityProtocol, 'SSL');
});

// ---------------------------------------------------------------- SASL

test('SASL: PLAIN and SCRAM credentials from the JAAS config; the module must fit the mechanism', () => {
  const plain = parseClientSettings('producer', {
    'security.protocol': 'SASL_PLAINTEXT',
    'sasl.mechanism': 'PLAIN',
    'sasl.jaas.config': `${PLAIN} required username="u" password="p";`,
  });
  assert.deepEqual(plain.connection.sasl, { mechanism: 'plain', username: 'u', password: 'p' });
  const scram = parseClientSettings('consumer', {
    'security.protocol': 'SASL_SSL',
    'sasl.mechanism': 'SCRAM-SHA-512',
    'sasl.jaas.config': `${SCRAM} required username="u" password="p";`,
  });
  assert.equal(scram.connection.sasl?.mechanism, 'scram-sha-512');
  assert.equal(scram.connection.tls?.verifyHostname, true);
  const wrong = clientPropertyProblems('producer', {
    'security.protocol': 'SASL_SSL',
    'sasl.mechanism': 'SCRAM-SHA-256',
    'sasl.jaas.config': `${PLAIN} required username="u" password="p";`,
  });
  assert.deepEqual(keysOf(wrong), ['sasl.jaas.config']);
  assert.match(wrong[0]!.reason, /does not fit sasl.mechanism=SCRAM-SHA-256/);
});

test('SASL: GSSAPI (Kafka\'s default mechanism) and a missing JAAS config are refused; secrets never in reasons', () => {
  const none = clientPropertyProblems('admin', { 'security.protocol': 'SASL_SSL' });
  assert.deepEqual(keysOf(none), ['sasl.mechanism']);
  assert.match(none[0]!.reason, /GSSAPI \(Kerberos\) is not supported/);
  assert.deepEqual(keysOf(clientPropertyProblems('admin', { 'security.protocol': 'SASL_SSL', 'sasl.mechanism': 'PLAIN' })), ['sasl.jaas.config']);
  const missing = clientPropertyProblems('admin', {
    'security.protocol': 'SASL_SSL',
    'sasl.mechanism': 'PLAIN',
    'sasl.jaas.config': `${PLAIN} required username="u" secret="hunter2";`,
  });
  assert.match(missing[0]!.reason, /needs the option password/);
  assert.ok(!missing[0]!.reason.includes('hunter2'));
  // Without SASL, sasl.* keys are not read (as in Kafka's clients).
  assert.deepEqual(clientPropertyProblems('admin', { 'sasl.mechanism': 'GSSAPI' }), []);
});

test('SASL: OAUTHBEARER client credentials with either handler class name', () => {
  for (const handler of [
    'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler',
    'org.apache.kafka.common.security.oauthbearer.secured.OAuthBearerLoginCallbackHandler',
  ]) {
    const s = parseClientSettings('producer', {
      'security.protocol': 'SASL_SSL',
      'sasl.mechanism': 'OAUTHBEARER',
      'sasl.login.callback.handler.class': handler,
      'sasl.oauthbearer.token.endpoint.url': 'https://idp.example/token',
      'sasl.jaas.config': `${OAUTH} required clientId="id" clientSecret="s" scope="kafka" extension_logicalCluster="lkc-1";`,
      'sasl.login.refresh.buffer.seconds': '60',
    });
    const sasl = s.connection.sasl;
    assert.equal(sasl?.mechanism, 'oauthbearer');
    if (sasl?.mechanism !== 'oauthbearer') return;
    assert.equal(sasl.tokenEndpointUrl, 'https://idp.example/token');
    assert.equal(sasl.clientId, 'id');
    assert.equal(sasl.scope, 'kafka');
    assert.deepEqual(sasl.extensions, { logicalCluster: 'lkc-1' });
    assert.equal(sasl.login?.refreshBufferSeconds, 60);
    assert.equal(sasl.login?.refreshWindowFactor, 0.8);
  }
  const noHandler = clientPropertyProblems('producer', {
    'security.protocol': 'SASL_SSL',
    'sasl.mechanism': 'OAUTHBEARER',
    'sasl.jaas.config': `${OAUTH} required clientId="id" clientSecret="s";`,
  });
  assert.deepEqual(keysOf(noHandler), ['sasl.login.callback.handler.class', 'sasl.oauthbearer.token.endpoint.url']);
  assert.match(clientPropertyProblems('producer', { 'security.protocol': 'SASL_SSL', 'sasl.mechanism': 'OAUTHBEARER', 'sasl.login.refresh.window.factor': '0.2', 'sasl.login.callback.handler.class': 'x.Y', 'sasl.jaas.config': `${OAUTH} required;` })[0]!.reason, /at least 0.5/);
});

// ---------------------------------------------------------------- TLS

const dir = mkdtempSync(join(tmpdir(), 'sluice-client-settings-'));
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=unit CA');
openssl('pkcs8', '-topk8', '-in', 'ca.key', '-v2', 'aes-256-cbc', '-passout', 'pass:keypw', '-out', 'enc.key');
openssl('pkcs12', '-export', '-in', 'ca.pem', '-inkey', 'ca.key', '-passout', 'pass:storepw', '-out', 'keystore.p12');
const hasKeytool = (() => {
  try {
    execFileSync('keytool', ['-importcert', '-noprompt', '-alias', 'ca', '-file', 'ca.pem', '-keystore', 'trust.p12', '-storetype', 'PKCS12', '-storepass', 'storepw'], { cwd: dir, stdio: 'ignore' });
    execFileSync('keytool', ['-importcert', '-noprompt', '-alias', 'ca', '-file', 'ca.pem', '-keystore', 'trust.jks', '-storetype', 'JKS', '-storepass', 'storepw'], { cwd: dir, stdio: 'ignore' });
    return existsSync(join(dir, 'trust.jks'));
  } catch {
    return false;
  }
})();
const caPem = readFileSync(join(dir, 'ca.pem'), 'utf8');
const SSL = { 'security.protocol': 'SSL' } as const;

test('TLS: PEM trust store inline (flattened to one line, as property files carry it) and as a file', () => {
  const flat = caPem.replace(/\n/g, ' ');
  const inline = parseClientSettings('producer', { ...SSL, 'ssl.truststore.type': 'PEM', 'ssl.truststore.certificates': flat });
  assert.equal(inline.connection.tls?.ca?.length, 1);
  assert.match(inline.connection.tls!.ca![0]!, /^-----BEGIN CERTIFICATE-----\n/);
  const file = parseClientSettings('producer', { ...SSL, 'ssl.truststore.type': 'PEM', 'ssl.truststore.location': join(dir, 'ca.pem') });
  assert.deepEqual(file.connection.tls?.ca, inline.connection.tls?.ca);
  assert.deepEqual(keysOf(clientPropertyProblems('producer', { ...SSL, 'ssl.truststore.certificates': caPem })), ['ssl.truststore.certificates']);
});

test('TLS: PEM key store inline with an encrypted key; a wrong ssl.key.password names that key', () => {
  const props = {
    ...SSL,
    'ssl.keystore.type': 'PEM',
    'ssl.keystore.key': readFileSync(join(dir, 'enc.key'), 'utf8'),
    'ssl.keystore.certificate.chain': caPem,
    'ssl.key.password': 'keypw',
  };
  const tls = parseClientSettings('admin', props).connection.tls!;
  assert.match(tls.key!, /BEGIN PRIVATE KEY/);
  assert.match(tls.cert!, /BEGIN CERTIFICATE/);
  assert.throws(
    () => parseClientSettings('admin', { ...props, 'ssl.key.password': 'nope' }),
    (e: unknown) => e instanceof ClientConfigException && e.problems[0]!.key === 'ssl.key.password',
  );
});

test('TLS: PKCS12 key store; hostname verification off with an empty algorithm; TLS versions', () => {
  const tls = parseClientSettings('consumer', {
    ...SSL,
    'ssl.keystore.type': 'PKCS12',
    'ssl.keystore.location': join(dir, 'keystore.p12'),
    'ssl.keystore.password': 'storepw',
    'ssl.endpoint.identification.algorithm': '',
    'ssl.enabled.protocols': 'TLSv1.3',
  }).connection.tls!;
  assert.ok(tls.pfx);
  assert.equal(tls.passphrase, 'storepw');
  assert.equal(tls.verifyHostname, false);
  assert.equal(tls.minVersion, 'TLSv1.3');
  assert.throws(
    () => parseClientSettings('consumer', { ...SSL, 'ssl.keystore.type': 'PKCS12', 'ssl.keystore.location': join(dir, 'keystore.p12'), 'ssl.keystore.password': 'bad' }),
    (e: unknown) => e instanceof ClientConfigException && e.problems[0]!.key === 'ssl.keystore.password',
  );
  assert.deepEqual(keysOf(clientPropertyProblems('consumer', { ...SSL, 'ssl.protocol': 'SSLv3', 'ssl.endpoint.identification.algorithm': 'ldaps' })), [
    'ssl.endpoint.identification.algorithm',
    'ssl.protocol',
  ]);
});

test('TLS: a keytool-made PKCS12 trust store (certificates only) is read; JKS is refused with the conversion', { skip: !hasKeytool && 'keytool not found' }, () => {
  const tls = parseClientSettings('producer', { ...SSL, 'ssl.truststore.type': 'PKCS12', 'ssl.truststore.location': join(dir, 'trust.p12'), 'ssl.truststore.password': 'storepw' }).connection.tls!;
  assert.equal(tls.ca?.length, 1);
  // Kafka's default type is JKS, under which Java reads a PKCS12 file too.
  assert.equal(parseClientSettings('producer', { ...SSL, 'ssl.truststore.location': join(dir, 'trust.p12'), 'ssl.truststore.password': 'storepw' }).connection.tls?.ca?.length, 1);
  for (const props of [
    { ...SSL, 'ssl.truststore.type': 'JKS', 'ssl.truststore.location': join(dir, 'trust.jks') },
    { ...SSL, 'ssl.truststore.location': join(dir, 'trust.jks'), 'ssl.truststore.password': 'storepw' },
  ]) {
    assert.throws(
      () => parseClientSettings('producer', props),
      (e: unknown) =>
        e instanceof ClientConfigException &&
        e.problems[0]!.key.startsWith('ssl.truststore.') &&
        /keytool -importkeystore -srckeystore .*trust\.jks -srcstoretype JKS .* -deststoretype PKCS12/.test(e.message),
    );
  }
});

test('TLS: an unreadable store file names its location key', () => {
  writeFileSync(join(dir, 'garbage.p12'), 'not a store');
  for (const location of [join(dir, 'missing.p12'), join(dir, 'garbage.p12')]) {
    assert.throws(
      () => parseClientSettings('producer', { ...SSL, 'ssl.truststore.type': 'PKCS12', 'ssl.truststore.location': location }),
      (e: unknown) => e instanceof ClientConfigException && e.problems[0]!.key === 'ssl.truststore.location',
    );
  }
});
