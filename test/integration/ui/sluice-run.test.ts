// The dashboard of `sluice run` (a separate OS process, as a user starts it): Chromium opens /ui/ on the pipeline
// file's listener and sees the file's connectors RUNNING, live.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sluice, tempDir, writeJson, until } from '../cli/support.js';
import { freePort } from '../../support/ports.js';
import { api } from '../rest/support.js';
import { ensureUiBuilt, launch, screenshot } from './support.js';

test('sluice run serves the dashboard on its listener', { timeout: 120_000 }, async () => {
  ensureUiBuilt();
  const dir = tempDir('ui-run');
  const base = `http://127.0.0.1:${await freePort()}`;
  const file = writeJson(dir, 'pipeline.json', {
    worker: { listeners: base },
    connectors: [{ name: 'gen', config: { 'connector.class': 'datagen', 'kafka.topic': 'orders', 'records.per.second': '20', 'tasks.max': '2' } }],
  });
  const p = sluice(['run', file, '--view', 'json', '--keep-running']);
  const browser = await launch();
  try {
    await until(async () => (await api(base, 'GET', '/health').catch(() => null))?.status === 200, 'the REST API answers');
    const page = await browser.page();
    page.setDefaultTimeout(30_000);
    assert.equal((await page.goto(`${base}/ui`))?.status(), 200);
    await page.locator('.live.on').waitFor();
    const gen = page.locator('section[data-connector="gen"]');
    await gen.locator('header .badge', { hasText: 'RUNNING' }).waitFor();
    await gen.locator('tr.task .badge', { hasText: 'RUNNING' }).nth(1).waitFor();
    assert.match(await page.innerText('.top'), /standalone/);
    await screenshot(page, 'sluice-run');
  } finally {
    await browser.close();
    p.child.kill('SIGTERM');
    assert.equal((await p.exited).code, 0);
  }
});
