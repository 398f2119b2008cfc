// When the sluice command turns tracing on: the worker key, OTEL_TRACES_EXPORTER, OTEL_SDK_DISABLED.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TracingSetupError, tracingDecision } from '../../../src/cli/tracing-setup.js';

const on = (worker: Record<string, string>, env: Record<string, string>) => tracingDecision(worker, env);

test('off unless asked for', () => {
  assert.equal(on({}, {}).enabled, false);
  assert.equal(on({ 'sluice.tracing.enabled': 'false' }, {}).enabled, false);
});

test('the key alone exports OTLP (the OpenTelemetry default exporter)', () => {
  assert.deepEqual(on({ 'sluice.tracing.enabled': 'true' }, {}), { enabled: true, exporters: ['otlp'], reason: 'sluice.tracing.enabled=true' });
  assert.deepEqual(on({ 'sluice.tracing.enabled': 'TRUE' }, { OTEL_TRACES_EXPORTER: 'console' }).exporters, ['console']);
});

test('OTEL_TRACES_EXPORTER=otlp turns it on when the key is not set; an explicit false wins', () => {
  assert.deepEqual(on({}, { OTEL_TRACES_EXPORTER: 'otlp' }).exporters, ['otlp']);
  assert.deepEqual(on({}, { OTEL_TRACES_EXPORTER: ' otlp , console,otlp' }).exporters, ['otlp', 'console']);
  assert.equal(on({ 'sluice.tracing.enabled': 'false' }, { OTEL_TRACES_EXPORTER: 'otlp' }).enabled, false);
});

test('OTEL_SDK_DISABLED=true and OTEL_TRACES_EXPORTER=none turn it off whatever the key says', () => {
  assert.equal(on({ 'sluice.tracing.enabled': 'true' }, { OTEL_SDK_DISABLED: 'true' }).enabled, false);
  assert.equal(on({ 'sluice.tracing.enabled': 'true' }, { OTEL_TRACES_EXPORTER: 'none' }).enabled, false);
  assert.equal(on({}, { OTEL_TRACES_EXPORTER: 'otlp', OTEL_SDK_DISABLED: 'false' }).enabled, true);
});

test('an exporter Sluice does not have is refused', () => {
  assert.throws(() => on({}, { OTEL_TRACES_EXPORTER: 'zipkin' }), TracingSetupError);
});
