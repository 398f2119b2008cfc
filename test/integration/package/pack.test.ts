/**
 * Sluice as an npm package, as a user gets it: `npm pack` (which builds dist/), the tarball installed into an
 * empty project, then plain `node` (no tsx, no TypeScript) runs an embedded pipeline that imports `sluice`,
 * `sluice/plugin` and `sluice/data` and serves the dashboard from the package's dist/ui, the reactive example
 * shipped in `examples/`, and the `sluice` binary runs a pipeline file. The suite runs on Node 20 and again on Node 24, so this does too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from '../../support/processes.js';

const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');

test('npm pack → install the tarball → embedded pipeline and the sluice binary with plain node', { timeout: 600_000 }, (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-pack-'));
  try {
    const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })) as {
      filename: string;
      files: { path: string }[];
    }[];
    const paths = packed[0]!.files.map((f) => f.path);
    assert.ok(paths.includes('dist/index.js') && paths.includes('dist/index.d.ts') && paths.includes('dist/cli/main.js'), 'the tarball holds the compiled package');
    assert.ok(paths.includes('bin/sluice.js'));
    assert.ok(!paths.some((p) => p.startsWith('src/') || p.startsWith('test/')), 'no sources or tests in the tarball');
    assert.ok(paths.includes('dist/ui/index.html') && paths.some((p) => /^dist\/ui\/app-[0-9a-f]+\.js$/.test(p)), 'the tarball holds the built dashboard');
    assert.ok(!paths.some((p) => p.startsWith('ui/')), 'no dashboard sources in the tarball');
    t.diagnostic(`${packed[0]!.filename}: ${paths.length} files`);

    const app = join(dir, 'app');
    execFileSync('mkdir', ['-p', app]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(dir, packed[0]!.filename)], { cwd: app, stdio: ['ignore', 'pipe', 'pipe'] });
    assert.ok(!existsSync(join(app, 'node_modules', 'tsx')), 'tsx is not installed: the package runs compiled');
    assert.ok(!existsSync(join(app, 'node_modules', 'sluice', 'src')));

    // An embedded pipeline, plain node, ES modules, the package's own subpath exports.
    const out = join(dir, 'embedded.jsonl');
    writeFileSync(join(app, 'embedded.mjs'), `
import { Sluice } from 'sluice';
import { SourceConnector, ConfigDef } from 'sluice/plugin';
import { SchemaBuilder } from 'sluice/data';
if (typeof SourceConnector !== 'function' || typeof ConfigDef !== 'function' || typeof SchemaBuilder !== 'function') throw new Error('subpath exports missing');
const p = await Sluice.pipeline({
  worker: { 'value.converter': 'json', 'value.converter.schemas.enable': false, 'key.converter': 'string' },
  connectors: [
    { name: 'gen', config: { 'connector.class': 'datagen', 'kafka.topic': 'orders', 'max.records': 500, 'random.seed': 1 } },
    { name: 'out', config: { 'connector.class': 'FileStreamSink', topics: 'orders', file: ${JSON.stringify(out)}, 'value.converter': 'string' } },
  ],
});
await p.start();
// The dashboard, served from the installed package's dist/ui.
const { RestServer } = await import('sluice');
const rest = await RestServer.start({ herder: p.herder, worker: { listeners: 'http://127.0.0.1:0' } });
const page = await (await fetch(rest.urls[0] + '/ui/')).text();
const script = /src="(app-[0-9a-f]+\\.js)"/.exec(page);
if (!page.includes('Sluice dashboard') || !script) throw new Error('no dashboard page: ' + page.slice(0, 200));
const js = await fetch(rest.urls[0] + '/ui/' + script[1]);
if (js.status !== 200 || !js.headers.get('content-type').startsWith('text/javascript')) throw new Error('no dashboard script: ' + js.status);
await rest.stop();
await p.finished();
await p.stop();
console.log('embedded done');
`);
    const embedded = spawnSync(process.execPath, ['embedded.mjs'], { cwd: app, encoding: 'utf8', timeout: 120_000 });
    assert.equal(embedded.status, 0, embedded.stderr);
    assert.match(embedded.stdout, /embedded done/);
    assert.equal(lines(out).length, 500);

    // The reactive example as shipped in the package, with plain node.
    const reactiveOut = join(dir, 'reactive');
    const reactive = spawnSync(process.execPath, [join(app, 'node_modules', 'sluice', 'examples', 'reactive', 'paid-orders.mjs'), reactiveOut], { cwd: app, encoding: 'utf8', timeout: 120_000 });
    assert.equal(reactive.status, 0, reactive.stderr);
    const paid = lines(join(reactiveOut, 'paid-orders.jsonl'));
    assert.match(reactive.stdout, new RegExp(`paid orders written to .*: ${paid.length}\\n`));
    assert.ok(paid.length > 100 && paid.every((l) => (JSON.parse(l) as { status: string }).status === 'PAID'));

    // The binary, as npm linked it, with plain node.
    const bin = join(app, 'node_modules', '.bin', 'sluice');
    const version = spawnSync(process.execPath, [bin, '--version'], { cwd: app, encoding: 'utf8' });
    assert.equal(version.status, 0, version.stderr);
    assert.match(version.stdout, new RegExp(`^sluice ${JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version} \\(node ${process.version}\\)`));
    const fileOut = join(dir, 'run.jsonl');
    const pipeline = join(app, 'pipeline.json');
    writeFileSync(pipeline, JSON.stringify({
      worker: { 'value.converter': 'org.apache.kafka.connect.json.JsonConverter', 'value.converter.schemas.enable': false },
      connectors: [
        { name: 'gen', config: { 'connector.class': 'datagen', 'kafka.topic': 'orders', 'max.records': 300, 'random.seed': 2 } },
        { name: 'out', config: { 'connector.class': 'FileStreamSink', topics: 'orders', file: fileOut, 'value.converter': 'org.apache.kafka.connect.storage.StringConverter' } },
      ],
    }));
    const validate = spawnSync(process.execPath, [bin, 'validate', pipeline], { cwd: app, encoding: 'utf8' });
    assert.equal(validate.status, 0, validate.stdout + validate.stderr);
    const run = spawnSync(process.execPath, [bin, 'run', pipeline, '--no-rest', '--view', 'json'], { cwd: app, encoding: 'utf8', timeout: 120_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(lines(fileOut).length, 300);
    t.diagnostic(`installed: ${readdirSync(join(app, 'node_modules')).length} top-level packages`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
