import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError, parseCommand } from '../../../src/cli/args.js';

describe('sluice command line', () => {
  test('run with its options', () => {
    assert.deepEqual(parseCommand(['run', '--until-idle', '--idle-ms', '250', '--plugin', './p.js', 'a.json', 'b.json']), {
      kind: 'run',
      options: { files: ['a.json', 'b.json'], plugins: ['./p.js'], untilIdle: true, keepRunning: false, idleMs: 250, view: null, logLevel: 'info' },
    });
    const { options } = parseCommand(['run', '--view', 'json', '--log-level', 'warn', 'x.json']) as { options: { view: string; logLevel: string } };
    assert.equal(options.view, 'json');
    assert.equal(options.logLevel, 'warn');
  });

  test('validate, plugins, help and version', () => {
    assert.deepEqual(parseCommand(['validate', '--json', 'a.json']), { kind: 'validate', files: ['a.json'], plugins: [], json: true });
    assert.deepEqual(parseCommand(['plugins', '--all']), { kind: 'plugins', plugins: [], json: false, all: true });
    assert.deepEqual(parseCommand([]), { kind: 'help' });
    assert.deepEqual(parseCommand(['run', '--help']), { kind: 'help', topic: 'run' });
    assert.deepEqual(parseCommand(['-v']), { kind: 'version' });
  });

  test('mistakes are usage errors that say what is wrong', () => {
    const bad = (argv: string[], why: RegExp) => assert.throws(() => parseCommand(argv), (e: unknown) => e instanceof UsageError && why.test(e.message));
    bad(['run'], /at least one pipeline file/);
    bad(['validate'], /at least one pipeline file/);
    bad(['frobnicate'], /unknown command "frobnicate"/);
    bad(['run', '--idle-ms', 'soon', 'a.json'], /--idle-ms must be a non-negative integer/);
    bad(['run', '--view', 'tui', 'a.json'], /--view must be live or json/);
    bad(['run', '--until-idle', '--keep-running', 'a.json'], /contradict/);
    bad(['run', '--bogus', 'a.json'], /bogus/);
    bad(['plugins', '--until-idle'], /--until-idle does not apply to "sluice plugins"/);
    bad(['run', '--log-level', 'loud', 'a.json'], /--log-level must be one of/);
  });
});
