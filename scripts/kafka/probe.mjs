#!/usr/bin/env node
// Readiness probe for the test broker, used by scripts/stack.sh.
//
//   node scripts/kafka/probe.mjs <host:port> [timeoutMs] [pid]
//
// Succeeds (exit 0) once the broker answers a metadata request through kafkajs, i.e. it
// lists topics and describeCluster names at least one live broker. Retries until
// timeoutMs (default 0: one try only). If a pid is given and that process dies while
// waiting, gives up at once (exit 2). Exit 1 on time-out.
import { Kafka, logLevel } from 'kafkajs';

const [brokers = '127.0.0.1:9092', timeoutArg = '0', pidArg] = process.argv.slice(2);
const deadline = Date.now() + Number(timeoutArg);
const pid = pidArg ? Number(pidArg) : undefined;

function alive(p) {
  try {
    process.kill(p, 0);
    return true;
  } catch {
    return false;
  }
}

async function once() {
  const kafka = new Kafka({
    clientId: 'sluice-stack-probe',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 3000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0) throw new Error('no live broker in metadata yet');
    await admin.listTopics();
    return cluster;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

let lastError = 'no attempt';
for (;;) {
  try {
    const cluster = await once();
    console.log(`kafka: ${brokers} serves metadata (cluster ${cluster.clusterId}, ${cluster.brokers.length} broker(s))`);
    process.exit(0);
  } catch (err) {
    lastError = err instanceof Error ? err.message : String(err);
  }
  if (pid !== undefined && !alive(pid)) {
    console.error(`kafka: broker process ${pid} exited (${lastError})`);
    process.exit(2);
  }
  if (Date.now() >= deadline) {
    if (Number(timeoutArg) > 0) console.error(`kafka: ${brokers} not ready: ${lastError}`);
    process.exit(1);
  }
  await new Promise((r) => setTimeout(r, 500));
}
