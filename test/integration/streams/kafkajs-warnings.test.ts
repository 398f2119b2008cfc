// What a user's terminal shows from kafkajs on Node 24: its request queue sets a timer at a negative delay on every
// connection (tulios/kafkajs#1751), which Node 24 reports as a TimeoutNegativeWarning. Sluice drops that one
// warning from that one place, and nothing else. (Node itself reports a negative timer once per thread, so an
// application's own negative timer after kafkajs's first connection goes unreported with or without this.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kafkajs } from '../../../src/streams/kafka/kafkajs/lib.js';
import { KAFKA_BROKERS, uniqueName } from '../../support/services.js';

function collectWarnings(): { warnings: Error[]; stop: () => void } {
  const warnings: Error[] = [];
  const listener = (w: Error) => warnings.push(w);
  process.on('warning', listener);
  return { warnings, stop: () => process.off('warning', listener) };
}

const settle = () => new Promise((r) => setTimeout(r, 50));

test('kafkajs connecting, producing and disconnecting raises no TimeoutNegativeWarning; the same warning from elsewhere still reaches the process', async () => {
  const { Kafka, logLevel } = kafkajs();
  const seen = collectWarnings();
  try {
    const producer = new Kafka({ brokers: KAFKA_BROKERS, logLevel: logLevel.NOTHING }).producer({ allowAutoTopicCreation: true });
    await producer.connect();
    await producer.send({ topic: uniqueName('kafkajs-warnings'), messages: [{ value: 'v' }] });
    await producer.disconnect();
    await settle();
    assert.deepEqual(seen.warnings.filter((w) => w.name === 'TimeoutNegativeWarning').map((w) => w.message), []);

    process.emitWarning('raised by the application', 'TimeoutNegativeWarning');
    await settle();
    const passed = seen.warnings.filter((w) => w.name === 'TimeoutNegativeWarning').map((w) => w.message);
    assert.ok(passed.includes('raised by the application'), `an application's own warning passes: ${JSON.stringify(passed)}`);
  } finally {
    seen.stop();
  }
});
