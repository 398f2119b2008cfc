import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigException } from '../../../src/connectors/api/index.js';
import { InProcessBroker, TopicCreator, createInProcessClient, groupFor, sinkSubscription, topicCreationGroups } from '../../../src/streams/index.js';

describe('KIP-158 topic creation config', () => {
  test('off without topic.creation.* keys', () => {
    assert.equal(topicCreationGroups({ 'tasks.max': '1' }), null);
  });

  test('groups match in declared order, then default; other keys become topic configs', () => {
    const groups = topicCreationGroups({
      'topic.creation.default.replication.factor': '1',
      'topic.creation.default.partitions': '3',
      'topic.creation.default.cleanup.policy': 'delete',
      'topic.creation.groups': 'compacted, big',
      'topic.creation.compacted.include': 'state-.*, config',
      'topic.creation.compacted.exclude': 'state-tmp',
      'topic.creation.compacted.cleanup.policy': 'compact',
      'topic.creation.big.include': '.*-big',
      'topic.creation.big.partitions': '12',
    })!;
    assert.deepEqual(groups.map((g) => g.name), ['compacted', 'big', 'default']);
    const g1 = groupFor(groups, 'state-orders');
    assert.equal(g1.name, 'compacted');
    assert.equal(g1.partitions, 3, 'partitions fall back to the default group');
    assert.deepEqual(g1.configs, { 'cleanup.policy': 'compact' });
    assert.equal(groupFor(groups, 'state-tmp').name, 'default', 'excluded');
    assert.equal(groupFor(groups, 'xstate-orders').name, 'default', 'regexes match the whole name');
    assert.equal(groupFor(groups, 'clicks-big').partitions, 12);
    assert.deepEqual(groupFor(groups, 'other').configs, { 'cleanup.policy': 'delete' });
  });

  test('the default replication factor and partitions are required, and must be positive or -1', () => {
    assert.throws(() => topicCreationGroups({ 'topic.creation.default.partitions': '3' }), (e: ConfigException) => e.key === 'topic.creation.default.replication.factor');
    assert.throws(
      () => topicCreationGroups({ 'topic.creation.default.partitions': '0', 'topic.creation.default.replication.factor': '1' }),
      (e: ConfigException) => e.key === 'topic.creation.default.partitions',
    );
    assert.equal(topicCreationGroups({ 'topic.creation.default.partitions': '-1', 'topic.creation.default.replication.factor': '-1' })![0]!.partitions, -1);
  });

  test('TopicCreator creates a missing topic once, with its group settings, and leaves existing ones alone', async () => {
    const broker = new InProcessBroker();
    broker.createTopic('exists', 2);
    const creator = new TopicCreator(
      topicCreationGroups({ 'topic.creation.default.replication.factor': '1', 'topic.creation.default.partitions': '5' })!,
      createInProcessClient(broker).admin(),
    );
    assert.deepEqual(await creator.ensure(['exists', 'fresh', 'fresh']), ['fresh']);
    assert.deepEqual(await creator.ensure(['fresh']), []);
    assert.equal(broker.partitionCount('fresh'), 5);
    assert.equal(broker.partitionCount('exists'), 2);
  });
});

describe('sink subscription', () => {
  test('topics list or a whole-name regex, exactly one', () => {
    assert.deepEqual(sinkSubscription({ topics: 'a, b,,c' }), { topics: ['a', 'b', 'c'] });
    const { pattern } = sinkSubscription({ 'topics.regex': 'orders-.*' }) as { pattern: RegExp };
    assert.ok(pattern.test('orders-eu') && !pattern.test('old-orders-eu'));
    // Java syntax, as users write it for Kafka Connect: an inline flag and a possessive quantifier.
    const java = (sinkSubscription({ 'topics.regex': '(?i)orders-[a-z]++' }) as { pattern: RegExp }).pattern;
    assert.ok(java.test('ORDERS-eu') && !java.test('orders-eu-2'));
    assert.throws(() => sinkSubscription({ 'topics.regex': 'a(' }), (e: unknown) => e instanceof ConfigException && /topics\.regex/.test((e as Error).message));
    assert.throws(() => sinkSubscription({ topics: 'a', 'topics.regex': 'b' }), ConfigException);
    assert.throws(() => sinkSubscription({}), ConfigException);
  });
});
