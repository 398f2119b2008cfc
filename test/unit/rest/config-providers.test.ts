import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigException } from '../../../src/connectors/api/index.js';
import {
  ConfigTransformer,
  DirectoryConfigProvider,
  EnvVarConfigProvider,
  configTransformerFromWorker,
  hasVariables,
  reverseTransform,
} from '../../../src/worker/config-providers.js';
import { parseProperties } from '../../../src/worker/properties.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-providers-'));
const secrets = join(dir, 'secrets.properties');
writeFileSync(secrets, '# db\ndb.user=alice\ndb.password: s3cr=t\nempty=\n');
mkdirSync(join(dir, 'run'));
writeFileSync(join(dir, 'run', 'token'), 'tok-123');

const worker = {
  'config.providers': 'file,env,directory',
  'config.providers.file.class': 'org.apache.kafka.common.config.provider.FileConfigProvider',
  'config.providers.env.class': 'EnvVarConfigProvider',
  'config.providers.directory.class': 'org.apache.kafka.common.config.provider.DirectoryConfigProvider',
};

describe('Java properties', () => {
  test('separators, comments, continuations, escapes, later keys win', () => {
    const p = parseProperties(
      '# comment\n! also\n  a=1\nb : 2\nc 3\nd=x\\\n   y\ne=\\u0041\\tz\nkey\\ with\\:colon=v\nf\na=again\n',
    );
    assert.deepEqual(Object.fromEntries(p), { a: 'again', b: '2', c: '3', d: 'xy', e: 'A\tz', 'key with:colon': 'v', f: '' });
  });
});

describe('config providers', () => {
  test('resolves file, env and directory placeholders; several in one value', () => {
    const t = configTransformerFromWorker(worker);
    process.env['SLUICE_TEST_PROVIDER_VAR'] = 'from-env';
    const out = t.transform({
      user: `\${file:${secrets}:db.user}`,
      password: `\${file:${secrets}:db.password}`,
      url: `jdbc://\${file:${secrets}:db.user}@host/\${env:SLUICE_TEST_PROVIDER_VAR}`,
      token: `\${directory:${join(dir, 'run')}:token}`,
      empty: `\${file:${secrets}:empty}`,
      plain: 'no placeholders',
    });
    assert.deepEqual(out, {
      user: 'alice',
      password: 's3cr=t',
      url: 'jdbc://alice@host/from-env',
      token: 'tok-123',
      empty: '',
      plain: 'no placeholders',
    });
  });

  test('unknown providers and unknown keys stay as they are (as Kafka)', () => {
    const t = configTransformerFromWorker(worker);
    const raw = { a: '${vault:secret/db:pw}', b: `\${file:${secrets}:missing}`, c: '${env:SLUICE_SURELY_UNSET_VAR_42}' };
    assert.deepEqual(t.transform(raw), raw);
  });

  test('no providers: configs are used as given', () => {
    const t = configTransformerFromWorker({});
    assert.equal(t.enabled, false);
    const raw = { a: '${file:/x:y}' };
    assert.equal(t.transform(raw), raw);
  });

  test('an unreadable file is a ConfigException, reported as a problem', () => {
    const t = configTransformerFromWorker(worker);
    assert.throws(() => t.transform({ a: '${file:/nonexistent/sluice.properties:k}' }), ConfigException);
    const problems = t.problems({ x: 'plain', a: '${file:/nonexistent/sluice.properties:k}' });
    assert.equal(problems.length, 1);
    assert.equal(problems[0]!.key, 'a');
    assert.match(problems[0]!.reason, /Could not read properties from file \/nonexistent\/sluice.properties/);
  });

  test('allowed.paths: a file outside is not read (the placeholder stays)', () => {
    const t = configTransformerFromWorker({ ...worker, 'config.providers.file.param.allowed.paths': '/etc/nowhere' });
    const raw = { a: `\${file:${secrets}:db.user}` };
    assert.deepEqual(t.transform(raw), raw);
    const allowed = configTransformerFromWorker({ ...worker, 'config.providers.file.param.allowed.paths': dir });
    assert.deepEqual(allowed.transform(raw), { a: 'alice' });
  });

  test('env allowlist.pattern and directory keys never escape the directory', () => {
    const env = new EnvVarConfigProvider({ A_1: 'x', B_1: 'y' });
    env.configure({ 'allowlist.pattern': 'A_.*' });
    assert.deepEqual(Object.fromEntries(env.get('', new Set(['A_1', 'B_1']))), { A_1: 'x' });
    const d = new DirectoryConfigProvider();
    d.configure({});
    assert.deepEqual(Object.fromEntries(d.get(join(dir, 'run'), new Set(['token', '../secrets.properties']))), { token: 'tok-123' });
  });

  test('worker config errors name the key', () => {
    assert.throws(() => configTransformerFromWorker({ 'config.providers': 'x' }), (e: ConfigException) => e.key === 'config.providers.x.class');
    assert.throws(
      () => configTransformerFromWorker({ 'config.providers': 'x', 'config.providers.x.class': 'com.example.Vault' }),
      /unknown config provider class com.example.Vault/,
    );
    assert.throws(
      () => configTransformerFromWorker({ ...worker, 'config.providers.file.param.allowed.paths': 'relative/dir' }),
      (e: ConfigException) => e.key === 'config.providers.file.param.allowed.paths',
    );
  });

  test('task configs keep the placeholders of the connector config (reverseTransform)', () => {
    const raw = { 'connection.password': '${file:/s:pw}', topic: 't', name: 'c' };
    const tasks: Array<Record<string, string>> = [{ 'connection.password': 'hunter2', topic: 't', 'task.id': '0' }, { topic: 't' }];
    assert.deepEqual(reverseTransform(raw, tasks), [
      { 'connection.password': '${file:/s:pw}', topic: 't', 'task.id': '0' },
      { topic: 't' },
    ]);
    assert.ok(hasVariables('x ${a:b} y'));
    assert.ok(!hasVariables('x $a:b y'));
  });

  test('ConfigTransformer asks each provider once per path', () => {
    let calls = 0;
    const t = new ConfigTransformer(new Map([['p', { configure() {}, get: (_path: string, keys: ReadonlySet<string>) => {
      calls++;
      return new Map([...keys].map((k) => [k, k.toUpperCase()]));
    } }]]));
    assert.deepEqual(t.transform({ a: '${p:one:x}', b: '${p:one:y}', c: '${p:two:z}' }), { a: 'X', b: 'Y', c: 'Z' });
    assert.equal(calls, 2);
  });
});
