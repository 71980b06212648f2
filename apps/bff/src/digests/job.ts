/**
 * The digest job (scheduler): every minute, each destination whose digest period has ended gets one delivery
 * listing what accumulated (digest_items), grouped by product and event; nothing is sent for an empty period
 * (there are no items). The delivery goes through the ordinary queue (retries, health, delivery log); its items
 * record which delivery carried them, so nothing is lost or sent twice, across re-runs and replicas (each period
 * of the job runs once, and an item is taken only while delivery_id is null, in one transaction).
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Deps } from '../app-context';
import { isTruthy } from '../db/database';
import { getPublicBaseUrl, getSystemSettings } from '../delivery/settings';
import type { TJob } from '../scheduler/runner';
import { DIGEST_EVENT_NAME } from './constants';
import { DIGEST_TITLES_PER_GROUP, renderDigest, type TDigest, type TDigestGroup } from './render';

type TItemRow = {
  id: number;
  channel: string;
  targetKind: string;
  userId: number | null;
  webhookId: number | null;
  destinationId: number | null;
  dueAt: number;
  createdAt: number;
  title: string;
  url: string;
  event: string;
  productId: number | null;
  productName: string | null;
  mode: string | null;
};

/** Digests made per run; the rest in the next minute's run (one delivery per destination and period either way). */
const GROUPS_PER_RUN = 500;

export async function sendDueDigests(deps: Deps): Promise<{ digests: number; items: number }> {
  const now = deps.now();
  const settings = await getSystemSettings(deps);
  const render = {
    teamName: settings.teamName,
    disclaimer: settings.disclaimer,
    baseUrl: getPublicBaseUrl(deps.env),
    confidential: isTruthy(settings.confidentialMode),
  };
  return deps.db.transaction(async (db) => {
    // Whole groups (destination and period) only: a digest never splits over two runs.
    const groups = await db.all<{
      channel: string;
      targetKind: string;
      userId: number | null;
      webhookId: number | null;
      destinationId: number | null;
      dueAt: number;
    }>(sql`
      select channel, target_kind as "targetKind", user_id as "userId", webhook_id as "webhookId",
        destination_id as "destinationId", due_at as "dueAt"
      from digest_items where delivery_id is null and due_at <= ${now}
      group by channel, target_kind, user_id, webhook_id, destination_id, due_at
      order by due_at limit ${GROUPS_PER_RUN}`);
    const byTarget: TItemRow[][] = [];
    let taken = 0;
    for (const g of groups) {
      const same = (column: string, value: number | null) =>
        value === null ? sql`${sql.raw(column)} is null` : sql`${sql.raw(column)} = ${value}`;
      const items = await db.all<TItemRow>(sql`select di.id, di.channel, di.target_kind as "targetKind", di.user_id as "userId",
          di.webhook_id as "webhookId", di.destination_id as "destinationId", di.due_at as "dueAt", di.created_at as "createdAt",
          e.title, e.url, e.routed_as as event, e.product_id as "productId", p.name as "productName",
          case when di.destination_id is null then ds.mode else dst.digest_mode end as mode
        from digest_items di
        join events e on e.id = di.event_id
        left join products p on p.id = e.product_id
        left join digest_settings ds on ds.user_key = coalesce(di.user_id, 0) and ds.channel = di.channel
        left join destinations dst on dst.id = di.destination_id
        where di.delivery_id is null and di.due_at = ${g.dueAt} and di.channel = ${g.channel} and di.target_kind = ${g.targetKind}
          and ${same('di.user_id', g.userId)} and ${same('di.webhook_id', g.webhookId)}
          and ${same('di.destination_id', g.destinationId)}
        order by di.id`);
      if (items.length > 0) byTarget.push(items);
      taken += items.length;
    }
    let digests = 0;
    for (const items of byTarget) {
      const first = items[0] as TItemRow;
      const digest = buildDigest(items, first.mode === 'daily' ? 'daily' : 'hourly', Number(first.dueAt));
      const uuid = randomUUID();
      const content = renderDigest(first.channel, digest, render, uuid);
      if (!content) continue;
      const title = content.channel === 'mail' ? content.subject : `${render.teamName} ${digest.period} digest`;
      const event = await db.get<{ id: number }>(sql`insert into events (name, routed_as, title, description, url, icon, source,
          recipients, alert_only, created_at, raised_by_label, alerts_created, deliveries_created)
        values (${DIGEST_EVENT_NAME}, 'other', ${title}, '', '/alerts', 'mail', 'Digest',
          ${first.userId === null ? null : JSON.stringify([first.userId])}, 1, ${now}, 'Tocsin', 0, 1)
        returning id`);
      const delivery = await db.get<{ id: number }>(sql`insert into deliveries (uuid, event_id, channel, target_kind, user_id,
          webhook_id, destination_id, status, attempts, next_attempt_at, content, coalesced_count, created_at, updated_at)
        values (${uuid}, ${event?.id}, ${first.channel}, ${first.targetKind}, ${first.userId}, ${first.webhookId},
          ${first.destinationId}, 'queued', 0, ${now},
          ${JSON.stringify(content)}, ${items.length - 1}, ${now}, ${now})
        returning id`);
      await db.run(
        sql`update digest_items set delivery_id = ${delivery?.id} where ${db.fragments.inIds(
          sql`id`,
          items.map((i) => i.id),
        )}`,
      );
      digests += 1;
    }
    if (digests > 0) await deps.bus.publish(db, { type: 'deliveries-queued' });
    return { digests, items: taken };
  });
}

/** Group by product and event (largest groups first), newest titles first. */
export function buildDigest(items: readonly Omit<TItemRow, 'id'>[], period: 'hourly' | 'daily', dueAt: number): TDigest {
  const groups = new Map<string, TDigestGroup>();
  for (const item of [...items].sort((a, b) => Number(b.createdAt) - Number(a.createdAt))) {
    const key = `${item.productId ?? 0}|${item.event}`;
    let group = groups.get(key);
    if (!group) {
      group = { productId: item.productId, productName: item.productName, event: item.event, count: 0, latest: [] };
      groups.set(key, group);
    }
    group.count += 1;
    if (group.latest.length < DIGEST_TITLES_PER_GROUP)
      group.latest.push({ title: item.title, url: item.url, createdAt: Number(item.createdAt) });
  }
  const sorted = [...groups.values()].sort((a, b) => b.count - a.count || (a.productName ?? '').localeCompare(b.productName ?? ''));
  const from = Math.min(...items.map((i) => Number(i.createdAt)));
  return { period, total: items.length, groups: sorted, from, to: dueAt };
}

export const digestJob: TJob = {
  name: 'notification_digests',
  label: 'Notification digests',
  description:
    'Every minute: sends one digest per destination whose hourly or daily period has ended, grouped by product and event, ' +
    'with counts and links. Nothing is sent for a period without notifications.',
  schedule: () => ({ kind: 'interval', seconds: 60 }),
  async run(deps) {
    const { digests, items } = await sendDueDigests(deps);
    return {
      eventsRaised: 0,
      summary: `${digests} digest${digests === 1 ? '' : 's'} queued with ${items} notification${items === 1 ? '' : 's'}`,
    };
  },
};
