/** Helpers of the error-handling integration tests: a test SMT that rejects chosen records. */
import { ConfigDef, DataException, Struct, type ConnectRecord } from '../../../src/index.js';
import { transformRegistry, type Transformation } from '../../../src/transforms/index.js';

export const REJECT_TRANSFORM = 'test.sluice.RejectEvery';

/**
 * `every` and `remainder`: rejects (DataException) records whose id (see idOf) satisfies
 * id % every == remainder; `fixed=true` turns it into a pass-through (the "fixed" connector of a replay).
 */
class RejectEvery implements Transformation<ConnectRecord> {
  every = 10;
  remainder = 7;
  fixed = false;
  configure(config: Record<string, unknown>): void {
    this.every = Number(config['every'] ?? 10);
    this.remainder = Number(config['remainder'] ?? 7);
    this.fixed = String(config['fixed'] ?? 'false') === 'true';
  }
  apply(record: ConnectRecord): ConnectRecord {
    if (this.fixed) return record;
    const id = idOf(record.value);
    if (id % this.every === this.remainder) throw new DataException(`record ${id} rejected on purpose`);
    return record;
  }
  config(): ConfigDef {
    return CONFIG_DEF;
  }
  close(): void {}
}

/** `order_id` or `n` of a Struct, map or object value; a number value itself. */
export function idOf(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v instanceof Struct) return Number(v.get(v.schema.field('order_id') ? 'order_id' : 'n'));
  if (v instanceof Map) return Number(v.get('order_id') ?? v.get('n'));
  const o = v as Record<string, unknown> | null;
  return Number(o?.['order_id'] ?? o?.['n']);
}

const CONFIG_DEF = new ConfigDef()
  .define({ name: 'every', type: 'INT', defaultValue: 10, importance: 'LOW', documentation: 'modulus' })
  .define({ name: 'remainder', type: 'INT', defaultValue: 7, importance: 'LOW', documentation: 'rejected remainder' })
  .define({ name: 'fixed', type: 'BOOLEAN', defaultValue: false, importance: 'LOW', documentation: 'pass everything' });

let registered = false;
export function registerRejectTransform(): void {
  if (registered) return;
  registered = true;
  transformRegistry().register({
    className: REJECT_TRANSFORM,
    kind: 'transformation',
    aliases: ['RejectEvery'],
    configDef: CONFIG_DEF,
    create: () => new RejectEvery(),
  });
}
