import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { ProducerFencedError } from '../../../src/streams/index.js';
import { KafkaProduceError } from '../../../src/streams/kafka/kafkajs/producer.js';
import { isFencingError, isRetriableError } from '../../../src/streams/kafka/kafkajs/transactional-producer.js';

const require = createRequire(import.meta.url);
const { createErrorFromCode } = require('kafkajs/src/protocol/error.js') as { createErrorFromCode(code: number): Error };
const { KafkaJSNumberOfRetriesExceeded, KafkaJSNonRetriableError, KafkaJSConnectionError } = require('kafkajs') as Record<string, new (e: unknown, o?: object) => Error>;

test('isFencingError: INVALID_PRODUCER_EPOCH (47) and PRODUCER_FENCED (90, unknown to kafkajs), also wrapped', () => {
  assert.equal(isFencingError(createErrorFromCode(47)), true);
  assert.equal(isFencingError(createErrorFromCode(90)), true);
  assert.equal(isFencingError(new ProducerFencedError('t')), true);
  assert.equal(isFencingError(new KafkaJSNumberOfRetriesExceeded(createErrorFromCode(47), { retryCount: 5, retryTime: 100 })), true);
  assert.equal(isFencingError(new KafkaProduceError('x', [], false, { cause: createErrorFromCode(90) })), true);
  for (const code of [48, 51, 45, 6, 15]) assert.equal(isFencingError(createErrorFromCode(code)), false, `code ${code}`);
  assert.equal(isFencingError(new Error('fenced?')), false);
  assert.equal(isFencingError(undefined), false);
});

test('isRetriableError: kafkajs retriable protocol errors and connection trouble, never fencing or non-retriable ones', () => {
  // CONCURRENT_TRANSACTIONS (51), COORDINATOR_LOAD_IN_PROGRESS (14), NOT_COORDINATOR (16), NOT_LEADER (6)
  for (const code of [51, 14, 16, 6, 3]) assert.equal(isRetriableError(createErrorFromCode(code)), true, `code ${code}`);
  // INVALID_PRODUCER_EPOCH, INVALID_TXN_STATE, OUT_OF_ORDER_SEQUENCE_NUMBER, TRANSACTIONAL_ID_AUTHORIZATION_FAILED
  for (const code of [47, 90, 48, 45, 53]) assert.equal(isRetriableError(createErrorFromCode(code)), false, `code ${code}`);
  assert.equal(isRetriableError(new KafkaJSConnectionError('Connection error: connect ECONNREFUSED')), true);
  assert.equal(isRetriableError(new KafkaJSNonRetriableError('no')), false);
  assert.equal(isRetriableError(new KafkaProduceError('x', [], true)), true);
  assert.equal(isRetriableError(new KafkaProduceError('x', [], false)), false);
  assert.equal(isRetriableError(new ProducerFencedError('t')), false);
});
