// Confluent's pass-through driver properties: `connection.<prop>` keys the JDBC connectors do not define go to the
// driver (GenericDatabaseDialect.addConnectionProperties), here mapped onto pg / mysql2 as pgjdbc and Connector/J
// read them. Against the real databases, plus a server that accepts TCP and never answers (a hung database).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { sinkConfigDef, sourceConfigDef } from '../../../src/connectors/jdbc/index.js';
import { connectionSettings, openSession } from '../../../src/connectors/jdbc/connection.js';
import { PluginRegistry } from '../../../src/connectors/registry.js';
import { connectorConfigProblems } from '../../../src/connectors/validation.js';
import { uniqueName } from '../../support/services.js';
import { connectionConfig } from './harness.js';

function settingsOf(config: Record<string, string>) {
  const def = sinkConfigDef();
  return connectionSettings(def.parse(config), config, def);
}

/** How long opening a session takes to fail, in ms. */
async function failsWithin(config: Record<string, string>): Promise<number> {
  const started = Date.now();
  await assert.rejects(openSession(settingsOf(config)));
  return Date.now() - started;
}

describe('JDBC connection.* driver properties', () => {
  let silent: Server;
  const sockets: Socket[] = [];
  let port = 0;
  before(async () => {
    silent = createServer((s) => sockets.push(s)); // accepts, never answers
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
    port = (silent.address() as AddressInfo).port;
  });
  after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((done) => silent.close(done));
  });

  test('PostgreSQL: connection.ApplicationName reaches the server; a URL parameter wins over the property', async () => {
    const name = uniqueName('sluice-app');
    const base: Record<string, string> = { ...connectionConfig('postgresql'), topics: 't', 'connection.attempts': '1' };
    const session = await openSession(settingsOf({ ...base, 'connection.ApplicationName': name }));
    try {
      const { rows } = await session.execute("SELECT current_setting('application_name') AS a");
      assert.equal(rows[0]!['a'], name);
    } finally {
      await session.close();
    }
    const url = `${base['connection.url']}?ApplicationName=from-url`;
    const other = await openSession(settingsOf({ ...base, 'connection.url': url, 'connection.ApplicationName': name }));
    try {
      assert.equal((await other.execute("SELECT current_setting('application_name') AS a")).rows[0]!['a'], 'from-url');
    } finally {
      await other.close();
    }
  });

  test('PostgreSQL: connection.loginTimeout (seconds) bounds a login to a database that does not answer', async () => {
    const config = {
      'connection.url': `jdbc:postgresql://127.0.0.1:${port}/test`, 'connection.user': 'x', topics: 't', 'connection.attempts': '1',
      'connection.loginTimeout': '1',
    };
    const ms = await failsWithin(config);
    assert.ok(ms >= 900 && ms < 5000, `failed after ${ms} ms`);
  });

  test('MariaDB: connection.connectTimeout (ms) bounds a connect to a database that does not answer', async () => {
    const config = {
      'connection.url': `jdbc:mariadb://127.0.0.1:${port}/test`, 'connection.user': 'x', topics: 't', 'connection.attempts': '1',
      'connection.connectTimeout': '700',
    };
    const ms = await failsWithin(config);
    assert.ok(ms >= 600 && ms < 5000, `failed after ${ms} ms`);
  });

  test('the source connector reads them too, and they are not unknown keys', async () => {
    const def = sourceConfigDef();
    const config = { ...connectionConfig('mysql'), mode: 'bulk', 'topic.prefix': 'p-', 'connection.tcpKeepAlive': 'true' };
    assert.equal(connectionSettings(def.parse(config), config, def).spec.params['tcpKeepAlive'], 'true');
    const heard: string[] = [];
    const problems = await connectorConfigProblems(PluginRegistry.withBuiltins(), {
      'connector.class': 'io.confluent.connect.jdbc.JdbcSourceConnector', name: 'src', ...config, 'connection.loginTimeout': '5',
    }, { onUnknownKeys: (_, keys) => heard.push(...keys.map((k) => k.key!)) });
    assert.deepEqual(problems, []);
    assert.deepEqual(heard, []);
  });
});
