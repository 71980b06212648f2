/**
 * Risk acceptances: on a product (optionally one engagement of it), a Writer or above accepts chosen open
 * findings (status risk_accepted, one history row each) with an owner, a decision, an expiry date and whether the
 * findings become active again when it expires. The expiry is handled by risk-acceptances/job.ts.
 */
import { type TCreateRiskAcceptanceBody, type TFindingStatus, type TSeverity, ZCreateRiskAcceptanceBody } from '@tocsin/contract/findings';
import type { TRiskAcceptance } from '@tocsin/contract/findings-api';
import { type SQL, sql } from 'drizzle-orm';
import type { Deps, UserRow } from '../app-context';
import { findProductAccessLevel, userViewsProductSql } from '../auth/rbac';
import type { Database } from '../db/database';
import { findVisibleEngagement } from '../findings/access';
import { personColumns, personOf, severityRank } from '../findings/queries';
import { transitionFindings } from '../findings/transitions';
import { calendarDateIn } from '../lib/calendar-date';
import { badRequest, forbidden, notFound } from '../lib/errors';
import { toIso, toIsoOrNull } from '../lib/time';

type TRiskAcceptanceRow = {
  id: number;
  name: string;
  productId: number;
  productName: string;
  engagementId: number | null;
  engagementName: string | null;
  decision: TRiskAcceptance['decision'];
  decisionDetails: string;
  acceptedBy: string;
  expiresOn: string | null;
  reactivateExpired: number;
  restartSlaExpired: number;
  headsUpSentAt: number | null;
  expiredAt: number | null;
  createdAt: number;
} & Record<string, unknown>;

const SELECT = sql`select ra.id, ra.name, ra.product_id as "productId", p.name as "productName", ra.engagement_id as "engagementId",
    e.name as "engagementName", ra.decision, ra.decision_details as "decisionDetails", ra.accepted_by as "acceptedBy",
    ra.expires_on as "expiresOn", ra.reactivate_expired as "reactivateExpired", ra.restart_sla_expired as "restartSlaExpired",
    ra.heads_up_sent_at as "headsUpSentAt", ra.expired_at as "expiredAt", ra.created_at as "createdAt",
    ${personColumns('o', 'owner')}, ${personColumns('c', 'creator')}
  from risk_acceptances ra
  join products p on p.id = ra.product_id
  left join engagements e on e.id = ra.engagement_id
  left join users o on o.id = ra.owner_id
  left join users c on c.id = ra.created_by`;

export async function selectRiskAcceptances(db: Database, where: SQL): Promise<TRiskAcceptance[]> {
  const rows = await db.all<TRiskAcceptanceRow>(sql`${SELECT} where ${where} order by ra.id desc`);
  if (rows.length === 0) return [];
  const findings = await db.all<{ raId: number; id: number; title: string; severity: TSeverity; status: TFindingStatus }>(sql`select
      raf.risk_acceptance_id as "raId", f.id, f.title, f.severity, f.status
    from risk_acceptance_findings raf join findings f on f.id = raf.finding_id
    where ${db.fragments.inIds(
      sql`raf.risk_acceptance_id`,
      rows.map((r) => r.id),
    )}
    order by ${severityRank(sql`f.severity`)}, f.id`);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    product_id: r.productId,
    product_name: r.productName,
    engagement_id: r.engagementId,
    engagement_name: r.engagementName,
    owner: personOf(r, 'owner'),
    decision: r.decision,
    decision_details: r.decisionDetails,
    accepted_by: r.acceptedBy,
    expires_on: r.expiresOn,
    reactivate_expired: r.reactivateExpired === 1,
    restart_sla_expired: r.restartSlaExpired === 1,
    state: r.expiredAt === null ? 'active' : 'expired',
    heads_up_sent_at: toIsoOrNull(r.headsUpSentAt),
    expired_at: toIsoOrNull(r.expiredAt),
    findings: findings
      .filter((f) => f.raId === r.id)
      .map((f) => ({ id: f.id, title: f.title, severity: f.severity, status: f.status, url: `/findings/${f.id}` })),
    created_by: personOf(r, 'creator'),
    created_at: toIso(r.createdAt),
    url: `/risk-acceptances/${r.id}`,
  }));
}

export async function listProductRiskAcceptances(deps: Deps, user: UserRow, productId: number): Promise<TRiskAcceptance[]> {
  if ((await findProductAccessLevel(deps, user, productId)) === 'none') throw notFound(`Product ${productId}`);
  return selectRiskAcceptances(deps.db, sql`ra.product_id = ${productId}`);
}

export async function getRiskAcceptance(deps: Deps, user: UserRow, id: number): Promise<TRiskAcceptance> {
  const [ra] = await selectRiskAcceptances(deps.db, sql`ra.id = ${id}`);
  if (!ra || (await findProductAccessLevel(deps, user, ra.product_id)) === 'none') throw notFound(`Risk acceptance ${id}`);
  return ra;
}

type TRefusal = { path: string; message: string };

/**
 * Accept the findings `finding_ids` of the product (or of the engagement, when `scope.engagementId` is given).
 * Refused as a whole, naming each problem: findings outside the scope or not open, an owner who is not an
 * active user allowed to see the product, an expiry that is not after today.
 */
export async function createRiskAcceptance(
  deps: Deps,
  user: UserRow,
  scope: { productId: number } | { engagementId: number },
  input: TCreateRiskAcceptanceBody,
): Promise<TRiskAcceptance> {
  const body = ZCreateRiskAcceptanceBody.parse(input);
  let productId: number;
  let engagementId: number | null = null;
  if ('engagementId' in scope) {
    const engagement = await findVisibleEngagement(deps, user, scope.engagementId);
    productId = engagement.productId;
    engagementId = engagement.id;
  } else {
    productId = scope.productId;
  }
  const access = await findProductAccessLevel(deps, user, productId);
  if (access === 'none') throw notFound('engagementId' in scope ? `Engagement ${scope.engagementId}` : `Product ${productId}`);
  if (access !== 'write') throw forbidden('Accepting the risk of findings needs the Writer role or higher on the product (or globally).');

  const today = calendarDateIn(deps.now(), deps.env.TIME_ZONE);
  return deps.db.transaction(async (tx) => {
    const refused: TRefusal[] = [];
    if (body.expires_on !== null && body.expires_on <= today) {
      refused.push({ path: 'expires_on', message: `must be after today (${today}); leave it null for an acceptance that never expires` });
    }
    const owner = await tx.get<{ isActive: number; canView: number }>(sql`select u.is_active as "isActive",
        case when ${userViewsProductSql(sql`u`, sql`${productId}`)} then 1 else 0 end as "canView"
      from users u where u.id = ${body.owner_id}`);
    if (!owner) refused.push({ path: 'owner_id', message: `there is no user with id ${body.owner_id}` });
    else if (owner.isActive !== 1) refused.push({ path: 'owner_id', message: 'that account is deactivated; choose an active owner' });
    else if (owner.canView !== 1) refused.push({ path: 'owner_id', message: 'the owner must be someone who may see the product' });

    const findings = await tx.all<{ id: number; productId: number; engagementId: number; status: TFindingStatus; held: number }>(sql`select
        f.id, f.product_id as "productId", f.engagement_id as "engagementId", f.status,
        case when exists (select 1 from risk_acceptance_findings raf join risk_acceptances ra on ra.id = raf.risk_acceptance_id
                          where raf.finding_id = f.id and ra.expired_at is null) then 1 else 0 end as held
      from findings f where ${tx.fragments.inIds(sql`f.id`, body.finding_ids)}`);
    const byId = new Map(findings.map((f) => [f.id, f]));
    for (const id of body.finding_ids) {
      const f = byId.get(id);
      const where = engagementId === null ? 'this product' : 'this engagement';
      if (!f || f.productId !== productId || (engagementId !== null && f.engagementId !== engagementId)) {
        refused.push({ path: 'finding_ids', message: `finding ${id} is not a finding of ${where}` });
      } else if (f.held === 1) {
        refused.push({ path: 'finding_ids', message: `finding ${id} is already held by another risk acceptance` });
      } else if (f.status !== 'active' && f.status !== 'verified') {
        refused.push({
          path: 'finding_ids',
          message: `finding ${id} is ${f.status.replace('_', ' ')}: only open (active or verified) findings can be accepted`,
        });
      }
    }
    if (refused.length > 0) throw badRequest(refused.map((r) => `${r.path}: ${r.message}`).join('; '), refused);

    const now = deps.now();
    const row = await tx.get<{ id: number }>(sql`insert into risk_acceptances (product_id, engagement_id, name, owner_id, decision,
        decision_details, accepted_by, expires_on, reactivate_expired, restart_sla_expired, created_by, created_at, updated_at)
      values (${productId}, ${engagementId}, ${body.name}, ${body.owner_id}, ${body.decision}, ${body.decision_details ?? ''},
        ${body.accepted_by ?? ''}, ${body.expires_on}, ${body.reactivate_expired}, ${body.restart_sla_expired}, ${user.id}, ${now}, ${now})
      returning id`);
    const raId = row!.id;
    await tx.run(sql`insert into risk_acceptance_findings (risk_acceptance_id, finding_id, previous_status)
      values ${sql.join(
        body.finding_ids.map((id) => sql`(${raId}, ${id}, ${byId.get(id)!.status})`),
        sql`, `,
      )}`);
    await transitionFindings(tx, {
      ids: body.finding_ids,
      to: 'risk_accepted',
      source: 'risk_acceptance',
      changedBy: user.id,
      now,
      riskAcceptanceId: raId,
      note: body.name,
    });
    return (await selectRiskAcceptances(tx, sql`ra.id = ${raId}`))[0]!;
  });
}
