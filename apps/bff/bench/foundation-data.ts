/**
 * The foundation bench's data, one definition for both databases: sizes, the membership plan (the same
 * pseudo-random picks on SQLite and PostgreSQL) and the alert rows (a pure function of their position, written
 * as JavaScript for SQLite and as the same expressions in SQL for PostgreSQL's generate_series).
 */
import type { Deps } from '../src/app-context';
import type { TDbName } from './report';

export type TSizes = {
  users: number;
  productTypes: number;
  productsPerType: number;
  /** The "team" product is visible to viaProduct + viaProductType users. */
  viaProduct: number;
  viaProductType: number;
  alerts: number;
  heavyAlerts: number;
  removeBatch: number;
  pageSize: number;
  alertBatch: number;
};

export const FULL_SIZES: TSizes = {
  users: 10_000,
  productTypes: 100,
  productsPerType: 10,
  viaProduct: 1_000,
  viaProductType: 1_000,
  alerts: 1_000_000,
  heavyAlerts: 100_000,
  removeBatch: 1_000,
  pageSize: 25,
  alertBatch: 50_000,
};

export const SMALL_SIZES: TSizes = {
  users: 1_000,
  productTypes: 10,
  productsPerType: 10,
  viaProduct: 100,
  viaProductType: 100,
  alerts: 100_000,
  heavyAlerts: 10_000,
  removeBatch: 100,
  pageSize: 25,
  alertBatch: 50_000,
};

export const HEAVY_USER_ID = 1;
export const DAY_MS = 86_400_000;
/** Every account shares one real scrypt hash: logins are not measured, and 10,000 scrypt runs would take minutes. */
export const BENCH_PASSWORD = 'bench-password-123';

export type TSeed = {
  /** Users who may view the team product (product members + product type members). */
  teamProductId: number;
  teamRecipients: number[];
  /** A product in the product type every user is a member of. */
  sharedProductId: number;
  allRecipients: number[];
  /** An API token of the heavy user. */
  heavyKey: string;
};

/** One database under the foundation bench: what differs between SQLite and PostgreSQL, behind one shape. */
export type TFoundationStore = {
  dialect: TDbName;
  /** Where the data is, and how the database is set up, for the report. */
  describe: string;
  /** Deps over this database (retention off, no worker), for dispatchEvent and createApp. */
  deps: Deps;
  /** Seed the database (not measured against targets); `log` gets one line per step. */
  seed(sizes: TSizes, log: (line: string) => void): Promise<TSeed>;
  /**
   * The floor of a fan-out: the same alert rows for `userIds` written the cheapest way the database offers, in one
   * transaction. Resolves to the time it took, in ms.
   */
  insertFloor(userIds: readonly number[], createdAt: number): Promise<number>;
  /** After bulk writes, not timed: a WAL checkpoint (SQLite), VACUUM ANALYZE (PostgreSQL). */
  settle(): Promise<void>;
  /**
   * Before a timed write, not timed: what earlier writes left to copy from the WAL is copied (SQLite), so a run is
   * not charged for the previous run's checkpoint, which the server does on its worker thread. Nothing on PostgreSQL.
   */
  quiesce(): Promise<void>;
  /** Bytes the database takes on disk. */
  sizeOnDisk(): Promise<number>;
  close(): Promise<void>;
};

/** Deterministic pseudo-random numbers (mulberry32), so every run seeds the same data. */
export function createRandom(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const usernameOf = (id: number) => (id === HEAVY_USER_ID ? 'heavy' : `user${String(id).padStart(5, '0')}`);

export type TMembership = [userId: number, id: number, role: string];

export type TMembershipPlan = {
  productMembers: TMembership[];
  productTypeMembers: TMembership[];
  teamProductId: number;
  sharedProductId: number;
  teamRecipients: number[];
  allRecipients: number[];
};

/**
 * Who is a member of what. Users 2.. are the team of product 1 (type 1): the first block by product membership,
 * the next by membership of its product type. Every user is a member of the last product type (the shared
 * product is in it). Each user also has two product and one product type membership picked at random, never in
 * type 1, the shared type or a product of type 1, so they do not change who may view the team product.
 * Duplicate picks are dropped (the first wins), as `on conflict do nothing` would.
 */
export function planMemberships(sizes: TSizes): TMembershipPlan {
  const random = createRandom(20_240_601);
  const productCount = sizes.productTypes * sizes.productsPerType;
  const teamProductId = 1;
  const teamTypeId = 1;
  const sharedTypeId = sizes.productTypes;
  const productMembers: TMembership[] = [];
  const productTypeMembers: TMembership[] = [];
  const seen = new Set<string>();
  const add = (list: TMembership[], kind: string, row: TMembership) => {
    const key = `${kind}:${row[0]}:${row[1]}`;
    if (seen.has(key)) return;
    seen.add(key);
    list.push(row);
  };
  const teamRecipients: number[] = [];
  const allRecipients: number[] = [];
  for (let userId = 1; userId <= sizes.users; userId++) {
    allRecipients.push(userId);
    if (userId >= 2 && userId < 2 + sizes.viaProduct) {
      add(productMembers, 'pm', [userId, teamProductId, 'Writer']);
      teamRecipients.push(userId);
    } else if (userId >= 2 + sizes.viaProduct && userId < 2 + sizes.viaProduct + sizes.viaProductType) {
      add(productTypeMembers, 'ptm', [userId, teamTypeId, 'Reader']);
      teamRecipients.push(userId);
    }
    add(productTypeMembers, 'ptm', [userId, sharedTypeId, 'Reader']);
    for (let k = 0; k < 2; k++) {
      const productId = sizes.productsPerType + 1 + Math.floor(random() * (productCount - 2 * sizes.productsPerType));
      add(productMembers, 'pm', [userId, productId, 'Reader']);
    }
    add(productTypeMembers, 'ptm', [userId, 2 + Math.floor(random() * (sizes.productTypes - 2)), 'Reader']);
  }
  return { productMembers, productTypeMembers, teamProductId, sharedProductId: productCount, teamRecipients, allRecipients };
}

// ---------------------------------------------------------------------------
// The alert rows of the seed: row n of `total` (oldest first)

export const ALERT_KINDS = [
  { event: 'scan_added', source: 'Scan Added', icon: 'scan' },
  { event: 'engagement_added', source: 'Engagement Added', icon: 'calendar' },
  { event: 'sla_breach', source: 'SLA Breach', icon: 'alert-triangle' },
  { event: 'test_added', source: 'Test Added', icon: 'flask' },
] as const;

export const SEVERITIES = ['Critical', 'High', 'Medium', 'Low'] as const;

export type TEventRow = {
  id: number;
  event: string;
  productId: number;
  title: string;
  description: string;
  url: string;
  source: string;
  icon: string;
  createdAt: number;
};

export type TAlertRow = TEventRow & {
  userId: number;
  /** The event's id: every alert of the seed comes from an event, as in the app. */
  eventId: number;
};

/** One alert in `stride` belongs to the heavy user, the rest go round-robin over everybody else (interleaved). */
export function alertOwner(n: number, stride: number, others: number): number {
  if (n % stride === 0) return HEAVY_USER_ID;
  const heavyBefore = Math.floor((n - 1) / stride) + 1;
  return 2 + ((n - heavyBefore) % others);
}

export function alertTitle(n: number): string {
  switch (n % 4) {
    case 0:
      return `Scan added: ${n % 17} new findings in ZAP Scan`;
    case 1:
      return `Engagement "Q${(n % 4) + 1} pentest" added`;
    case 2:
      return `SLA breached for finding #${n}`;
    default:
      return `Test "Nightly DAST" added to engagement ${n % 500}`;
  }
}

/** Events in the seed: each reaches `stride` users, the heavy user and stride − 1 others (so the heavy user has one alert per event). */
export const eventCount = (sizes: TSizes) => sizes.heavyAlerts;

/** Event k of the seed (0-based, oldest first; its id is k + 1). */
export function eventRow(k: number, sizes: TSizes, startMs: number, spanMs: number): TEventRow {
  const kind = ALERT_KINDS[k % 4]!;
  const productId = (k % (sizes.productTypes * sizes.productsPerType)) + 1;
  return {
    id: k + 1,
    event: kind.event,
    productId,
    title: alertTitle(k),
    description: `**${kind.source}** on product ${productId}.\n\nSeverity: ${SEVERITIES[k % 4]}. See the product page for details.`,
    url: `/products/${productId}/findings?page=${(k % 9) + 1}`,
    source: kind.source,
    icon: kind.icon,
    createdAt: startMs + Math.floor((k / eventCount(sizes)) * spanMs),
  };
}

/** Alert n of the seed (oldest first): its event's fields, for its owner (alertOwner). */
export function alertRow(n: number, sizes: TSizes, startMs: number, spanMs: number): TAlertRow {
  const stride = sizes.alerts / sizes.heavyAlerts;
  const event = eventRow(Math.floor(n / stride), sizes, startMs, spanMs);
  return { ...event, eventId: event.id, userId: alertOwner(n, stride, sizes.users - 1) };
}

/** The fan-out's alert, the same for the floor. */
export const FAN_OUT_ALERT = {
  event: 'scan_added',
  /** The floor's product column (its value costs the same as the fan-out's). */
  productId: 1,
  title: 'Scan added: 42 new findings in ZAP Scan',
  description: '**ZAP Scan** imported into engagement "Nightly". 42 new, 3 closed, 120 untouched.',
  url: '/products/1/findings',
  source: 'Scan Added',
  icon: 'scan',
} as const;
