/**
 * The notification events of domain actions (product types, products, engagements): how each is worded
 * and which context it carries, in one place for the services, the scheduler and the demo seed.
 * A service raises the event inside the transaction of the change that causes it
 * (`dispatchEvent(withDb(deps, tx), productAddedEvent(…))`): the change and its event commit together, or
 * neither does, so a crash or a failed dispatch can never leave a change nobody was told about.
 */
import type { TEngagement } from '@tocsin/contract/products';
import { engagementPath } from '../engagements/links';
import { escapeMarkdown, toInlineText } from '../lib/text';
import type { TDispatchInput } from '../notifications/dispatch';

type TActor = { id: number; username: string };

// Names are what people typed. In descriptions (markdown) they go through escapeMarkdown, which makes them one
// inert line; in titles (plain text wherever they are shown) they are one line: toInlineText, aliased `line`.
const line = toInlineText;

export const productTypeAddedEvent = (productType: { id: number; name: string }, actor: TActor): TDispatchInput => ({
  event: 'product_type_added',
  title: `Product type ${line(productType.name)} added`,
  description: `The product type **${escapeMarkdown(productType.name)}** was added by ${escapeMarkdown(actor.username)}.`,
  url: `/product-types/${productType.id}`,
  productTypeId: productType.id,
  createdBy: actor.id,
});

export const productAddedEvent = (
  product: { id: number; name: string; product_type_id: number; product_type_name: string },
  actor: TActor,
): TDispatchInput => ({
  event: 'product_added',
  title: `Product ${line(product.name)} added`,
  description:
    `The product **${escapeMarkdown(product.name)}** was added to **${escapeMarkdown(product.product_type_name)}** ` +
    `by ${escapeMarkdown(actor.username)}.`,
  url: `/products/${product.id}`,
  productId: product.id,
  productTypeId: product.product_type_id,
  createdBy: actor.id,
});

export function engagementAddedEvent(engagement: TEngagement, actor: TActor): TDispatchInput {
  const lead = engagement.lead_username ? `, led by ${escapeMarkdown(engagement.lead_username)}` : '';
  return {
    event: 'engagement_added',
    title: `Engagement ${line(engagement.name)} added to ${line(engagement.product_name)}`,
    description:
      `The engagement **${escapeMarkdown(engagement.name)}** on **${escapeMarkdown(engagement.product_name)}** ` +
      `runs from ${engagement.target_start} to ${engagement.target_end}${lead}.`,
    url: engagementPath(engagement.id),
    productId: engagement.product_id,
    engagementId: engagement.id,
    createdBy: actor.id,
  };
}

export const engagementClosedEvent = (engagement: TEngagement, actor: TActor): TDispatchInput => ({
  event: 'close_engagement',
  title: `Engagement ${line(engagement.name)} closed`,
  description:
    `The engagement **${escapeMarkdown(engagement.name)}** on **${escapeMarkdown(engagement.product_name)}** ` +
    `was closed by ${escapeMarkdown(actor.username)}.`,
  url: engagementPath(engagement.id),
  productId: engagement.product_id,
  engagementId: engagement.id,
  createdBy: actor.id,
});

// The scheduler's engagement events. Nobody acts, so createdBy is null; the idempotency key makes each
// one fire once per engagement and date, however often the scheduler runs or restarts.

type TScheduledEngagement = Pick<
  TEngagement,
  'id' | 'name' | 'product_id' | 'product_name' | 'lead_username' | 'target_start' | 'target_end'
>;

const onProduct = (engagement: TScheduledEngagement) =>
  `The engagement **${escapeMarkdown(engagement.name)}** on **${escapeMarkdown(engagement.product_name)}**`;
const ledBy = (engagement: TScheduledEngagement) =>
  engagement.lead_username ? ` Its lead is ${escapeMarkdown(engagement.lead_username)}.` : '';
const inDays = (days: number) => (days <= 0 ? 'today' : days === 1 ? 'tomorrow' : `in ${days} days`);

export const upcomingEngagementEvent = (engagement: TScheduledEngagement, daysToStart: number): TDispatchInput => ({
  event: 'upcoming_engagement',
  title: `Engagement "${line(engagement.name)}" starts ${inDays(daysToStart)}`,
  description: `${onProduct(engagement)} starts on ${engagement.target_start} and runs until ${engagement.target_end}.${ledBy(engagement)}`,
  url: engagementPath(engagement.id),
  productId: engagement.product_id,
  engagementId: engagement.id,
  createdBy: null,
  idempotencyKey: `upcoming_engagement:${engagement.id}:${engagement.target_start}`,
});

export const staleEngagementEvent = (engagement: TScheduledEngagement): TDispatchInput => ({
  event: 'stale_engagement',
  title: `Engagement "${line(engagement.name)}" is past its end date`,
  description:
    `${onProduct(engagement)} was due to end on ${engagement.target_end} and is still open: ` +
    `close it or move its end date.${ledBy(engagement)}`,
  url: engagementPath(engagement.id),
  productId: engagement.product_id,
  engagementId: engagement.id,
  createdBy: null,
  idempotencyKey: `stale_engagement:${engagement.id}:${engagement.target_end}`,
});

export const autoClosedEngagementEvent = (engagement: TScheduledEngagement, daysOverdue: number): TDispatchInput => ({
  event: 'auto_close_engagement',
  title: `Engagement "${line(engagement.name)}" was closed automatically`,
  description:
    `${onProduct(engagement)} ended on ${engagement.target_end}, ${daysOverdue} days ago, ` +
    `and was still open, so it was set to Completed.${ledBy(engagement)}`,
  url: engagementPath(engagement.id),
  productId: engagement.product_id,
  engagementId: engagement.id,
  createdBy: null,
  idempotencyKey: `auto_close_engagement:${engagement.id}:${engagement.target_end}`,
});
