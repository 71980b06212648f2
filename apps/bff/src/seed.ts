/**
 * Demo data for a first start on an empty database: users with different kinds of access, product types,
 * products, engagements, notification settings and a bell full of alerts each user may see.
 * On later starts the demo logins are listed again for as long as their demo passwords still work.
 */
import { CHANNEL_BITS, EVENT_NAMES, type TRole } from '@tocsin/contract/catalogue';
import { sql } from 'drizzle-orm';
import type { Deps, UserRow } from './app-context';
import { hashPassword, verifyPassword } from './auth/passwords';
import { engagements, notificationSettings, productMembers, products, productTypeMembers, productTypes } from './db/schema';
import { dispatchEvent, type TDispatchInput } from './notifications/dispatch';
import { engagementAddedEvent, engagementClosedEvent, productAddedEvent, productTypeAddedEvent } from './services/domain-events';
import { getEngagement } from './services/engagements';
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
 */
export async function seedDemoData(deps: Deps): Promise<{ logins: TDemoLogin[] } | null> {
  const count = deps.db.get<{ n: number }>(sql`select count(*) as n from users`)?.n ?? 0;
  if (count > 0) return findWorkingDemoLogins(deps);

  const hashes = await Promise.all(DEMO_USERS.map((u) => hashPassword(u.password)));
  const now = deps.now();
  const created = deps.db.transaction((tx) => {
    // Another process may have seeded meanwhile (two instances starting on one file).
    if ((tx.get<{ n: number }>(sql`select count(*) as n from users`)?.n ?? 0) > 0) return null;

    // Settings first, so every user created below gets the template copied into their personal record.
    const settingsRows = [
      ...SYSTEM_ALERT_EVENTS.map((event) => ({ scope: 'system', event, channels: ALERT })),
      ...EVENT_NAMES.map((event) => ({ scope: 'template', event, channels: ALERT })),
    ];
    tx.insert(notificationSettings)
      .values(settingsRows)
      .onConflictDoUpdate({
        target: [notificationSettings.scope, notificationSettings.userKey, notificationSettings.productKey, notificationSettings.event],
        set: { channels: sql`excluded.channels` },
      })
      .run();

    const byName: Record<string, UserRow> = {};
    DEMO_USERS.forEach((u, i) => {
      byName[u.username] = insertUserWithTemplate(tx, {
        username: u.username,
        email: `${u.username}@tocsin.example`,
        firstName: u.firstName,
        lastName: u.lastName,
        passwordHash: hashes[i]!,
        isSuperuser: u.isSuperuser ?? false,
        globalRole: u.globalRole ?? null,
        createdAt: now,
      });
    });

    const typeIds: Record<string, number> = {};
    for (const t of PRODUCT_TYPES) {
      typeIds[t.name] = tx
        .insert(productTypes)
        .values({ ...t, createdAt: now })
        .returning({ id: productTypes.id })
        .get().id;
    }
    const productIds: Record<string, number> = {};
    for (const p of PRODUCTS) {
      productIds[p.name] = tx
        .insert(products)
        .values({ name: p.name, description: p.description, productTypeId: typeIds[p.type]!, createdAt: now })
        .returning({ id: products.id })
        .get().id;
    }

    tx.insert(productTypeMembers)
      .values({ userId: byName.alice!.id, productTypeId: typeIds['Web Applications']!, role: 'Maintainer' })
      .run();
    tx.insert(productMembers).values({ userId: byName.bob!.id, productId: productIds['iOS App']!, role: 'Writer' }).run();

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
    const engagementIds = engagementRows.map(
      (e) =>
        tx
          .insert(engagements)
          .values({
            name: e.name,
            productId: productIds[e.product]!,
            leadId: byName[e.lead]!.id,
            targetStart: isoDate(e.start),
            targetEnd: isoDate(e.end),
            status: e.status,
            createdAt: now,
          })
          .returning({ id: engagements.id })
          .get().id,
    );
    return { byName, typeIds, productIds, engagementIds };
  });
  if (!created) return findWorkingDemoLogins(deps);

  for (const input of buildDemoEvents(deps, created)) dispatchEvent(deps, input);
  return { logins: DEMO_USERS.map(({ username, password, note }) => ({ username, password, note })) };
}

/** The story told by the demo bell: the setup, then a few scans, an SLA breach, a mention and a review request. */
function buildDemoEvents(
  deps: Deps,
  seeded: { byName: Record<string, UserRow>; typeIds: Record<string, number>; productIds: Record<string, number>; engagementIds: number[] },
): TDispatchInput[] {
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
  const engagementList = seeded.engagementIds.map((id) => getEngagement(deps, admin, id));
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
  deps.db.run(sql`update engagements set status = 'Completed' where id = ${vpnAuditId}`);
  list.push(engagementClosedEvent(getEngagement(deps, admin, vpnAuditId), admin));
  return list;
}

async function findWorkingDemoLogins(deps: Deps): Promise<{ logins: TDemoLogin[] } | null> {
  const logins: TDemoLogin[] = [];
  for (const u of DEMO_USERS) {
    const row = findUserByUsername(deps, u.username);
    if (row?.isActive && (await verifyPassword(u.password, row.passwordHash))) {
      logins.push({ username: u.username, password: u.password, note: u.note });
    }
  }
  return logins.length > 0 ? { logins } : null;
}
