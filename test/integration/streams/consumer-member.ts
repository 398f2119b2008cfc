/**
 * A group member in a process of its own, to be killed with SIGKILL by sink-rebalance.test.ts:
 *   node consumer-member.ts <brokers> <topic> <groupId> <session.timeout.ms> [group.instance.id]
 * Prints `assigned <partitions>` once it owns partitions and `consumed <n>` as records arrive; commits nothing.
 */
import kafkajs from 'kafkajs';
import { parseClientSettings, silentLogger } from '../../../src/streams/index.js';
import { KafkajsConsumer } from '../../../src/streams/kafka/kafkajs/consumer.js';

const [brokers = '', topic = '', groupId = '', sessionTimeoutMs = '45000', instanceId] = process.argv.slice(2);
const properties = { 'session.timeout.ms': sessionTimeoutMs };
const parsed = parseClientSettings('consumer', properties);
const consumer = new KafkajsConsumer(
  new kafkajs.Kafka({ brokers: brokers.split(','), clientId: 'member', logLevel: kafkajs.logLevel.NOTHING }),
  { groupId, clientId: 'member', properties, fromBeginning: true },
  silentLogger,
  { connection: parsed.connection, consumer: { ...parsed.consumer, ...(instanceId ? { groupInstanceId: instanceId } : {}) } },
);
let consumed = 0;
await consumer.connect();
await consumer.subscribe({ topics: [topic] });
await consumer.run({
  onBatch: async (b) => {
    consumed += b.messages.length;
    process.stdout.write(`consumed ${consumed}\n`);
  },
  onAssigned: async (tps) => {
    process.stdout.write(`assigned ${tps.map((tp) => tp.partition).join(',')}\n`);
  },
  onRevoked: async () => {},
  onCrash: (e) => {
    process.stderr.write(`crash ${e.message}\n`);
    process.exit(1);
  },
});
