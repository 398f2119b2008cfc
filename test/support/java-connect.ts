/**
 * Java Kafka Connect 3.9.2 from Maven Central's jars (bench/java/pom.xml: connect-runtime, connect-file,
 * connect-json), resolved once into .stack/connect/libs under the Maven lock, and a distributed worker of it on
 * the test broker for side-by-side tests.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withFileLock } from './file-lock.js';
import { REPO } from './processes.js';
import { KAFKA_BROKERS, uniqueName } from './services.js';

export const CONNECT_LIBS = join(REPO, '.stack', 'connect', 'libs');
const MAVEN_LOCK = join(REPO, '.stack', 'maven.lock');

/** Resolves the Kafka Connect jars once (a marker file says they are complete). */
export function ensureConnectJars(): void {
  const marker = join(CONNECT_LIBS, '.resolved-3.9.2');
  if (existsSync(marker)) return;
  withFileLock(MAVEN_LOCK, 'Kafka Connect jars', () => {
    if (existsSync(marker)) return;
    mkdirSync(CONNECT_LIBS, { recursive: true });
    const r = spawnSync('mvn', ['-q', '-B', '-f', join(REPO, 'bench', 'java', 'pom.xml'), 'dependency:copy-dependencies', `-Dconnect.libs=${CONNECT_LIBS}`], {
      stdio: 'inherit',
    });
    if (r.status !== 0) throw new Error(`mvn exited with ${r.status}`);
    writeFileSync(marker, '');
  });
}

export function connectClasspath(): string {
  return readdirSync(CONNECT_LIBS).filter((f) => f.endsWith('.jar')).map((f) => join(CONNECT_LIBS, f)).join(':');
}

export function log4jFile(dir: string, level = 'WARN'): string {
  const file = join(dir, 'log4j.properties');
  writeFileSync(
    file,
    `log4j.rootLogger=${level}, stdout\nlog4j.appender.stdout=org.apache.log4j.ConsoleAppender\n` +
      'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout\nlog4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n\n',
  );
  return file;
}

export interface JavaConnectWorker {
  readonly url: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/** A Kafka Connect distributed worker (ConnectDistributed) on the test broker, its REST API answering. */
export async function startJavaConnectDistributed(dir: string, port: number, extra: Record<string, string> = {}): Promise<JavaConnectWorker> {
  ensureConnectJars();
  const id = uniqueName('java_connect');
  const props = {
    'bootstrap.servers': KAFKA_BROKERS.join(','),
    'group.id': id,
    'config.storage.topic': `${id}_configs`,
    'offset.storage.topic': `${id}_offsets`,
    'status.storage.topic': `${id}_status`,
    'config.storage.replication.factor': '1',
    'offset.storage.replication.factor': '1',
    'status.storage.replication.factor': '1',
    'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'offset.flush.interval.ms': '1000',
    listeners: `http://127.0.0.1:${port}`,
    ...extra,
  };
  const file = join(dir, `${id}.properties`);
  writeFileSync(file, Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
  const child = spawn('java', ['-Xmx512M', `-Dlog4j.configuration=file:${log4jFile(dir)}`, '-cp', connectClasspath(), 'org.apache.kafka.connect.cli.ConnectDistributed', file], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Kafka Connect exited with ${child.exitCode} before its REST API answered`);
    try {
      // Kafka Connect answers GET /connectors once the worker joined its group and read its config topic.
      const res = await fetch(`${url}/connectors`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error('Kafka Connect did not answer within 120 s');
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return { url, child, stop };
}
