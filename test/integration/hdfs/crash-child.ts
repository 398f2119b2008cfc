/**
 * One "worker process" of the crash test: drives an HdfsSinkTask through the plugin API like the runtime does
 * (start, open → seeks, put batches, preCommit → commit the consumer offsets) over a deterministic record
 * stream, until every partition is fully committed. The parent SIGKILLs it at random points and starts it again;
 * each start resumes from the consumer offsets it last committed (a file written atomically), and recovery may
 * seek elsewhere. Prints READY after recovery, DONE at the end, VIOLATION if a committed consumer offset is
 * ever ahead of the files.
 *
 *   node --import tsx test/integration/hdfs/crash-child.ts '<json settings>'
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { Schema, SchemaBuilder, Struct, LogicalTimestamp, SinkRecord } from '../../../src/data/index.js';
import { topicPartition, type SinkTaskContext, type TopicPartition } from '../../../src/connectors/api/index.js';
import { HdfsSinkTask } from '../../../src/connectors/hdfs/index.js';

export interface CrashSettings {
  readonly config: Record<string, string>;
  readonly topic: string;
  readonly partitions: number;
  /** Records per partition: offsets 0 … perPartition-1. */
  readonly perPartition: number;
  /** Records per partition per put. */
  readonly batch: number;
  /** preCommit (and commit the consumer offsets) every this many puts. */
  readonly commitEvery: number;
  readonly stateFile: string;
}

export const VALUE = SchemaBuilder.struct().name('crash.Value').version(1)
  .field('partition', Schema.INT32).field('offset', Schema.INT64).field('region', Schema.STRING)
  .field('payload', Schema.STRING).field('ts', LogicalTimestamp.schema()).build();

const REGIONS = ['eu', 'us', 'ap'];
export const regionOf = (p: number, o: number): string => REGIONS[(o * 7 + p) % 3]!;
export const tsOf = (p: number, o: number): number => 1_700_000_000_000 + o * 50 + p;

export function record(topic: string, p: number, o: number): SinkRecord {
  const v = new Struct(VALUE).put('partition', p).put('offset', o).put('region', regionOf(p, o))
    .put('payload', `p${p}-o${o}-${'x'.repeat(o % 40)}`).put('ts', new Date(tsOf(p, o)));
  return new SinkRecord({ topic, kafkaPartition: p, kafkaOffset: o, valueSchema: VALUE, value: v, timestamp: tsOf(p, o), timestampType: 'CreateTime' });
}

function readState(file: string): Record<string, number> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, number>;
  } catch {
    return {};
  }
}

/** The "consumer group commit": durable and atomic. */
function writeState(file: string, state: Record<string, number>): void {
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w');
  writeSync(fd, JSON.stringify(state));
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, file);
}

async function main(): Promise<void> {
  const s = JSON.parse(process.argv[2]!) as CrashSettings;
  const tps: TopicPartition[] = Array.from({ length: s.partitions }, (_, p) => topicPartition(s.topic, p));
  const seeks = new Map<number, number>();
  const ctx: SinkTaskContext = {
    configs: () => s.config,
    offset: (tp, offset) => void seeks.set(tp.partition, offset),
    timeout: () => {},
    assignment: () => tps,
    pause: () => {},
    resume: () => {},
    requestCommit: () => {},
    errantRecordReporter: null,
  };
  const committed = readState(s.stateFile);
  const task = new HdfsSinkTask({ log: { info() {}, warn: (m) => console.error(m) } });
  task.initialize(ctx);
  await task.start(s.config); // opens (recovers) the assignment
  const pos: number[] = [];
  for (const tp of tps) {
    const c = committed[String(tp.partition)] ?? 0;
    const seek = seeks.get(tp.partition);
    if (c > 0 && (seek === undefined || seek < c)) {
      console.log(`VIOLATION partition ${tp.partition}: consumer committed ${c} but the files end at ${seek === undefined ? 'nothing' : seek - 1}`);
      process.exit(3);
    }
    pos[tp.partition] = seek ?? c;
  }
  seeks.clear();
  console.log(`READY ${JSON.stringify(pos)}`);
  let puts = 0;
  const commit = async (): Promise<boolean> => {
    const res = await task.preCommit(new Map(tps.map((tp) => [`${tp.topic}-${tp.partition}`, { tp, offset: pos[tp.partition]! }])));
    const state: Record<string, number> = { ...readState(s.stateFile) };
    let all = true;
    for (const tp of tps) {
      const r = res.get(`${tp.topic}-${tp.partition}`);
      if (r) state[String(tp.partition)] = r.offset;
      if ((r?.offset ?? 0) < s.perPartition) all = false;
    }
    writeState(s.stateFile, state);
    return all;
  };
  while (tps.some((tp) => pos[tp.partition]! < s.perPartition)) {
    const batch: SinkRecord[] = [];
    for (const tp of tps) {
      const p = tp.partition;
      const end = Math.min(s.perPartition, pos[p]! + s.batch);
      for (let o = pos[p]!; o < end; o++) batch.push(record(s.topic, p, o));
      pos[p] = end;
    }
    await task.put(batch);
    for (const [p, o] of seeks) pos[p] = o;
    seeks.clear();
    if (++puts % s.commitEvery === 0) await commit();
  }
  for (let i = 0; i < 100 && !(await commit()); i++) await new Promise((r) => setTimeout(r, 20));
  await task.stop();
  console.log('DONE');
}

if (/crash-child\.[jt]s$/.test(process.argv[1] ?? '')) { // run as a script (through tsx, or transpiled by the test runner)
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
