import { describe, expect, it } from 'vitest';
import {
  addMembership,
  areMembershipsEqual,
  getAddableOptions,
  removeMembership,
  setMembershipRole,
  toSetMembershipsBody,
} from './memberships';

const items = [
  { id: 2, name: 'Billing', role: 'Reader' as const },
  { id: 5, name: 'Web shop', role: 'Owner' as const },
];

describe('membership edits', () => {
  it('adds in name order and replaces the role of an item already listed', () => {
    const added = addMembership(items, { id: 9, name: 'api gateway' }, 'Writer');
    expect(added.map((i) => i.id)).toEqual([9, 2, 5]);
    const replaced = addMembership(added, { id: 2, name: 'Billing' }, 'Maintainer');
    expect(replaced).toHaveLength(3);
    expect(replaced.find((i) => i.id === 2)?.role).toBe('Maintainer');
  });

  it('removes and changes roles without touching the input', () => {
    expect(removeMembership(items, 2)).toEqual([items[1]]);
    expect(setMembershipRole(items, 5, 'Reader')[1]?.role).toBe('Reader');
    expect(items[1]?.role).toBe('Owner');
  });

  it('offers only options not listed yet', () => {
    const options = [
      { id: 2, name: 'Billing' },
      { id: 3, name: 'CRM' },
    ];
    expect(getAddableOptions(options, items)).toEqual([{ id: 3, name: 'CRM' }]);
  });

  it('compares by id and role, not order, and builds the PUT body', () => {
    const a = { product_types: [], products: items };
    const b = { product_types: [], products: [...items].reverse() };
    expect(areMembershipsEqual(a, b)).toBe(true);
    expect(areMembershipsEqual(a, { product_types: [], products: setMembershipRole(items, 2, 'Owner') })).toBe(false);
    expect(toSetMembershipsBody(a)).toEqual({
      product_types: [],
      products: [
        { id: 2, role: 'Reader' },
        { id: 5, role: 'Owner' },
      ],
    });
  });
});
