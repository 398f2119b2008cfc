/**
 * examples/connector-template as a connector author and its users get it: sluice packed (`npm pack`, which
 * builds dist/), the template copied to an empty folder with that tarball installed beside its dev tools (from
 * the local npm cache), its own `npm test` (tsc, then node's test runner on sluice/testing) with plain node, then
 * the template packed and installed with sluice into an app, where `sluice run --plugin sluice-connector-template
 * pipeline.json` moves every counter position into the sink's file and exits 0.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { REPO } from '../../support/processes.js';

const TEMPLATE = join(REPO, 'examples', 'connector-template');
const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');

function npm(args: string[], cwd: string): string {
  const r = spawnSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
  assert.equal(r.status, 0, `npm ${args.join(' ')} in ${cwd}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

const packed = (stdout: string) => (JSON.parse(stdout) as { filename: string }[])[0]!.filename;

test('the connector template: its own tests on the packed sluice, then sluice run --plugin <the template package>', { timeout: 900_000 }, (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-template-'));
  try {
    const started = Date.now();
    const sluiceTgz = join(dir, packed(execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })));
    t.diagnostic(`sluice packed in ${Date.now() - started} ms`);

    // The template as an author starts from it: copied, sluice installed without touching its package.json.
    const template = join(dir, 'template');
    cpSync(TEMPLATE, template, { recursive: true, filter: (src) => !/[\\/](node_modules|dist|out)$/.test(src) });
    const manifest = readFileSync(join(template, 'package.json'), 'utf8');
    const pkg = JSON.parse(manifest) as { peerDependencies: Record<string, string>; dependencies?: Record<string, string> };
    assert.ok(pkg.peerDependencies['sluice'], 'sluice is a peer dependency');
    assert.equal(pkg.dependencies, undefined, 'no runtime dependency besides the peer');
    npm(['install', '--no-save', '--no-audit', '--no-fund', '--prefer-offline', sluiceTgz], template);
    assert.equal(readFileSync(join(template, 'package.json'), 'utf8'), manifest);
    for (const f of ['counter-source.ts', 'lines-sink.ts', 'index.ts']) {
      const imports = [...readFileSync(join(template, 'src', f), 'utf8').matchAll(/from '([^.'][^']*)'/g)].map((m) => m[1]!);
      assert.deepEqual(imports.filter((m) => !m.startsWith('node:') && m !== 'sluice/plugin' && m !== 'sluice/data'), [], `${f} imports only sluice/plugin, sluice/data and node:`);
    }

    // Its own tests: tsc, then node --test on the compiled files (plain node, sluice/testing from the tarball).
    const tested = spawnSync('npm', ['test'], { cwd: template, encoding: 'utf8', timeout: 300_000 });
    assert.equal(tested.status, 0, tested.stdout + tested.stderr);
    // node's closing lines: `# pass 6` (TAP, Node 20 when piped) or `ℹ pass 6` (spec, Node 23 and later).
    assert.match(tested.stdout, /^(#|ℹ) pass [1-9]\d*$/m);
    assert.match(tested.stdout, /^(#|ℹ) fail 0$/m);
    t.diagnostic(`template tests: ${tested.stdout.split('\n').filter((l) => /^(#|ℹ) (tests|pass|fail|duration_ms) /.test(l)).map((l) => l.slice(2)).join(', ')}`);

    // Published: the template packed (prepare builds it), installed with sluice into an app, named by package.
    const templateTgz = join(dir, packed(npm(['pack', '--json', '--pack-destination', dir], template)));
    const app = join(dir, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    npm(['install', '--no-audit', '--no-fund', '--prefer-offline', sluiceTgz, templateTgz], app);
    assert.ok(existsSync(join(app, 'node_modules', 'sluice-connector-template', 'dist', 'src', 'index.js')));
    cpSync(join(app, 'node_modules', 'sluice-connector-template', 'pipeline.json'), join(app, 'pipeline.json'));
    const bin = join(app, 'node_modules', '.bin', 'sluice');

    const validate = spawnSync(process.execPath, [bin, 'validate', '--plugin', 'sluice-connector-template', 'pipeline.json'], { cwd: app, encoding: 'utf8' });
    assert.equal(validate.status, 0, validate.stdout + validate.stderr);

    const run = spawnSync(process.execPath, [bin, 'run', '--plugin', 'sluice-connector-template', 'pipeline.json', '--no-rest', '--view', 'json'], { cwd: app, encoding: 'utf8', timeout: 120_000 });
    assert.equal(run.status, 0, run.stderr);
    const written = lines(join(app, 'out', 'counts.jsonl')).map((l) => JSON.parse(l) as { key: string; value: { counter: string; position: number } });
    assert.equal(written.length, 300, 'three counters of 100 positions');
    for (const counter of ['a', 'b', 'c']) {
      assert.deepEqual(written.filter((r) => r.key === counter).map((r) => r.value.position), [...Array(100).keys()], `counter ${counter} in order, once each`);
    }
    const offsets = JSON.parse(readFileSync(join(app, 'out', 'offsets.json'), 'utf8')) as Record<string, { position: number }>;
    assert.deepEqual(Object.values(offsets).map((o) => o.position), [99, 99, 99], 'the source offsets of the run');

    // A bad value is refused before anything starts, naming the connector and the key (exit 2).
    const bad = JSON.parse(readFileSync(join(app, 'pipeline.json'), 'utf8')) as { connectors: { config: Record<string, unknown> }[] };
    bad.connectors[0]!.config['batch.size'] = 0;
    writeFileSync(join(app, 'bad.json'), JSON.stringify(bad));
    const refused = spawnSync(process.execPath, [bin, 'run', '--plugin', 'sluice-connector-template', 'bad.json', '--no-rest', '--view', 'json'], { cwd: app, encoding: 'utf8', timeout: 60_000 });
    assert.equal(refused.status, 2, refused.stdout + refused.stderr);
    assert.match(refused.stdout + refused.stderr, /counters.*batch\.size/);
    t.diagnostic(`whole flow in ${Date.now() - started} ms`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
