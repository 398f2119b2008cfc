/**
 * The web dashboard in a real Chromium against a real standalone worker (on the Kafka broker, REST on a free
 * port): create a connector through the form and see it RUNNING, pause it, see a failed task's trace, per-key
 * validation errors beside the keys, a PASSWORD value never reaching the page, offsets reset and delete with
 * confirmation, and basic auth on /ui/.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { StandaloneHerder } from '../../../src/worker/standalone-herder.js';
import { PluginRegistry } from '../../../src/connectors/registry.js';
import { RestServer } from '../../../src/rest/index.js';
import { api, eventually, tempDir, waitForStates } from '../rest/support.js';
import { KAFKA_BROKERS, uniqueName } from '../../support/services.js';
import { ensureUiBuilt, launch, screenshot, vaultPlugin, VAULT_FAILURE, type Browser } from './support.js';

const SECRET = 'pw-S3cr3t-9f1c-never-shown';
const topic = (name: string) => uniqueName(`ui_${name}`);

async function startWorker(worker: Record<string, string> = {}): Promise<{ herder: StandaloneHerder; rest: RestServer; base: string; stop(): Promise<void> }> {
  const herder = new StandaloneHerder({
    worker: { listeners: 'http://127.0.0.1:0', 'bootstrap.servers': KAFKA_BROKERS.join(','), 'offset.flush.interval.ms': '500', ...worker },
    registry: PluginRegistry.withBuiltins().register(vaultPlugin),
  });
  await herder.start();
  const rest = await RestServer.start({ herder });
  return {
    herder,
    rest,
    base: rest.urls[0]!,
    async stop() {
      await rest.stop();
      await herder.stop();
    },
  };
}

const section = (page: Page, name: string) => page.locator(`section[data-connector="${name}"]`);
const connectorBadge = (page: Page, name: string, state: string) => section(page, name).locator('header .badge', { hasText: state });

/** Clicks an action of a connector and confirms it in the dialog. */
async function confirmAction(page: Page, name: string, action: string): Promise<void> {
  await section(page, name).locator('.actions button', { hasText: action }).click();
  const dialog = page.locator('.modal.confirm');
  await dialog.waitFor();
  assert.match(await dialog.innerText(), new RegExp(`${action} connector ${name}\\?`, 'i'));
  await dialog.locator('button', { hasText: 'Confirm' }).click();
  await dialog.waitFor({ state: 'detached' });
}

/** Everything the page holds as text: the HTML, what is rendered, and the values of every field. */
async function everythingOnThePage(page: Page): Promise<string> {
  const fields = await page
    .locator('input, textarea')
    .evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value).join('\n'));
  return `${await page.content()}\n${await page.innerText('body')}\n${fields}`;
}

describe('web dashboard (standalone worker, Chromium)', () => {
  let w: Awaited<ReturnType<typeof startWorker>>;
  let browser: Browser;
  let page: Page;

  before(async () => {
    ensureUiBuilt();
    w = await startWorker();
    browser = await launch();
    page = await browser.page();
    page.setDefaultTimeout(20_000);
  });
  after(async () => {
    await browser?.close();
    await w?.stop();
  });

  test('/ui redirects to /ui/, which loads the bundle and goes live over one event stream', async () => {
    const events: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/ui/api/events')) events.push(r.url());
    });
    const res = await page.goto(`${w.base}/ui`);
    assert.equal(res?.status(), 200);
    assert.equal(new URL(page.url()).pathname, '/ui/');
    assert.equal(await page.title(), 'Sluice dashboard');
    await page.locator('.live.on', { hasText: 'live' }).waitFor();
    await page.locator('text=No connectors yet.').waitFor();
    assert.match(await page.innerText('.top'), /standalone/);
    assert.equal(events.length, 1);
  });

  test('a connector created through the form runs; pausing it (confirmed) shows PAUSED', async () => {
    await page.locator('button', { hasText: 'New connector' }).click();
    await page.fill('#connector-name', 'orders');
    await page.fill('#config-json', JSON.stringify({ 'connector.class': 'datagen', 'tasks.max': '1', 'kafka.topic': topic('orders'), 'records.per.second': '50' }));
    await page.locator('.modal.editor button', { hasText: 'Create' }).click();
    await page.locator('.message.ok', { hasText: 'Connector orders created' }).waitFor();
    await connectorBadge(page, 'orders', 'RUNNING').waitFor();
    await section(page, 'orders').locator('tr.task .badge', { hasText: 'RUNNING' }).waitFor();
    await waitForStates(w.base, 'orders', 'RUNNING RUNNING');
    // live figures: the task's records/s column comes from the snapshot
    await eventually(async () => /polled/.test(await section(page, 'orders').locator('tr.task').innerText()), 'the task figures');

    await confirmAction(page, 'orders', 'Pause');
    await connectorBadge(page, 'orders', 'PAUSED').waitFor();
    await waitForStates(w.base, 'orders', 'PAUSED PAUSED');
    await section(page, 'orders').locator('.actions button', { hasText: 'Resume' }).waitFor();
  });

  test('a sink shows its consumer lag per partition', async () => {
    const t = topic('lagged');
    const file = join(tempDir('ui-lag'), 'out.txt');
    assert.equal((await api(w.base, 'POST', '/connectors', { name: 'lag-src', config: { 'connector.class': 'datagen', 'kafka.topic': t, 'max.records': '300' } })).status, 201);
    assert.equal((await api(w.base, 'POST', '/connectors', { name: 'lag-sink', config: { 'connector.class': 'FileStreamSink', topics: t, file } })).status, 201);
    const partition = section(page, 'lag-sink').locator(`tr.task [data-partition="${t}-0"]`);
    await eventually(async () => (await partition.count()) === 1 && /: 0$/.test((await partition.innerText()).trim()), 'partition 0 caught up');
    assert.match(await section(page, 'lag-sink').locator('tr.task').innerText(), /300 read/);
    for (const name of ['lag-src', 'lag-sink']) assert.equal((await api(w.base, 'DELETE', `/connectors/${name}`)).status, 204);
  });

  test('a failed task shows its trace', async () => {
    const r = await api(w.base, 'POST', '/connectors', { name: 'sealed', config: { 'connector.class': 'vault', 'tasks.max': '1', fail: 'true' } });
    assert.equal(r.status, 201);
    await section(page, 'sealed').locator('tr.task .badge', { hasText: 'FAILED' }).waitFor();
    const trace = section(page, 'sealed').locator('.trace-row .trace');
    await trace.waitFor();
    assert.match(await trace.innerText(), /Last failure of task 0/);
    assert.ok((await trace.innerText()).includes(VAULT_FAILURE));
  });

  test('validation errors are shown beside their keys; nothing is created', async () => {
    await page.locator('button', { hasText: 'New connector' }).click();
    await page.fill('#connector-name', 'broken');
    await page.fill('#config-json', JSON.stringify({ 'connector.class': 'datagen', 'tasks.max': 'many', 'kafka.topic': topic('broken') }));
    await page.locator('.modal.editor button', { hasText: 'Create' }).click();
    const row = page.locator('.modal.editor .row[data-key="tasks.max"]');
    await row.locator('.errors').waitFor();
    assert.match(await row.locator('.errors').innerText(), /many/);
    assert.equal(await page.locator('.modal.editor .row[data-key="kafka.topic"] .errors').count(), 0);
    await screenshot(page, 'validation-errors');
    assert.equal((await api(w.base, 'GET', '/connectors/broken')).status, 404);
    // fixed in the key's own field, it is created
    await row.locator('input.value').fill('1');
    await page.locator('.modal.editor button', { hasText: 'Create' }).click();
    await connectorBadge(page, 'broken', 'RUNNING').waitFor();
  });

  test('a PASSWORD value never reaches the page; editing keeps it', async () => {
    const config = { 'connector.class': 'vault', 'tasks.max': '1', 'vault.password': SECRET, topic: topic('kept') };
    assert.equal((await api(w.base, 'POST', '/connectors', { name: 'keeper', config })).status, 201);
    await connectorBadge(page, 'keeper', 'RUNNING').waitFor();
    await section(page, 'keeper').locator('.actions button', { hasText: 'Edit config' }).click();
    const row = page.locator('.modal.editor .row[data-key="vault.password"]');
    await row.waitFor();
    assert.equal(await row.locator('input.value').inputValue(), '[hidden]');
    assert.match(await page.inputValue('#config-json'), /"vault.password": "\[hidden\]"/);
    assert.ok(!(await everythingOnThePage(page)).includes(SECRET), 'the password is on the page');
    // the dashboard's own endpoints never carry it either
    for (const path of ['/ui/api/state', '/ui/api/connectors/keeper/config']) {
      const r = await api(w.base, 'GET', path);
      assert.equal(r.status, 200);
      assert.ok(!r.text.includes(SECRET), `${path} shows the password`);
    }
    assert.equal((await api(w.base, 'GET', '/ui/api/connectors/keeper/config')).body['vault.password'], '[hidden]');

    const moved = topic('moved');
    await page.locator('.modal.editor .row[data-key="topic"] input.value').fill(moved);
    await page.locator('.modal.editor button', { hasText: 'Save' }).click();
    await page.locator('.message.ok', { hasText: 'Connector keeper updated' }).waitFor();
    const stored = (await api(w.base, 'GET', '/connectors/keeper/config')).body;
    assert.equal(stored.topic, moved);
    assert.equal(stored['vault.password'], SECRET);
    assert.ok(!(await everythingOnThePage(page)).includes(SECRET));
    await connectorBadge(page, 'keeper', 'RUNNING').waitFor();
    await section(page, 'sealed').locator('tr.task .badge', { hasText: 'FAILED' }).waitFor();
    const file = await screenshot(page, 'dashboard');
    if (process.env.SLUICE_UI_SCREENSHOT) writeFileSync(join(process.env.SLUICE_UI_SCREENSHOT), await page.screenshot({ fullPage: true }));
    assert.ok(file.endsWith('dashboard.png'));
  });

  test('stop, then the offsets view resets offsets (confirmed); delete (confirmed) removes the connector', async () => {
    await confirmAction(page, 'keeper', 'Stop');
    await connectorBadge(page, 'keeper', 'STOPPED').waitFor();
    await eventually(async () => (await api(w.base, 'GET', '/connectors/keeper/status')).body.connector.state === 'STOPPED', 'keeper STOPPED over REST');
    // an offset of a known value (the task's own ones depend on how far it got)
    const altered = await api(w.base, 'PATCH', '/connectors/keeper/offsets', { offsets: [{ partition: { vault: 'v' }, offset: { n: 41 } }] });
    assert.equal(altered.status, 200);
    await section(page, 'keeper').locator('.actions button', { hasText: 'Offsets' }).click();
    const panel = page.locator('.modal.offsets');
    await panel.locator('table.offsets-table').waitFor();
    assert.match(await panel.innerText(), /\{"vault":"v"\}\s+\{"n":41\}/);
    await panel.locator('button', { hasText: 'Reset offsets' }).click();
    await page.locator('.modal.confirm button', { hasText: 'Confirm' }).click();
    await panel.locator('.message.ok').waitFor();
    await panel.locator('text=No offsets committed.').waitFor();
    assert.deepEqual((await api(w.base, 'GET', '/connectors/keeper/offsets')).body.offsets, []);
    await panel.locator('button', { hasText: 'Close' }).click();

    // cancelling does nothing
    await section(page, 'keeper').locator('.actions button', { hasText: 'Delete' }).click();
    await page.locator('.modal.confirm button', { hasText: 'Cancel' }).click();
    assert.equal((await api(w.base, 'GET', '/connectors/keeper')).status, 200);

    await confirmAction(page, 'keeper', 'Delete');
    await section(page, 'keeper').waitFor({ state: 'detached' });
    assert.equal((await api(w.base, 'GET', '/connectors/keeper')).status, 404);
  });
});

describe('web dashboard behind basic auth (Chromium)', () => {
  test('/ui/ and its endpoints answer 401 without credentials; with them the dashboard is live', async () => {
    ensureUiBuilt();
    const dir = tempDir('ui-auth');
    const creds = join(dir, 'credentials.properties');
    writeFileSync(creds, 'admin: s3cret\n');
    const w = await startWorker({
      'rest.extension.classes': 'org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension',
      'sluice.rest.basic.auth.file': creds,
    });
    const anonymous = await launch();
    const admin = await launch({ httpCredentials: { username: 'admin', password: 's3cret' } });
    try {
      for (const path of ['/ui', '/ui/', '/ui/api/state', '/ui/api/events', '/ui/api/connectors/x/config']) {
        const r = await fetch(w.base + path, { redirect: 'manual' });
        assert.equal(r.status, 401, path);
        assert.equal(r.headers.get('www-authenticate'), 'Basic realm="sluice"');
        await r.body?.cancel();
      }
      // Chromium, asked for credentials it does not have, ends the navigation (headless: no prompt).
      const page = await anonymous.page();
      const outcome = await page.goto(`${w.base}/ui/`).then((r) => `HTTP ${r?.status()}`, (e: Error) => e.message);
      assert.match(outcome, /HTTP 401|ERR_INVALID_AUTH_CREDENTIALS/);

      const authed = await admin.page();
      assert.equal((await authed.goto(`${w.base}/ui/`))?.status(), 200);
      await authed.locator('.live.on').waitFor({ timeout: 20_000 });
      await authed.locator('text=No connectors yet.').waitFor({ timeout: 20_000 });
    } finally {
      await anonymous.close();
      await admin.close();
      await w.stop();
    }
  });
});
