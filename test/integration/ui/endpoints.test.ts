/**
 * The dashboard's HTTP side without a browser, against a real standalone worker: the redirect, content types,
 * caching and security headers, paths that try to leave dist/ui, HEAD, the state snapshot and the event stream.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { readdirSync } from 'node:fs';
import { api, startWorker, waitForStates, type TestWorker } from '../rest/support.js';
import { ensureUiBuilt, UI_DIST } from './support.js';

/** A GET with the path sent exactly as written (fetch would normalise `..` and `%2e%2e`). */
function rawGet(base: string, path: string, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('dashboard endpoints', () => {
  let w: TestWorker;
  before(async () => {
    ensureUiBuilt();
    w = await startWorker();
  });
  after(async () => {
    await w?.stop();
  });

  test('/ui redirects; the page and its assets have their types, caching and a strict CSP', async () => {
    const redirect = await rawGet(w.base, '/ui?x=1');
    assert.equal(redirect.status, 301);
    assert.equal(redirect.headers['location'], '/ui/?x=1');

    const page = await rawGet(w.base, '/ui/');
    assert.equal(page.status, 200);
    assert.equal(page.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(page.headers['cache-control'], 'no-cache');
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
    assert.match(String(page.headers['content-security-policy']), /default-src 'none'; script-src 'self'/);
    const files = readdirSync(UI_DIST);
    const js = files.find((f) => /^app-[0-9a-f]+\.js$/.test(f))!;
    const css = files.find((f) => /^style-[0-9a-f]+\.css$/.test(f))!;
    assert.ok(page.body.includes(`src="${js}"`) && page.body.includes(`href="${css}"`));

    const script = await rawGet(w.base, `/ui/${js}`);
    assert.equal(script.status, 200);
    assert.equal(script.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(script.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal((await rawGet(w.base, `/ui/${css}`)).headers['content-type'], 'text/css; charset=utf-8');

    const head = await rawGet(w.base, '/ui/', 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
  });

  test('nothing outside dist/ui can be read', async () => {
    for (const path of ['/ui/..%2Fpackage.json', '/ui/%2e%2e%2fpackage.json', '/ui/%2e%2e', '/ui/..%5cpackage.json', '/ui/.gitignore', '/ui/index.html%00.js', '/ui/nope.js', '/ui/x.png']) {
      const r = await rawGet(w.base, path);
      assert.equal(r.status, 404, path);
      assert.ok(!r.body.includes('"name": "sluice"'), path);
    }
    // `..` segments the client did not normalise end up at other routes, never at a file
    const up = await rawGet(w.base, '/ui/../package.json');
    assert.notEqual(up.status, 200);
  });

  test('the state snapshot and the event stream', async () => {
    const created = await api(w.base, 'POST', '/connectors', { name: 'gen', config: { 'connector.class': 'datagen', 'kafka.topic': 'gen', 'tasks.max': '2', 'records.per.second': '100' } });
    assert.equal(created.status, 201);
    await waitForStates(w.base, 'gen', 'RUNNING RUNNING RUNNING');
    const s = await api(w.base, 'GET', '/ui/api/state');
    assert.equal(s.status, 200);
    assert.equal(s.headers.get('cache-control'), 'no-store');
    assert.equal(s.body.worker.mode, 'standalone');
    assert.equal(s.body.cluster, null);
    assert.deepEqual(s.body.connectors.map((c: { name: string; type: string; targetState: string }) => [c.name, c.type, c.targetState]), [['gen', 'source', 'RUNNING']]);
    assert.equal(s.body.connectors[0].className, 'io.sluice.connect.datagen.DatagenConnector');
    assert.equal(s.body.connectors[0].tasks.length, 2);

    const controller = new AbortController();
    const res = await fetch(`${w.base}/ui/api/events`, { signal: controller.signal });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/event-stream');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const started = Date.now();
    while ((text.match(/event: state\n/g) ?? []).length < 2 && Date.now() - started < 10_000) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    controller.abort();
    const events = text.split('\n\n').filter((e) => e.startsWith('event: state'));
    assert.ok(events.length >= 2, text);
    const first = JSON.parse(events[0]!.split('\n')[1]!.slice('data: '.length));
    assert.equal(first.connectors[0].name, 'gen');
    // the stream paces itself: about one snapshot a second, not a flood
    assert.ok(Date.now() - started >= 500, `two snapshots within ${Date.now() - started} ms`);

    assert.equal((await api(w.base, 'GET', '/ui/api/connectors/nope/config')).status, 404);
  });
});
