/**
 * Which cells of a matrix the user already receives from another record, from the effective-settings answer.
 * Those cells are shown checked and marked ("from System settings") and cannot be edited in this matrix:
 * the personal matrix inherits the system record; a product's matrix inherits the system and the personal record.
 */
import type { TChannel } from '@tocsin/contract/catalogue';
import type { TEffectiveNotifications, TEffectiveSource } from '@tocsin/contract/notification-admin';

/** event → channel → why it is already received ("from System settings"). */
export type TInheritedCells = Record<string, Partial<Record<TChannel, string>>>;

const INHERITED_FROM: Record<'personal' | 'product', readonly TEffectiveSource[]> = {
  personal: ['system'],
  product: ['system', 'personal'],
};

const SOURCE_LABELS: Record<TEffectiveSource, string> = {
  system: 'from System settings',
  personal: 'from your personal settings',
  product: 'from this product',
};

/** Only what actually reaches the user is marked: a channel switched off or a product they cannot see inherits nothing. */
export function findInheritedCells(effective: Pick<TEffectiveNotifications, 'events'>, record: 'personal' | 'product'): TInheritedCells {
  const from = INHERITED_FROM[record];
  const cells: TInheritedCells = {};
  for (const row of effective.events) {
    for (const [channel, cell] of Object.entries(row.channels)) {
      if (!cell.is_received) continue;
      const source = from.find((s) => cell.sources.includes(s));
      if (!source) continue;
      cells[row.event] ??= {};
      (cells[row.event] as Partial<Record<TChannel, string>>)[channel as TChannel] = SOURCE_LABELS[source];
    }
  }
  return cells;
}

/** Nothing about a product reaches a person who may view no product (the page says so). */
export const reachesNoProduct = (effective: Pick<TEffectiveNotifications, 'visible_products' | 'sees_everything'>): boolean =>
  !effective.sees_everything && effective.visible_products === 0;
