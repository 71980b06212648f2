/** Engagements on a product: listed within what the caller may view; added and closed by Writers and up. */
import type { TEngagementStatus } from '@tocsin/contract/catalogue';
import type { TCreateEngagementBody, TEngagement, TEngagementDetail } from '@tocsin/contract/products';
import { type SQL, sql } from 'drizzle-orm';
import { type Deps, type UserRow, withDb } from '../app-context';
import { canViewProduct, visibleProductCondition } from '../auth/rbac';
import { insertRow } from '../db/rows';
import { engagements } from '../db/schema';
import { badRequest, conflict, forbidden, notFound } from '../lib/errors';
import { toIso } from '../lib/time';
import { dispatchEvent } from '../notifications/dispatch';
import { engagementAddedEvent, engagementClosedEvent } from '../services/domain-events';
import { findProductRole, isRoleAtLeast } from '../services/roles';

type TEngagementRow = {
  id: number;
  name: string;
  productId: number;
  productName: string;
  leadId: number | null;
  leadUsername: string | null;
  targetStart: string;
  targetEnd: string;
  status: string;
  createdAt: number;
};

const toEngagementDto = (row: TEngagementRow): TEngagement => ({
  id: row.id,
  name: row.name,
  product_id: row.productId,
  product_name: row.productName,
  lead_id: row.leadId,
  lead_username: row.leadUsername,
  target_start: row.targetStart,
  target_end: row.targetEnd,
  status: row.status as TEngagementStatus,
  created_at: toIso(row.createdAt),
});

function selectEngagements(user: UserRow, where: SQL) {
  return sql`select e.id, e.name, e.product_id as "productId", p.name as "productName", e.lead_id as "leadId",
      u.username as "leadUsername", e.target_start as "targetStart", e.target_end as "targetEnd", e.status,
      e.created_at as "createdAt"
    from engagements e
    join products p on p.id = e.product_id
    left join users u on u.id = e.lead_id
    where ${visibleProductCondition(user)} and ${where}
    order by e.target_start desc, e.id desc`;
}

/** Visible engagements, optionally of one product (which must be visible, else 404). */
export async function listEngagements(deps: Deps, user: UserRow, productId?: number): Promise<TEngagement[]> {
  if (productId !== undefined && !(await canViewProduct(deps, user, productId))) throw notFound(`Product ${productId}`);
  const where = productId === undefined ? sql`1 = 1` : sql`e.product_id = ${productId}`;
  return (await deps.db.all<TEngagementRow>(selectEngagements(user, where))).map(toEngagementDto);
}

export async function getEngagement(deps: Deps, user: UserRow, id: number): Promise<TEngagement> {
  const row = await deps.db.get<TEngagementRow>(selectEngagements(user, sql`e.id = ${id}`));
  if (!row) throw notFound(`Engagement ${id}`);
  return toEngagementDto(row);
}

/** The engagement for its page: with whether the caller may close or reopen it. */
export async function getEngagementDetail(deps: Deps, user: UserRow, id: number): Promise<TEngagementDetail> {
  const engagement = await getEngagement(deps, user, id);
  return { ...engagement, can_edit: isRoleAtLeast(await findProductRole(deps, user, engagement.product_id), 'Writer') };
}

async function assertCanWrite(deps: Deps, user: UserRow, productId: number, action: string) {
  if (!isRoleAtLeast(await findProductRole(deps, user, productId), 'Writer')) {
    throw forbidden(`${action} needs the Writer role or higher on the product (or globally).`);
  }
}

/**
 * Writers and up on the product may add an engagement; the lead must be an active user.
 * The engagement and its engagement_added event are committed together, or neither is.
 */
export async function createEngagement(deps: Deps, user: UserRow, body: TCreateEngagementBody): Promise<TEngagement> {
  const productId = body.product_id;
  if (!(await canViewProduct(deps, user, productId))) {
    throw badRequest(`product_id: there is no product with id ${productId} that you can see.`, [
      { path: 'product_id', message: `No visible product with id ${productId}` },
    ]);
  }
  await assertCanWrite(deps, user, productId, 'Adding an engagement');
  const leadId = body.lead_id ?? null;
  if (leadId !== null) {
    const lead = await deps.db.get<{ isActive: number }>(sql`select is_active as "isActive" from users where id = ${leadId}`);
    if (lead?.isActive !== 1) {
      throw badRequest(`lead_id: there is no active user with id ${leadId}; choose another lead.`, [
        { path: 'lead_id', message: `No active user with id ${leadId}` },
      ]);
    }
  }
  return deps.db.transaction(async (tx) => {
    const txDeps = withDb(deps, tx);
    const { id } = await insertRow(tx, engagements, {
      name: body.name.trim(),
      productId,
      leadId,
      targetStart: body.target_start,
      targetEnd: body.target_end,
      status: body.status ?? 'Not Started',
      createdAt: deps.now(),
    });
    const engagement = await getEngagement(txDeps, user, id);
    await dispatchEvent(txDeps, engagementAddedEvent(engagement, user));
    return engagement;
  });
}

/**
 * Close an engagement (status Completed). Invisible engagements are 404; closing twice is a conflict.
 * The close and its close_engagement event are committed together, or neither is.
 */
export async function closeEngagement(deps: Deps, user: UserRow, id: number): Promise<TEngagement> {
  const before = await getEngagement(deps, user, id);
  await assertCanWrite(deps, user, before.product_id, 'Closing an engagement');
  return deps.db.transaction(async (tx) => {
    const txDeps = withDb(deps, tx);
    // The status condition makes a concurrent second close change nothing (it waits for the first on the row).
    const changed = await tx.run(sql`update engagements set status = 'Completed' where id = ${id} and status != 'Completed'`);
    if (changed === 0) throw conflict(`The engagement "${before.name}" is already closed.`);
    const engagement = await getEngagement(txDeps, user, id);
    await dispatchEvent(txDeps, engagementClosedEvent(engagement, user));
    return engagement;
  });
}

/**
 * Reopen a closed engagement (DefectDojo's "Reopen": status In Progress). Writers and up; one that is not closed is a
 * conflict. DefectDojo raises no event for it, and neither do we: the people who heard of the close see it on its page.
 */
export async function reopenEngagement(deps: Deps, user: UserRow, id: number): Promise<TEngagement> {
  const before = await getEngagement(deps, user, id);
  await assertCanWrite(deps, user, before.product_id, 'Reopening an engagement');
  const changed = await deps.db.run(sql`update engagements set status = 'In Progress' where id = ${id} and status = 'Completed'`);
  if (changed === 0) throw conflict(`The engagement "${before.name}" is not closed (its status is ${before.status}).`);
  return getEngagement(deps, user, id);
}
