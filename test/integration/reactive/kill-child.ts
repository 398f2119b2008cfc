// The child of kill.test.ts: a reactive pipeline (datagen → filter → FileStreamSink) with an offsets file, killed
// at random by the parent. Arguments: DIR MAX_RECORDS.
import { filter } from 'rxjs';
import { join } from 'node:path';
import { source, sink } from '../../../src/index.js';

const [dir, max] = process.argv.slice(2) as [string, string];
const orders = source(
  { 'connector.class': 'datagen', 'kafka.topic': 'orders', quickstart: 'orders', 'max.records': max, 'random.seed': 3, 'tasks.max': 2 },
  { name: 'orders', worker: { 'offset.storage.file.filename': join(dir, 'offsets.json'), 'offset.flush.interval.ms': 100 } },
);
const out = sink({ 'connector.class': 'FileStreamSink', file: join(dir, 'orders.jsonl') }, { name: 'file' });
orders.pipe(filter((o) => (o.value as { get(f: string): unknown }).get('order_id') as number % 10 !== 7)).subscribe(out);
await out.done;
console.log('finished');
