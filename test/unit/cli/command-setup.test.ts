import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import {
  CommandFailure,
  EXIT_CONFIG,
  EXIT_USAGE,
  counted,
  exitCodeOf,
  usageFailed,
} from '../../../src/cli/command-exit.js';
import { StopSignals, loadPipeline, loadPlugins, untilStopped } from '../../../src/cli/command-setup.js';
import { PluginRegistry } from '../../../src/connectors/registry.js';
import type { CliIo } from '../../../src/cli/io.js';

/** A CliIo whose signals the test raises, and whose exit throws (as process.exit would not return). */
function fakeIo() {
  const err: string[] = [];
  let handler: ((signal: NodeJS.Signals) => void) | null = null;
  const exits: number[] = [];
  const io = {
    stdout: { write: () => true },
    stdoutFd: 1,
    stderr: { write: (s: string) => err.push(s) },
    onSignal(h: (signal: NodeJS.Signals) => void) {
      handler = h;
      return () => {
        handler = null;
      };
    },
    exit(code: number): never {
      exits.push(code);
      throw new Error(`exit ${code}`);
    },
  } as unknown as CliIo;
  return { io, err, exits, raise: (s: NodeJS.Signals) => handler?.(s), installed: () => handler !== null };
}

const silent = pino({ level: 'silent' });

describe('command-exit', () => {
  test('a CommandFailure becomes its message on stderr (one line ending) and its exit code', async () => {
    const { io, err } = fakeIo();
    assert.equal(await exitCodeOf(io, async () => { throw new CommandFailure(EXIT_CONFIG, 'sluice: broken'); }), 2);
    assert.equal(await exitCodeOf(io, async () => { throw new CommandFailure(3, 'sluice: two\nlines\n'); }), 3);
    assert.equal(err.join(''), 'sluice: broken\nsluice: two\nlines\n');
    assert.equal(await exitCodeOf(io, async () => 0), 0);
  });

  test('anything else is not a failure of the command but a bug: it propagates', async () => {
    const { io } = fakeIo();
    await assert.rejects(exitCodeOf(io, async () => { throw new TypeError('oops'); }), TypeError);
  });

  test('usage errors name where help is; counted pluralises', () => {
    const { io, err } = fakeIo();
    assert.equal(usageFailed(io, 'unknown command "x"', 'sluice --help'), EXIT_USAGE);
    assert.equal(err.join(''), 'sluice: unknown command "x"\nRun "sluice --help" for usage.\n');
    assert.equal(counted(1, 'problem'), '1 problem');
    assert.equal(counted(0, 'connector'), '0 connectors');
    assert.equal(counted(3, 'problem'), '3 problems');
  });
});

describe('command-setup', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sluice-setup-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('loadPlugins: the built-ins, or exit 2 for a module that cannot load', async () => {
    assert.ok((await loadPlugins([])) instanceof PluginRegistry);
    await assert.rejects(loadPlugins([join(dir, 'missing.js')]), (e: unknown) =>
      e instanceof CommandFailure && e.exitCode === EXIT_CONFIG && /^sluice: cannot load plugin module .*missing\.js/.test(e.message));
  });

  test('loadPipeline: every problem under "the pipeline cannot <what>", exit 2', async () => {
    const bad = join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ connectors: [{ name: 'gen', config: { 'connector.class': 'NoSuch' } }] }));
    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{ "connectors": [');
    const registry = await loadPlugins([]);
    await assert.rejects(loadPipeline([bad, broken], registry, 'be applied'), (e: unknown) => {
      assert.ok(e instanceof CommandFailure);
      assert.equal(e.exitCode, EXIT_CONFIG);
      assert.match(e.message, /^sluice: the pipeline cannot be applied \(2 problems\):\n {2}- /);
      assert.match(e.message, /bad\.json: connector "gen": "connector\.class"/);
      assert.match(e.message, /broken\.json: invalid JSON/);
      return true;
    });
  });

  test('StopSignals: the first signal asks for a graceful stop, a second exits 130', async () => {
    const { io, err, exits, raise, installed } = fakeIo();
    const stop = new StopSignals(io, silent);
    assert.equal(stop.received, null);
    assert.equal(stop.stopping.aborted, false);
    const requested = stop.requested();
    raise('SIGTERM');
    await requested;
    assert.equal(stop.received, 'SIGTERM');
    assert.equal(stop.stopping.aborted, true);
    await stop.requested(); // settles at once once asked
    assert.throws(() => raise('SIGINT'), /exit 130/);
    assert.deepEqual(exits, [130]);
    assert.equal(err.join(''), 'SIGINT again: exiting without waiting for the graceful stop\n');
    stop.remove();
    assert.equal(installed(), false);
  });

  test('untilStopped: failures become exit codes and the handlers are removed at the end', async () => {
    const { io, err, installed } = fakeIo();
    let during = false;
    const code = await untilStopped(io, silent, async () => {
      during = installed();
      throw new CommandFailure(EXIT_CONFIG, 'sluice: no');
    });
    assert.equal(code, EXIT_CONFIG);
    assert.equal(during, true);
    assert.equal(installed(), false);
    assert.equal(err.join(''), 'sluice: no\n');
  });
});
