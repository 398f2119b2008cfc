/** Helpers of the error-handling integration tests: a test SMT that rejects chosen records. */
import { ConfigDef, DataException, Struct, type ConnectRecord } from '../../../src/index.js';
import { transformRegistry, type Transformation } from '../../../src/transforms/index.js';

export const REJECT_TRANSFORM = 'test.sluice.RejectEvery';

/**
 * `every` and `remainder`: rejects (DataException) records whose `order_id` (Struct or map value) or `n` satisfies
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
    const v = record.value;
    const id = v instanceof Struct ? Number(v.get('order_id')) : v instanceof Map ? Number(v.get('order_id') ?? v.get('n')) : Number((v as Record<string, unknown>)?.['order_id'] ?? (v as Record<string, unknown>)?.['n']);
    if (id % this.every === this.remainder) throw new DataException(`record ${id} rejected on purpose`);
    return record;
  }
  config(): ConfigDef {
    return CONFIG_DEF;
  }
  close(): void {}
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
