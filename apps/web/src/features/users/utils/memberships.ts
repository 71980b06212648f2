/** Pure edits of a user's membership lists before they are saved with one PUT. */
import type { TMemberships, TSetMembershipsBody } from '@tocsin/contract/auth';
import type { TRole } from '@tocsin/contract/catalogue';

export type TMembershipItem = TMemberships['products'][number];
export type TMembershipOption = { id: number; name: string };

const byName = (a: TMembershipItem, b: TMembershipItem) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' });

/** Adds the option with the role, or changes the role when it is already listed (one role per item). */
export function addMembership(items: readonly TMembershipItem[], option: TMembershipOption, role: TRole): TMembershipItem[] {
  const rest = items.filter((i) => i.id !== option.id);
  return [...rest, { id: option.id, name: option.name, role }].sort(byName);
}

export function removeMembership(items: readonly TMembershipItem[], id: number): TMembershipItem[] {
  return items.filter((i) => i.id !== id);
}

export function setMembershipRole(items: readonly TMembershipItem[], id: number, role: TRole): TMembershipItem[] {
  return items.map((i) => (i.id === id ? { ...i, role } : i));
}

/** Options not listed yet: what the "Add" row may offer. */
export function getAddableOptions(options: readonly TMembershipOption[], items: readonly TMembershipItem[]): TMembershipOption[] {
  const listed = new Set(items.map((i) => i.id));
  return options.filter((o) => !listed.has(o.id));
}

const key = (items: readonly TMembershipItem[]) =>
  items
    .map((i) => `${i.id}:${i.role}`)
    .sort()
    .join(',');

export function areMembershipsEqual(a: TMemberships, b: TMemberships): boolean {
  return key(a.product_types) === key(b.product_types) && key(a.products) === key(b.products);
}

export function toSetMembershipsBody(memberships: TMemberships): TSetMembershipsBody {
  return {
    product_types: memberships.product_types.map(({ id, role }) => ({ id, role })),
    products: memberships.products.map(({ id, role }) => ({ id, role })),
  };
}
