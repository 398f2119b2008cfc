import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { BadPathError, Router, splitPath } from '../../../src/rest/router.js';

const router = () =>
  new Router<string>()
    .add('GET', '/', 'root')
    .add('GET', '/connectors', 'list')
    .add('POST', '/connectors', 'create')
    .add('GET', '/connectors/{connector}', 'info')
    .add('DELETE', '/connectors/{connector}', 'delete')
    .add('GET', '/connectors/{connector}/tasks/{task}/status', 'task-status')
    .add('PUT', '/connectors/{connector}/topics/reset', 'topics-reset');

describe('router', () => {
  test('splits paths, ignoring the leading and a trailing slash', () => {
    assert.deepEqual(splitPath('/'), []);
    assert.deepEqual(splitPath('/a/b/'), ['a', 'b']);
    assert.deepEqual(splitPath('/a//b'), ['a', '', 'b']);
  });

  test('matches literals and methods; root; trailing slash', () => {
    const r = router();
    assert.deepEqual(r.match('GET', '/'), { kind: 'found', handler: 'root', params: {} });
    assert.deepEqual(r.match('get', '/connectors'), { kind: 'found', handler: 'list', params: {} });
    assert.deepEqual(r.match('POST', '/connectors/'), { kind: 'found', handler: 'create', params: {} });
  });

  test('decodes parameters; a parameter never spans a slash and is never empty', () => {
    const r = router();
    assert.deepEqual(r.match('GET', '/connectors/my%20conn%2Fx'), { kind: 'found', handler: 'info', params: { connector: 'my conn/x' } });
    assert.deepEqual(r.match('GET', '/connectors/c/tasks/3/status'), {
      kind: 'found',
      handler: 'task-status',
      params: { connector: 'c', task: '3' },
    });
    assert.deepEqual(r.match('GET', '/connectors/a/b'), { kind: 'not-found' });
    assert.deepEqual(r.match('GET', '/connectors//tasks/1/status'), { kind: 'not-found' });
  });

  test('a literal segment wins only where it matches; other methods give 405 with the allowed ones', () => {
    const r = router();
    assert.deepEqual(r.match('PUT', '/connectors/c'), { kind: 'method-not-allowed', allowed: ['GET', 'DELETE'] });
    assert.deepEqual(r.match('GET', '/connectors/c/topics/reset'), { kind: 'method-not-allowed', allowed: ['PUT'] });
    assert.deepEqual(r.match('GET', '/nope'), { kind: 'not-found' });
  });

  test('a malformed escape is a BadPathError', () => {
    assert.throws(() => router().match('GET', '/connectors/%E0%A4%A'), BadPathError);
  });

  test('patterns must be absolute', () => {
    assert.throws(() => new Router<string>().add('GET', 'connectors', 'x'), /must start with/);
  });
});
