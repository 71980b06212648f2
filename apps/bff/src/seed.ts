/**
 * Demo data for a first start on an empty database: users with different kinds of access, product types,
 * products, engagements, notification settings, and the findings story that fills the bell with every kind of
 * event, each raised by the real code: scans imported from the SARIF and Generic fixtures (through the import
 * service), findings of every severity, some just before and after their SLA (the SLA job run once), a risk
 * acceptance inside its heads-up window (the risk acceptance job run once), notes with mentions and a review
 * request between the demo users.
 * On later starts the demo logins are listed again for as long as their demo passwords still work.
 */
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CHANNEL_BITS, EVENT_NAMES, type TRole } from '@tocsin/contract/catalogue';
import { ZImportScanBody } from '@tocsin/contract/findings';
import type { TEngagement } from '@tocsin/contract/products';
import { type SQL, sql } from 'drizzle-orm';
import { type Deps, type UserRow, withDb } from './app-context';
import { hashPassword, verifyPassword } from './auth/passwords';
import type { Database } from './db/database';
import { insertRow } from './db/rows';
import { engagements, productMembers, products, productTypeMembers, productTypes } from './db/schema';
import { getEngagement } from './engagements/service';
import { updateFinding } from './findings/service';
import { importScan, type TScanFile } from './imports/service';
import { addDays, calendarDateIn } from './lib/calendar-date';
import { createNote, findNoteTarget } from './notes/service';
import { dispatchEvent, type TDispatchInput } from './notifications/dispatch';
import { requestReview } from './reviews/service';
import { runRiskAcceptanceNotices } from './risk-acceptances/job';
import { createRiskAcceptance } from './risk-acceptances/service';
import { engagementAddedEvent, engagementClosedEvent, productAddedEvent, productTypeAddedEvent } from './services/domain-events';
import { findUserByUsername, insertUserWithTemplate } from './services/users';
import { runSlaNotices } from './sla/job';

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
  {
    username: 'dave',
    password: 'dave-demo-pass',
    note: 'no product access: hears of nothing (a mention of him on a product is refused, and the author told why)',
    firstName: 'Dave',
    lastName: 'Dunn',
  },
];

const ALERT = CHANNEL_BITS.alert;

/** System record: everyone allowed to see the product hears about these in their alert list. */
const SYSTEM_ALERT_EVENTS = [
  'product_type_added',
  'product_added',
  'engagement_added',
  'close_engagement',
  'test_added',
  'scan_added',
  'scan_added_empty',
  'sla_breach',
  'sla_breach_combined',
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
    for (const input of await buildSetupEvents(txDeps, { byName, typeIds, productIds, engagementIds })) await dispatchEvent(txDeps, input);
    await seedFindingsStory(txDeps, { byName, productIds, engagementIds });
    // The stale VPN audit is closed by its lead, so the bell shows a close as well.
    const vpnAuditId = engagementIds[3]!;
    await tx.run(sql`update engagements set status = 'Completed' where id = ${vpnAuditId}`);
    await dispatchEvent(txDeps, engagementClosedEvent(await getEngagement(txDeps, byName.admin!, vpnAuditId), byName.admin!));
    return true;
  });
  if (!isSeeded) return findWorkingDemoLogins(deps);
  return { logins: DEMO_USERS.map(({ username, password, note }) => ({ username, password, note })) };
}

async function countUsers(db: Database): Promise<number> {
  return (await db.get<{ n: number }>(sql`select count(*) as n from users`))?.n ?? 0;
}

/** The setup as events: product types, products and engagements added. */
async function buildSetupEvents(
  deps: Deps,
  seeded: { byName: Record<string, UserRow>; typeIds: Record<string, number>; productIds: Record<string, number>; engagementIds: number[] },
): Promise<TDispatchInput[]> {
  const admin = seeded.byName.admin!;
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
  return list;
}

const fixture = (name: string): TScanFile => {
  const path = fileURLToPath(new URL(`./imports/fixtures/${name}`, import.meta.url));
  return { path, name, bytes: statSync(path).size };
};

/**
 * The findings story, raised by the real services: four scans (their dates set so that findings sit just before,
 * on and after their SLA), a re-import that changes nothing, a severity corrected to Info, a risk acceptance
 * inside its heads-up window, notes with mentions, a review request; then one run of the SLA and risk
 * acceptance jobs.
 */
async function seedFindingsStory(
  deps: Deps,
  seeded: { byName: Record<string, UserRow>; productIds: Record<string, number>; engagementIds: number[] },
): Promise<void> {
  const { admin, alice, bob } = seeded.byName as Record<'admin' | 'alice' | 'bob', UserRow>;
  const today = calendarDateIn(deps.now(), deps.env.TIME_ZONE);
  const daysAgo = (n: number) => addDays(today, -n);
  const scan = (user: UserRow, target: Record<string, unknown>, name: string, scanDate: string) =>
    importScan(deps, user, ZImportScanBody.parse({ ...target, scan_date: scanDate }), fixture(name));

  // Semgrep into a CI engagement created by name: the Stripe key (Critical, 7 days) breaches tomorrow.
  const semgrep = await scan(alice, { product_id: seeded.productIds['Payments API'], engagement_name: 'CI' }, 'semgrep.sarif', daysAgo(6));
  // CodeQL into the pentest: the hard-coded credentials (Critical) are two days overdue.
  const codeql = await scan(alice, { engagement_id: seeded.engagementIds[0] }, 'codeql.sarif', daysAgo(9));
  // Trivy into the release check: its High findings (30 days) breach today; re-imported unchanged.
  const trivy = await scan(bob, { engagement_id: seeded.engagementIds[2] }, 'trivy.sarif', daysAgo(30));
  await scan(bob, { test_id: trivy.test_id }, 'trivy.sarif', daysAgo(30));
  // The Generic DAST file into the VPN audit.
  const generic = await scan(admin, { engagement_id: seeded.engagementIds[3] }, 'generic.json', daysAgo(20));

  const findingOf = async (testId: number, where: SQL) =>
    (await deps.db.get<{ id: number }>(sql`select id from findings where test_id = ${testId} and ${where} order by id limit 1`))!.id;
  // An unused variable is no vulnerability: alice lowers it to Info.
  await updateFinding(deps, alice, await findingOf(codeql.test_id, sql`rule_id = 'js/unused-local-variable'`), {
    severity: 'Info',
    reason: 'An unused variable is no vulnerability.',
  });

  // admin accepts the DAST findings of the VPN until five days from now: inside the 10-day heads-up window.
  const vpnFindings = (
    await deps.db.all<{ id: number }>(
      sql`select id from findings where test_id = ${generic.test_id} and status in ('active', 'verified') order by id`,
    )
  ).map((r) => r.id);
  await createRiskAcceptance(
    deps,
    admin,
    { productId: seeded.productIds['Corporate VPN']! },
    {
      name: 'Legacy DAST findings until the VPN replacement',
      finding_ids: vpnFindings,
      owner_id: admin.id,
      decision: 'accept',
      decision_details: 'The VPN portal is replaced next quarter; the WAF blocks the reflected XSS meanwhile.',
      expires_on: addDays(today, 5),
    },
  );

  // Notes with mentions: alice asks carol (who may see it) and dave (who may not: alice is told why).
  const stripeKey = await findingOf(semgrep.test_id, sql`cwe = 798`);
  const sqli = await findingOf(semgrep.test_id, sql`cwe = 89`);
  await createNote(deps, alice, await findNoteTarget(deps, alice, 'finding', sqli), {
    entry: '@carol can you confirm the ORM escapes this parameter? @dave FYI.',
  });
  await createNote(deps, bob, await findNoteTarget(deps, bob, 'finding', await findingOf(trivy.test_id, sql`component = 'lodash'`)), {
    entry: '@admin the lodash upgrade is blocked by the build tooling; can we accept this until the next release?',
  });
  await createNote(deps, admin, await findNoteTarget(deps, admin, 'engagement', semgrep.engagement_id), {
    entry: '@alice please own the Stripe key rotation before the PCI review.',
  });
  // And a review request: alice asks admin and carol to check the leaked key is revoked.
  await requestReview(deps, alice, stripeKey, {
    reviewer_ids: [admin.id, seeded.byName.carol!.id],
    note: 'Please confirm the leaked Stripe key was revoked before we mark this mitigated.',
  });

  await runSlaNotices(deps);
  await runRiskAcceptanceNotices(deps);
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
