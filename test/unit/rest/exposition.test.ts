import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  escapeHelp,
  escapeLabelValue,
  formatExposition,
  formatValue,
  metricNamePart,
  parseExposition,
} from '../../../src/rest/exposition.js';

describe('Prometheus exposition format', () => {
  test('families with HELP, TYPE and samples; label order kept; empty families left out', () => {
    const text = formatExposition([
      { name: 'kafka_connect_connect_worker_metrics_connector_count', help: 'The number of connectors.', type: 'gauge', samples: [{ value: 2 }] },
      {
        name: 'kafka_connect_source_task_metrics_source_record_poll_total',
        help: 'Polled.',
        type: 'counter',
        samples: [
          { labels: { connector: 'gen', task: '0' }, value: 10 },
          { labels: { connector: 'gen', task: '1' }, value: 0.5 },
        ],
      },
      { name: 'unused', help: 'x', type: 'gauge', samples: [] },
    ]);
    assert.equal(
      text,
      '# HELP kafka_connect_connect_worker_metrics_connector_count The number of connectors.\n' +
        '# TYPE kafka_connect_connect_worker_metrics_connector_count gauge\n' +
        'kafka_connect_connect_worker_metrics_connector_count 2\n' +
        '# HELP kafka_connect_source_task_metrics_source_record_poll_total Polled.\n' +
        '# TYPE kafka_connect_source_task_metrics_source_record_poll_total counter\n' +
        'kafka_connect_source_task_metrics_source_record_poll_total{connector="gen",task="0"} 10\n' +
        'kafka_connect_source_task_metrics_source_record_poll_total{connector="gen",task="1"} 0.5\n',
    );
  });

  test('escapes label values and help text', () => {
    assert.equal(escapeLabelValue('a"b\\c\nd'), 'a\\"b\\\\c\\nd');
    assert.equal(escapeHelp('line1\nline2 \\ "q"'), 'line1\\nline2 \\\\ "q"');
    const text = formatExposition([{ name: 'm', help: 'h', type: 'gauge', samples: [{ labels: { connector: 'we"ird\\name\n' }, value: 1 }] }]);
    assert.match(text, /^m\{connector="we\\"ird\\\\name\\n"\} 1$/m);
  });

  test('special values', () => {
    assert.equal(formatValue(NaN), 'NaN');
    assert.equal(formatValue(Infinity), '+Inf');
    assert.equal(formatValue(-Infinity), '-Inf');
    assert.equal(formatValue(-0.25), '-0.25');
    assert.equal(formatValue(12345678901), '12345678901');
  });

  test('refuses invalid metric and label names and duplicate families', () => {
    assert.throws(() => formatExposition([{ name: 'bad-name', help: '', type: 'gauge', samples: [{ value: 1 }] }]), /invalid metric name/);
    assert.throws(() => formatExposition([{ name: 'm', help: '', type: 'gauge', samples: [{ labels: { 'a-b': 'x' }, value: 1 }] }]), /invalid label name/);
    assert.throws(() => formatExposition([{ name: 'm', help: '', type: 'gauge', samples: [{ labels: { __x: 'x' }, value: 1 }] }]), /invalid label name/);
    assert.throws(
      () => formatExposition([{ name: 'm', help: '', type: 'gauge', samples: [] }, { name: 'm', help: '', type: 'gauge', samples: [] }]),
      /given twice/,
    );
  });

  test('Kafka names become metric name parts', () => {
    assert.equal(metricNamePart('source-record-poll-total'), 'source_record_poll_total');
    assert.equal(metricNamePart('connect-worker-metrics'), 'connect_worker_metrics');
  });

  test('parses back what it writes', () => {
    const text = formatExposition([
      { name: 'a_total', help: 'x', type: 'counter', samples: [{ labels: { connector: 'c', task: '0' }, value: 3 }] },
      { name: 'b', help: 'y', type: 'gauge', samples: [{ value: NaN }, { labels: { x: 'q"' }, value: Infinity }] },
    ]);
    const parsed = parseExposition(text);
    assert.equal(parsed.get('a_total{connector="c",task="0"}'), 3);
    assert.ok(Number.isNaN(parsed.get('b')));
    assert.equal(parsed.get('b{x="q\\""}'), Infinity);
  });
});
