#!/usr/bin/env node
// Readiness probe for the test broker's secure listeners, used by scripts/stack.sh.
//
//   node scripts/kafka/secure-probe.mjs <secureDir> <host> <sslPort> <saslSslPort> <saslPlainPort> \
//        <scramUser:password> <plainUser:password> [timeoutMs]
//
// Succeeds (exit 0) once each listener serves metadata: SSL trusting <secureDir>/ca.pem, SASL_SSL with
// SCRAM-SHA-512, SASL_PLAINTEXT with PLAIN. SCRAM credentials reach the broker through the metadata log a
// moment after they are created, so it retries until timeoutMs (default 20000). Exit 1 with each failure.
import { readFileSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';

const [dir, host, sslPort, saslSslPort, saslPlainPort, scram, plain, timeoutArg = '20000'] = process.argv.slice(2);
const deadline = Date.now() + Number(timeoutArg);
const ssl = { ca: [readFileSync(`${dir}/ca.pem`, 'utf8')] };
const creds = (s) => ({ username: s.slice(0, s.indexOf(':')), password: s.slice(s.indexOf(':') + 1) });

const listeners = [
  { name: 'SSL', port: sslPort, ssl },
  { name: 'SASL_SSL (SCRAM-SHA-512)', port: saslSslPort, ssl, sasl: { mechanism: 'scram-sha-512', ...creds(scram) } },
  { name: 'SASL_PLAINTEXT (PLAIN)', port: saslPlainPort, sasl: { mechanism: 'plain', ...creds(plain) } },
];

async function once(l) {
  const kafka = new Kafka({
    clientId: 'sluice-stack-secure-probe',
    brokers: [`${host}:${l.port}`],
    ssl: l.ssl,
    sasl: l.sasl,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2000,
    requestTimeout: 3000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.listTopics();
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

let pending = listeners;
const errors = new Map();
for (;;) {
  const failed = [];
  for (const l of pending) {
    try {
      await once(l);
    } catch (err) {
      errors.set(l.name, err instanceof Error ? err.message : String(err));
      failed.push(l);
    }
  }
  pending = failed;
  if (pending.length === 0) {
    console.log(`kafka: secure listeners answer (${listeners.map((l) => `${l.name} ${l.port}`).join(', ')})`);
    process.exit(0);
  }
  if (Date.now() >= deadline) {
    for (const l of pending) console.error(`kafka: ${l.name} on ${host}:${l.port}: ${errors.get(l.name)}`);
    process.exit(1);
  }
  await new Promise((r) => setTimeout(r, 500));
}
