// The dashboard's pure parts: which files /ui/{name} may read, the /ui redirect, secrets hidden in configs, task
// figures, the cluster view, and the event stream's pacing.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addUiRoutes, staticFile, streamState, uiRedirect } from '../../../src/rest/ui.js';
import { Router } from '../../../src/rest/router.js';
import { RestError } from '../../../src/rest/errors.js';
import type { RestHerder, RouteDef } from '../../../src/rest/resources.js';
import { secretKeysOf, shownConfig } from '../../../src/rest/ui-config.js';
import { clusterOf, taskFigures } from '../../../src/rest/ui-state.js';
import { PluginRegistry } from '../../../src/connectors/registry.js';
import type { TaskProgress } from '../../../src/worker/herder.js';
import type { EventSink } from '../../../src/rest/tap.js';

describe('staticFile', () => {
  test('serves the bundle\'s text files with their types; the hashed assets are cached for good, the page never', () => {
    assert.deepEqual(staticFile('index.html'), { file: 'index.html', type: 'text/html; charset=utf-8', cacheControl: 'no-cache' });
    assert.equal(staticFile('app-0123abcd.js')?.type, 'text/javascript; charset=utf-8');
    assert.match(staticFile('app-0123abcd.js')!.cacheControl, /immutable/);
    assert.equal(staticFile('style-99.css')?.type, 'text/css; charset=utf-8');
  });

  test('refuses anything that could leave the folder or is not a known text file', () => {
    for (const name of ['..', '../package.json', '..%2Fpackage.json', 'a/b.js', 'a\\b.js', '.env', '.hidden.js', 'x..js', '', 'a\u0000.js', 'logo.png', 'README', 'index.html/', '/etc/passwd', '%2e%2e']) {
      assert.equal(staticFile(name), null, JSON.stringify(name));
    }
  });
});

describe('addUiRoutes', () => {
  const handle = async (dir: string, path: string) => {
    const router = new Router<RouteDef>();
    addUiRoutes(router, { herder: {} as RestHerder, dir });
    const m = router.match('GET', path);
    assert.equal(m.kind, 'found');
    if (m.kind !== 'found') throw new Error('unreachable');
    return m.handler.handler({ method: 'GET', params: m.params, query: new URLSearchParams(), body: undefined, baseUrl: 'http://x' });
  };

  test('serves the files of the bundle folder; without a build the page is a 503 that says how to build', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-ui-unit-'));
    try {
      await assert.rejects(handle(dir, '/ui/'), (e: RestError) => e.status === 503 && /npm run build/.test(e.message));
      await assert.rejects(handle(dir, '/ui/app-1.js'), (e: RestError) => e.status === 404);
      writeFileSync(join(dir, 'index.html'), '<title>x</title>');
      const page = await handle(dir, '/ui/');
      assert.equal(page.status, 200);
      assert.equal(page.text, '<title>x</title>');
      assert.equal(page.headers?.['Content-Type'], 'text/html; charset=utf-8');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('uiRedirect', () => {
  test('/ui goes to /ui/ with its query; other paths are not redirected', () => {
    assert.deepEqual(uiRedirect('/ui', ''), { status: 301, headers: { Location: '/ui/' } });
    assert.deepEqual(uiRedirect('/ui', 'a=1'), { status: 301, headers: { Location: '/ui/?a=1' } });
    assert.equal(uiRedirect('/ui/', ''), null);
    assert.equal(uiRedirect('/ui/api/state', ''), null);
    assert.equal(uiRedirect('/connectors', ''), null);
  });
});

describe('shownConfig', () => {
  const registry = PluginRegistry.withBuiltins();

  test('PASSWORD keys of the plugin, client secrets and converter secrets are [hidden]; the rest is shown', () => {
    const config = {
      'connector.class': 'io.confluent.connect.jdbc.JdbcSourceConnector',
      'connection.url': 'jdbc:postgresql://db/x',
      'connection.user': 'me',
      'connection.password': 'pw1',
      'query.masked': 'SELECT secret',
      'producer.override.sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule required password="pw2";',
      'value.converter.basic.auth.user.info': 'u:pw3',
      'tasks.max': '1',
    };
    const shown = shownConfig(registry, config);
    assert.deepEqual(shown, {
      ...config,
      'connection.password': '[hidden]',
      'query.masked': '[hidden]',
      'producer.override.sasl.jaas.config': '[hidden]',
      'value.converter.basic.auth.user.info': '[hidden]',
    });
    assert.ok(!JSON.stringify(shown).includes('pw'));
  });

  test('a config whose plugin is not installed hides keys named like secrets', () => {
    const config = { 'connector.class': 'com.gone.Connector', 'db.password': 'a', 'api.token': 'b', 'client.secret': 'c', url: 'http://x' };
    assert.deepEqual([...secretKeysOf(registry, config)].sort(), ['api.token', 'client.secret', 'db.password']);
    assert.equal(shownConfig(registry, config)['url'], 'http://x');
  });

  test('a datagen config has nothing to hide', () => {
    const config = { 'connector.class': 'datagen', 'kafka.topic': 't', 'tasks.max': '2' };
    assert.deepEqual(shownConfig(registry, config), config);
  });
});

describe('taskFigures', () => {
  const progress = (metrics: TaskProgress['metrics'], type: 'source' | 'sink' = 'source'): TaskProgress =>
    ({ connector: 'c', task: 0, type, state: 'RUNNING', finished: false, metrics }) as TaskProgress;

  test('source: polled vs acknowledged, the lag between them (filtered and skipped records are not lag), errors and DLQ writes', () => {
    const f = taskFigures(
      progress({
        recordsPolled: 100, recordsWritten: 80, recordsFiltered: 5, batches: 3, offsetCommits: 1, offsetCommitFailures: 0, lastOffsetCommitMs: 42, inFlightBatches: 1,
        recordErrors: 4, recordsSkipped: 3, deadLetterQueueProduceRequests: 3, deadLetterQueueProduceFailures: 1,
      }),
      { polledRate: 10, writtenRate: 8 },
    );
    assert.deepEqual(f, {
      read: 100, written: 80, filtered: 5, readRate: 10, writtenRate: 8, lag: 12, partitions: [], errors: 4, skipped: 3, dlqRequests: 3, dlqFailures: 1, lastOffsetCommitMs: 42,
    });
  });

  test('sink: the lag is the consumer\'s, summed over its partitions, each shown', () => {
    const consumerLag = [{ topic: 't', partition: 0, lag: 7 }, { topic: 't', partition: 1, lag: 0 }, { topic: 'u', partition: 0, lag: 5 }];
    const f = taskFigures(
      progress({ recordsPolled: 100, recordsWritten: 40, recordsFiltered: 0, batches: 3, offsetCommits: 1, offsetCommitFailures: 0, lastOffsetCommitMs: null, inFlightBatches: 1, consumerLag }, 'sink'),
      { polledRate: 0, writtenRate: 0 },
    );
    assert.equal(f?.lag, 12);
    assert.deepEqual(f?.partitions, consumerLag);
  });

  test('no metrics (not running here): no figures', () => {
    assert.equal(taskFigures(progress(null), { polledRate: 0, writtenRate: 0 }), null);
  });
});

describe('clusterOf', () => {
  test('members sorted by worker id, the leader and this worker marked, each member\'s assignment, held work', () => {
    const view = {
      cluster: { groupId: 'g' },
      group: {
        membership: {
          live: () => [
            { member: 'm-b', workerId: 'b:8083', url: 'http://b:8083' },
            { member: 'm-a', workerId: 'a:8083', url: 'http://a:8083' },
          ],
          self: { member: 'm-b' },
        },
        election: { leader: () => ({ member: 'm-a', worker_id: 'a:8083' }) },
        config: {
          assignment: {
            generation: 7,
            members: { 'm-a': { connectors: ['x'], tasks: ['x-1', 'x-0'] }, 'm-b': { connectors: [], tasks: ['y-0'] } },
            delayed: { 'm-c': { connectors: ['y'], tasks: [], deadline: 1000 } },
          },
        },
      },
    };
    assert.deepEqual(clusterOf(view), {
      groupId: 'g',
      leader: 'a:8083',
      generation: 7,
      members: [
        { workerId: 'a:8083', url: 'http://a:8083', leader: true, self: false, connectors: ['x'], tasks: ['x-0', 'x-1'] },
        { workerId: 'b:8083', url: 'http://b:8083', leader: false, self: true, connectors: [], tasks: ['y-0'] },
      ],
      delayed: [{ member: 'm-c', connectors: ['y'], tasks: [], deadline: 1000 }],
    });
  });

  test('before the group is joined: no members, no leader', () => {
    assert.deepEqual(clusterOf({ cluster: { groupId: 'g' } }), { groupId: 'g', leader: null, generation: 0, members: [], delayed: [] });
  });
});

describe('streamState', () => {
  function sink(): EventSink & { events: unknown[]; close(): void } {
    const closed = new AbortController();
    const events: unknown[] = [];
    return {
      events,
      event: (_name, data) => {
        events.push(data);
        return true;
      },
      drained: () => Promise.resolve(),
      closed: closed.signal,
      close: () => closed.abort(),
    };
  }

  test('a snapshot at once, then only when it changed or the keep-alive interval passed; ends when the client goes away', async () => {
    let at = 0;
    let version = 1;
    const state = { snapshot: () => ({ at: (at += 10), worker: { id: 'w', mode: 'standalone' as const, version: String(version) }, cluster: null, connectors: [] }) };
    const s = sink();
    const done = streamState(state, s, 5, 1_000_000);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(s.events.length, 1, 'unchanged snapshots are not sent again before the keep interval');
    version = 2;
    await new Promise((r) => setTimeout(r, 30));
    assert.ok(s.events.length >= 2);
    assert.equal((s.events[1] as { worker: { version: string } }).worker.version, '2');
    s.close();
    await done;
    const n = s.events.length;
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(s.events.length, n);
  });

  test('an unchanged snapshot is sent again after the keep-alive interval (of the snapshots\' clock)', async () => {
    let at = 0;
    const state = { snapshot: () => ({ at: (at += 10), worker: { id: 'w', mode: 'standalone' as const, version: '1' }, cluster: null, connectors: [] }) };
    const s = sink();
    const done = streamState(state, s, 2, 15);
    const deadline = Date.now() + 5000;
    while (s.events.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    s.close();
    await done;
    assert.ok(s.events.length >= 3);
    assert.deepEqual(s.events.slice(0, 3).map((e) => (e as { at: number }).at), [10, 30, 50]);
  });
});
