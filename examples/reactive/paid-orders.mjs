// A reactive pipeline in code: generated orders → only the paid ones → an async price lookup → an SMT → a file.
//
//   npm install && node examples/reactive/paid-orders.mjs [OUT_DIR]
//
// Run it twice: the second run resumes from the offsets file and writes nothing new (the source is bounded and
// every order was flushed). Offsets are committed only for orders the file sink flushed — or that the filter
// dropped — so stopping it half way (Ctrl-C) loses nothing.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { filter, map } from 'rxjs';
import { source, sink, transform, mapAsync, Struct, BigDecimal } from 'sluice';

const dir = process.argv[2] ?? '/tmp/sluice-reactive';
mkdirSync(dir, { recursive: true });

const orders = source(
  { 'connector.class': 'datagen', 'kafka.topic': 'orders', quickstart: 'orders', 'max.records': 2000, 'random.seed': 42 },
  { name: 'orders', worker: { 'offset.storage.file.filename': join(dir, 'offsets.json') } },
);
const paidFile = sink(
  { 'connector.class': 'FileStreamSink', file: join(dir, 'paid-orders.jsonl') },
  { name: 'paid-orders' },
);

// Stands in for a call to another service: asynchronous, so it goes through mapAsync (order kept, 8 at a time).
const euroRate = async (currency) => (currency === 'EUR' ? 1 : currency === 'USD' ? 0.92 : 1.17);

orders
  .pipe(
    filter((order) => order.value.get('status') === 'PAID'),
    mapAsync(async (order) => {
      const rate = await euroRate(order.value.get('currency'));
      const value = new Struct(order.valueSchema);
      for (const field of order.valueSchema.fields) value.put(field, order.value.get(field));
      const price = order.value.get('price'); // a Connect Decimal: a BigDecimal of scale 2
      value.put('price', BigDecimal.fromNumber(price.toNumber() * rate).setScale(price.scale, true)).put('currency', 'EUR');
      return order.newRecord({ value });
    }, 8),
    transform('org.apache.kafka.connect.transforms.ReplaceField$Value', { exclude: 'shipping_address' }),
    map((order) => order.newRecord({ topic: 'paid-orders' })),
  )
  .subscribe(paidFile);

process.once('SIGINT', () => paidFile.unsubscribe()); // a graceful stop: what was put is flushed, offsets committed

await paidFile.done;
const [task] = paidFile.progress();
console.log(`paid orders written to ${join(dir, 'paid-orders.jsonl')}: ${task?.metrics?.recordsWritten ?? 0}`);
console.log(`source: ${JSON.stringify(orders.status()?.tasks.map((t) => t.state))}, committed offsets in ${join(dir, 'offsets.json')}`);
