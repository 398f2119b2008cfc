/**
 * A group member in a process of its own, to be killed with SIGKILL by sink-rebalance.test.ts:
 *   node consumer-member.ts <brokers> <topic> <groupId> <session.timeout.ms> [group.instance.id]
 * Prints `assigned <partitions>` once it owns partitions and `consumed <n>` as records arrive; commits nothing.
 * For the test to know what state the member left the group in when it was killed, it also prints:
 * - `session <ms>`: when (Date.now()) a JoinGroup, SyncGroup or Heartbeat was sent that the coordinator then
 *   accepted. The coordinator renews the member's session when it handles such a request, so the session of a member
 *   killed now cannot expire before its last `session` time + session.timeout.ms.
 * - `disturbed <what>`: the broker said it lost the group's coordinator or a partition's leader (or did not answer):
 *   a loaded single-node broker that misses its heartbeats to its own KRaft controller is fenced, and until it has
 *   recovered the group cannot be joined.
 */
import kafkajs, { type logCreator as LogCreator } from 'kafkajs';
import { parseClientSettings, silentLogger } from '../../../src/streams/index.js';
import { KafkajsConsumer } from '../../../src/streams/kafka/kafkajs/consumer.js';

const [brokers = '', topic = '', groupId = '', sessionTimeoutMs = '45000', instanceId] = process.argv.slice(2);
const properties = { 'session.timeout.ms': sessionTimeoutMs };
const parsed = parseClientSettings('consumer', properties);

/** What kafkajs logs when the broker lost the coordinator or a leader, or did not answer (as sink-rebalance.test.ts). */
const DISTURBANCE = /coordinator|leader|timed out|connection (error|timeout)|closed connection/i;
/** kafkajs's debug lines for the requests that renew a member's session. */
const SESSION_REQUEST = /^(Request|Response) (JoinGroup|SyncGroup|Heartbeat)\(/;
const sentAt = new Map<string, number>();
const seen = new Set<string>();
const logCreator: LogCreator =
  () =>
  ({ level, log }) => {
    const { message, error, broker, correlationId } = log as { message: string; error?: unknown; broker?: string; correlationId?: number };
    const session = level === kafkajs.logLevel.DEBUG ? SESSION_REQUEST.exec(message) : null;
    if (session) {
      const key = `${broker}#${correlationId}`;
      if (session[1] === 'Request') {
        sentAt.set(key, Date.now());
      } else {
        const sent = sentAt.get(key);
        sentAt.delete(key);
        if (sent !== undefined && error === undefined) process.stdout.write(`session ${sent}\n`);
      }
    }
    if (error === undefined && level > kafkajs.logLevel.WARN) return;
    const what = `${message}${error === undefined ? '' : `: ${String(error)}`}`;
    if (!DISTURBANCE.test(what) || seen.has(what)) return;
    seen.add(what);
    process.stdout.write(`disturbed ${what.replace(/\s+/g, ' ')}\n`);
  };

const consumer = new KafkajsConsumer(
  new kafkajs.Kafka({ brokers: brokers.split(','), clientId: 'member', logLevel: kafkajs.logLevel.DEBUG, logCreator }),
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
