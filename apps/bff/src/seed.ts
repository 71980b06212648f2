/**
 * Demo data for a first start on an empty database: users with different kinds of access, product types,
 * products, engagements, notification settings and a bell full of alerts each user may see.
 * On later starts the demo logins are listed again for as long as their demo passwords still work.
 */
import { CHANNEL_BITS, EVENT_NAMES, type TRole } from '@tocsin/contract/catalogue';
import type { TEngagement } from '@tocsin/contract/products';
import { sql } from 'drizzle-orm';
import { type Deps, type UserRow, withDb } from './app-context';
import { hashPassword, verifyPassword } from './auth/passwords';
import type { Database } from './db/database';
import { insertRow } from './db/rows';
import { engagements, productMembers, products, productTypeMembers, productTypes } from './db/schema';
import { getEngagement } from './engagements/service';
import { dispatchEvent, type TDispatchInput } from './notifications/dispatch';
import { engagementAddedEvent, engagementClosedEvent, productAddedEvent, productTypeAddedEvent } from './services/domain-events';
import { findUserByUsername, insertUserWithTemplate } from './services/users';

export type TDemoLogin = { username: string; password: string; note: string };

type TDemoUser = TDemoLogin & {
  firstName: string;
  lastName: string;
  isSuperuser?: boolean;
  globalRole?: TRole;
};

const DEMO_USERS: readonly TDemoUser[] = [
  {
    username: 'admin',
    password: 'admin-demo-pass',
    note: 'superuser: sees and edits everything',
    firstName: 'Ada',
    lastName: 'Admin',
    isSuperuser: true,
  },
  {
    username: 'alice',
    password: 'alice-demo-pass',
    note: 'Maintainer of the "Web Applications" product type',
    firstName: 'Alice',
    lastName: 'Archer',
  },
  { username: 'bob', password: 'bob-demo-pass', note: 'Writer on the single product "iOS App"', firstName: 'Bob', lastName: 'Baker' },
  {
    username: 'carol',
    password: 'carol-demo-pass',
    note: 'global Reader: sees every product',
    firstName: 'Carol',
    lastName: 'Chen',
    globalRole: 'Reader',
  },
  { username: 'dave', password: 'dave-demo-pass', note: 'no product access: only mentions reach him', firstName: 'Dave', lastName: 'Dunn' },
];

const ALERT = CHANNEL_BITS.alert;

/** System record: everyone allowed to see the product hears about these in their alert list. */
const SYSTEM_ALERT_EVENTS = [
  'product_type_added',
  'product_added',
  'engagement_added',
  'close_engagement',
  'scan_added',
  'sla_breach',
  'risk_acceptance_expiration',
] as const;

const PRODUCT_TYPES = [
  { name: 'Web Applications', description: 'Customer-facing web sites and their APIs.' },
  { name: 'Mobile', description: 'iOS and Android apps.' },
  { name: 'Infrastructure', description: 'Networks, VPNs and cloud accounts.' },
] as const;

const PRODUCTS = [
  { name: 'Customer Portal', type: 'Web Applications', description: 'Self-service portal for customers.' },
  { name: 'Payments API', type: 'Web Applications', description: 'Card payments and refunds.' },
  { name: 'iOS App', type: 'Mobile', description: 'The iPhone and iPad app.' },
  { name: 'Android App', type: 'Mobile', description: 'The Android app.' },
  { name: 'Corporate VPN', type: 'Infrastructure', description: 'Remote access for staff.' },
] as const;

const DAY = 86_400_000;
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Seed once, into an empty users table. Returns the demo logins to print: on the first start all of them;
 * on later starts those whose demo password still works (so changed passwords are never printed); else null.
 * Everything, the demo events included, is written in one transaction: a failure leaves the database empty,
 * so the next start seeds again.
 */
export async function seedDemoData(deps: Deps): Promise<{ logins: TDemoLogin[] } | null> {
  if ((await countUsers(deps.db)) > 0) return findWorkingDemoLogins(deps);

  const hashes = await Promise.all(DEMO_USERS.map((u) => hashPassword(u.password)));
  const now = deps.now();
  const isSeeded = await deps.db.transaction(async (tx) => {
    // Another instance may be seeding the same database (replicas starting together): taking the settings row
    // first makes them take turns (SQLite's writer lock does it already), and the later one finds users here.
    await tx.run(sql`update system_settings set updated_at = updated_at where id = 1`);
    if ((await countUsers(tx)) > 0) return false;

    // Settings first, so every user created below gets the template copied into their personal record.
    const settingsRows = [
      ...SYSTEM_ALERT_EVENTS.map((event) => sql`('system', ${event}, ${ALERT})`),
      ...EVENT_NAMES.map((event) => sql`('template', ${event}, ${ALERT})`),
    ];
    await tx.run(sql`insert into notification_settings (scope, event, channels) values ${sql.join(settingsRows, sql`, `)}
      on conflict (scope, user_key, product_key, event) do update set channels = excluded.channels`);

    const byName: Record<string, UserRow> = {};
    for (const [i, u] of DEMO_USERS.entries()) {
      byName[u.username] = await insertUserWithTemplate(tx, {
        username: u.username,
        email: `${u.username}@tocsin.example`,
        firstName: u.firstName,
        lastName: u.lastName,
        passwordHash: hashes[i]!,
        isSuperuser: u.isSuperuser ?? false,
        globalRole: u.globalRole ?? null,
        createdAt: now,
      });
    }

    const typeIds: Record<string, number> = {};
    for (const t of PRODUCT_TYPES) typeIds[t.name] = (await insertRow(tx, productTypes, { ...t, createdAt: now })).id;
    const productIds: Record<string, number> = {};
    for (const p of PRODUCTS) {
      productIds[p.name] = (
        await insertRow(tx, products, { name: p.name, description: p.description, productTypeId: typeIds[p.type]!, createdAt: now })
      ).id;
    }

    await insertRow(tx, productTypeMembers, { userId: byName.alice!.id, productTypeId: typeIds['Web Applications']!, role: 'Maintainer' });
    await insertRow(tx, productMembers, { userId: byName.bob!.id, productId: productIds['iOS App']!, role: 'Writer' });

    // Dates around today, so the scheduler finds an upcoming and a stale engagement too.
    const engagementRows = [
      {
        name: 'Q3 Penetration Test',
        product: 'Customer Portal',
        lead: 'alice',
        start: now - 5 * DAY,
        end: now + 9 * DAY,
        status: 'In Progress',
      },
      { name: 'PCI Review', product: 'Payments API', lead: 'alice', start: now + 2 * DAY, end: now + 16 * DAY, status: 'Not Started' },
      {
        name: 'App Store Release Check',
        product: 'iOS App',
        lead: 'bob',
        start: now - 20 * DAY,
        end: now - 6 * DAY,
        status: 'In Progress',
      },
      {
        name: 'Annual VPN Audit',
        product: 'Corporate VPN',
        lead: 'admin',
        start: now - 40 * DAY,
        end: now - 30 * DAY,
        status: 'In Progress',
      },
    ];
    const engagementIds: number[] = [];
    for (const e of engagementRows) {
      const row = await insertRow(tx, engagements, {
        name: e.name,
        productId: productIds[e.product]!,
        leadId: byName[e.lead]!.id,
        targetStart: isoDate(e.start),
        targetEnd: isoDate(e.end),
        status: e.status,
        createdAt: now,
      });
      engagementIds.push(row.id);
    }

    const txDeps = withDb(deps, tx);
    for (const input of await buildDemoEvents(txDeps, { byName, typeIds, productIds, engagementIds })) await dispatchEvent(txDeps, input);
    return true;
  });
  if (!isSeeded) return findWorkingDemoLogins(deps);
  return { logins: DEMO_USERS.map(({ username, password, note }) => ({ username, password, note })) };
}

async function countUsers(db: Database): Promise<number> {
  return (await db.get<{ n: number }>(sql`select count(*) as n from users`))?.n ?? 0;
}

/** The story told by the demo bell: the setup, then a few scans, an SLA breach, a mention and a review request. */
async function buildDemoEvents(
  deps: Deps,
  seeded: { byName: Record<string, UserRow>; typeIds: Record<string, number>; productIds: Record<string, number>; engagementIds: number[] },
): Promise<TDispatchInput[]> {
  const admin = seeded.byName.admin!;
  const alice = seeded.byName.alice!;
  const bob = seeded.byName.bob!;
  const dave = seeded.byName.dave!;
  const productTypeNameById = new Map(Object.entries(seeded.typeIds).map(([name, id]) => [id, name]));
  const list: TDispatchInput[] = [];

  for (const [name, id] of Object.entries(seeded.typeIds)) list.push(productTypeAddedEvent({ id, name }, admin));
  for (const p of PRODUCTS) {
    const id = seeded.productIds[p.name]!;
    const productTypeId = seeded.typeIds[p.type]!;
    list.push(
      productAddedEvent(
        { id, name: p.name, product_type_id: productTypeId, product_type_name: productTypeNameById.get(productTypeId)! },
        admin,
      ),
    );
  }
  const engagementList: TEngagement[] = [];
  for (const id of seeded.engagementIds) engagementList.push(await getEngagement(deps, admin, id));
  for (const e of engagementList) list.push(engagementAddedEvent(e, admin));

  const portal = seeded.productIds['Customer Portal']!;
  const payments = seeded.productIds['Payments API']!;
  const ios = seeded.productIds['iOS App']!;
  const vpn = seeded.productIds['Corporate VPN']!;
  list.push(
    {
      event: 'scan_added',
      title: 'ZAP Scan imported into Customer Portal: 12 findings',
      description: '**12** findings (2 High, 5 Medium, 5 Low) from *ZAP Scan* in engagement Q3 Penetration Test.',
      url: `/products/${portal}`,
      productId: portal,
      engagementId: seeded.engagementIds[0],
      createdBy: alice.id,
    },
    {
      event: 'scan_added',
      title: 'MobSF Scan imported into iOS App: 4 findings',
      description: '**4** findings (1 Critical, 3 Medium) from *MobSF Scan*.',
      url: `/products/${ios}`,
      productId: ios,
      engagementId: seeded.engagementIds[2],
      createdBy: bob.id,
    },
    {
      event: 'sla_breach',
      title: 'SLA breached: SQL injection in /refunds (Payments API)',
      description: 'A **Critical** finding has been open for 8 days; the SLA allows 7.',
      url: `/products/${payments}`,
      productId: payments,
      createdBy: null,
    },
    {
      event: 'risk_acceptance_expiration',
      title: 'Risk acceptance "Legacy TLS ciphers" expires in 3 days',
      description: 'The accepted risk on **Corporate VPN** needs a decision: renew it or fix the findings.',
      url: `/products/${vpn}`,
      productId: vpn,
      createdBy: null,
    },
    {
      event: 'user_mentioned',
      title: 'alice mentioned you in a note',
      description: '"@dave @bob can you confirm the staging VPN is out of scope for the pentest?"',
      url: `/products/${portal}`,
      recipients: [dave.id, bob.id],
      createdBy: alice.id,
    },
    {
      event: 'review_requested',
      title: 'Review requested: Hard-coded API key in iOS App',
      description: 'bob asks you to review a finding before it is closed.',
      url: `/products/${ios}`,
      recipients: [alice.id, dave.id],
      createdBy: bob.id,
    },
  );

  // The stale VPN audit is closed by its lead, so the bell shows a close as well.
  const vpnAuditId = seeded.engagementIds[3]!;
  await deps.db.run(sql`update engagements set status = 'Completed' where id = ${vpnAuditId}`);
  list.push(engagementClosedEvent(await getEngagement(deps, admin, vpnAuditId), admin));
  return list;
}

async function findWorkingDemoLogins(deps: Deps): Promise<{ logins: TDemoLogin[] } | null> {
  const logins: TDemoLogin[] = [];
  for (const u of DEMO_USERS) {
    const row = await findUserByUsername(deps, u.username);
    if (row?.isActive && (await verifyPassword(u.password, row.passwordHash))) {
      logins.push({ username: u.username, password: u.password, note: u.note });
    }
  }
  return logins.length > 0 ? { logins } : null;
}
