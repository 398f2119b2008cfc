/**
 * The datagen shapes. Each is a schema plus a generator making the value for record `id` from a generator
 * already positioned for that id. The id field is the record id itself, so a consumer can check that it saw
 * exactly ids 0..N-1.
 */
import { BigDecimal, Decimal, LogicalTimestamp, Schema, SchemaBuilder, Struct } from '../../data/index.js';
import type { Rng } from './rng.js';

export interface Quickstart {
  readonly name: string;
  readonly schema: Schema;
  /** The field holding the record id. */
  readonly idField: string;
  make(id: number, rng: Rng): Struct;
}

/** 2025-01-01T00:00:00Z: timestamps are derived from it and the id, so the same seed gives the same records. */
const BASE_TIME_MS = 1_735_689_600_000;

const ADDRESS_SCHEMA = SchemaBuilder.struct()
  .name('io.sluice.datagen.Address')
  .field('street', Schema.STRING)
  .field('city', Schema.STRING)
  .field('zipcode', Schema.STRING)
  .field('country', Schema.STRING)
  .build();

const STREETS = ['Main St', 'Oak Ave', 'Pine Rd', 'Maple Dr', 'Cedar Ln', 'Elm St', 'Lake View', 'Hill Rd', 'Park Ave', 'River Rd'];
const CITIES: ReadonlyArray<readonly [string, string]> = [
  ['Berlin', 'DE'], ['Paris', 'FR'], ['Lisbon', 'PT'], ['Madrid', 'ES'], ['Rome', 'IT'], ['Vienna', 'AT'],
  ['Amsterdam', 'NL'], ['Oslo', 'NO'], ['Dublin', 'IE'], ['Austin', 'US'], ['Toronto', 'CA'], ['Osaka', 'JP'],
];
const STREET_NUMBERS = Array.from({ length: 200 }, (_, i) => String(i + 1));
const ZIPCODES = Array.from({ length: 500 }, (_, i) => String(10000 + i * 173));

function address(rng: Rng): Struct {
  const [city, country] = rng.pick(CITIES);
  const s = new Struct(ADDRESS_SCHEMA);
  const f = ADDRESS_SCHEMA.fields;
  s.put(f[0]!, rng.pick(STREET_NUMBERS) + ' ' + rng.pick(STREETS));
  s.put(f[1]!, city);
  s.put(f[2]!, rng.pick(ZIPCODES));
  s.put(f[3]!, country);
  return s;
}

const PRICE_SCHEMA = Decimal.schema(2);
const ORDER_SCHEMA = SchemaBuilder.struct()
  .name('io.sluice.datagen.Order')
  .field('order_id', Schema.INT64)
  .field('customer_id', Schema.INT64)
  .field('product', Schema.STRING)
  .field('quantity', Schema.INT32)
  .field('price', PRICE_SCHEMA)
  .field('currency', Schema.STRING)
  .field('status', Schema.STRING)
  .field('created_at', LogicalTimestamp.schema())
  .field('shipping_address', ADDRESS_SCHEMA)
  .field('tags', SchemaBuilder.array(Schema.STRING).build())
  .build();

const PRODUCTS = [
  'keyboard', 'mouse', 'monitor', 'laptop', 'headphones', 'webcam', 'desk lamp', 'usb hub', 'chair', 'notebook',
  'pen set', 'backpack', 'water bottle', 'phone case', 'charger', 'speaker', 'microphone', 'tablet', 'e-reader', 'router',
];
const CURRENCIES = ['EUR', 'USD', 'GBP', 'JPY'];
const STATUSES = ['PLACED', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED'];
const TAGS = ['gift', 'express', 'fragile', 'bulk', 'promo', 'returning-customer'];
/** Precomputed so a record costs no BigInt arithmetic beyond one conversion. */
const PRICES = Array.from({ length: 4096 }, (_, i) => new BigDecimal(BigInt(99 + i * 37), 2));

function tags(rng: Rng): string[] {
  const n = rng.int(0, 4);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(rng.pick(TAGS));
  return out;
}

export const ORDERS: Quickstart = {
  name: 'orders',
  schema: ORDER_SCHEMA,
  idField: 'order_id',
  make(id, rng) {
    const f = ORDER_SCHEMA.fields;
    const s = new Struct(ORDER_SCHEMA);
    s.put(f[0]!, id);
    s.put(f[1]!, rng.int(0, 100_000));
    s.put(f[2]!, rng.pick(PRODUCTS));
    s.put(f[3]!, rng.int(1, 11));
    s.put(f[4]!, rng.pick(PRICES));
    s.put(f[5]!, rng.pick(CURRENCIES));
    s.put(f[6]!, rng.pick(STATUSES));
    s.put(f[7]!, new Date(BASE_TIME_MS + id * 1000 + rng.int(0, 1000)));
    s.put(f[8]!, address(rng));
    s.put(f[9]!, tags(rng));
    return s;
  },
};

const USER_SCHEMA = SchemaBuilder.struct()
  .name('io.sluice.datagen.User')
  .field('user_id', Schema.INT64)
  .field('username', Schema.STRING)
  .field('first_name', Schema.STRING)
  .field('last_name', Schema.STRING)
  .field('email', Schema.STRING)
  .field('age', Schema.OPTIONAL_INT32)
  .field('active', Schema.BOOLEAN)
  .field('balance', Decimal.schema(2))
  .field('registered_at', LogicalTimestamp.schema())
  .field('address', ADDRESS_SCHEMA)
  .field('interests', SchemaBuilder.array(Schema.STRING).build())
  .build();

const FIRST = ['Ada', 'Alan', 'Grace', 'Linus', 'Margaret', 'Dennis', 'Barbara', 'Ken', 'Frances', 'Edsger', 'Radia', 'Tim'];
const LAST = ['Lovelace', 'Turing', 'Hopper', 'Torvalds', 'Hamilton', 'Ritchie', 'Liskov', 'Thompson', 'Allen', 'Dijkstra', 'Perlman', 'Berners-Lee'];
const INTERESTS = ['hiking', 'chess', 'cooking', 'cycling', 'music', 'photography', 'running', 'reading', 'travel', 'gaming'];

export const USERS: Quickstart = {
  name: 'users',
  schema: USER_SCHEMA,
  idField: 'user_id',
  make(id, rng) {
    const f = USER_SCHEMA.fields;
    const first = rng.pick(FIRST);
    const last = rng.pick(LAST);
    const s = new Struct(USER_SCHEMA);
    s.put(f[0]!, id);
    s.put(f[1]!, 'user_' + id);
    s.put(f[2]!, first);
    s.put(f[3]!, last);
    s.put(f[4]!, first.toLowerCase() + '.' + last.toLowerCase() + id + '@example.com');
    s.put(f[5]!, rng.chance(0.1) ? null : rng.int(18, 90));
    s.put(f[6]!, rng.chance(0.8));
    s.put(f[7]!, rng.pick(PRICES));
    s.put(f[8]!, new Date(BASE_TIME_MS + id * 60_000 + rng.int(0, 60_000)));
    s.put(f[9]!, address(rng));
    const n = rng.int(0, 4);
    const interests: string[] = [];
    for (let i = 0; i < n; i++) interests.push(rng.pick(INTERESTS));
    s.put(f[10]!, interests);
    return s;
  },
};

export const QUICKSTARTS: Readonly<Record<string, Quickstart>> = { orders: ORDERS, users: USERS };
