/**
 * For the dashboard's browser tests: the built bundle (dist/ui, built here when missing or older than ui/), a
 * real Chromium (Debian's /usr/bin/chromium, driven by playwright-core; `scripts/stack.sh up` installs it), a
 * test plugin with a PASSWORD key and a task that can be told to fail, and screenshots under the test cache.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { ConfigDef, SourceConnector, SourceRecord, SourceTask, type ConnectorConfig, type ConnectorPlugin, type SourceTaskClass } from '../../../src/index.js';

const ROOT = resolve(import.meta.dirname, '../../..');
export const UI_DIST = join(ROOT, 'dist', 'ui');
export const SCREENSHOTS = join(ROOT, 'node_modules', '.cache', 'sluice-tests', 'screenshots');
export const CHROMIUM = '/usr/bin/chromium';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds dist/ui when it is missing or older than a file of ui/ (the tests run against the built bundle). */
export function ensureUiBuilt(): void {
  const index = join(UI_DIST, 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newestMtime(join(ROOT, 'ui'))) return;
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-ui.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building the dashboard failed: ${r.stderr || r.stdout}`);
}

export interface Browser {
  readonly context: BrowserContext;
  page(): Promise<Page>;
  close(): Promise<void>;
}

/** A headless Chromium with a fresh profile; fails (never skips) when Chromium is not installed. */
export async function launch(options: { httpCredentials?: { username: string; password: string } } = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM}: the dashboard's browser tests need it. Run \`bash scripts/stack.sh up\` (it installs Debian's chromium with apt-get as root).`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'sluice-ui-chromium-'));
  // Playwright passes the profile folder as --user-data-dir itself (it refuses that flag in args).
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
    ...(options.httpCredentials ? { httpCredentials: options.httpCredentials } : {}),
  });
  return {
    context,
    page: async () => context.pages()[0] ?? (await context.newPage()),
    async close() {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// ---- a test plugin: `vault.password` is a PASSWORD; `fail=true` makes its task fail at start

export const VAULT_FAILURE = 'vault task cannot open the vault: the vault is sealed';

class VaultTask extends SourceTask {
  #n = 0;
  #topic = '';
  version(): string {
    return '1';
  }
  start(config: ConnectorConfig): void {
    if (config['fail'] === 'true') throw new Error(VAULT_FAILURE);
    this.#topic = config['topic'] ?? 'vault';
  }
  async poll(signal: AbortSignal): Promise<SourceRecord[] | null> {
    await new Promise((r) => setTimeout(r, 100));
    if (signal.aborted) return null;
    const n = this.#n++;
    return [new SourceRecord({ topic: this.#topic, kafkaPartition: 0, value: `secret #${n}`, sourcePartition: { vault: 'v' }, sourceOffset: { n } })];
  }
  stop(): void {}
}

const vaultDef = (): ConfigDef =>
  new ConfigDef()
    .define({ name: 'vault.password', type: 'PASSWORD', defaultValue: '', importance: 'HIGH', documentation: 'The vault password.' })
    .define({ name: 'topic', type: 'STRING', defaultValue: 'vault', importance: 'HIGH', documentation: 'Where to write.' })
    .define({ name: 'fail', type: 'BOOLEAN', defaultValue: false, importance: 'LOW', documentation: 'The task fails at start.' });

class VaultConnector extends SourceConnector {
  #config: ConnectorConfig = {};
  version(): string {
    return '1';
  }
  start(config: ConnectorConfig): void {
    this.#config = config;
  }
  taskConfigs(maxTasks: number): ConnectorConfig[] {
    return Array.from({ length: maxTasks }, () => ({ ...this.#config }));
  }
  stop(): void {}
  config(): ConfigDef {
    return vaultDef();
  }
  taskClass(): SourceTaskClass {
    return VaultTask;
  }
}

export const vaultPlugin: ConnectorPlugin = {
  type: 'source',
  className: 'com.example.VaultSourceConnector',
  aliases: ['vault'],
  version: '1',
  create: () => new VaultConnector(),
  configDef: vaultDef,
};
