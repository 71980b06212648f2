import type { TEffectiveNotifications } from '@tocsin/contract/notification-admin';
import { describe, expect, it } from 'vitest';
import { findInheritedCells, reachesNoProduct } from './inherited';

const cell = (is_received: boolean, sources: ('system' | 'personal' | 'product')[]) => ({
  is_received,
  sources,
  blocked_by: is_received || sources.length === 0 ? null : ('channel_off' as const),
});

const effective: Pick<TEffectiveNotifications, 'events'> = {
  events: [
    {
      event: 'scan_added',
      channels: {
        alert: cell(true, ['system', 'personal']),
        mail: cell(true, ['personal']),
        slack: cell(false, ['system']),
        webhooks: cell(false, []),
      },
      system_destinations: [],
    },
    { event: 'sla_breach', channels: { alert: cell(true, ['product']) }, system_destinations: [] },
  ],
};

describe('findInheritedCells', () => {
  it('the personal matrix inherits what the system record delivers, nothing else', () => {
    expect(findInheritedCells(effective, 'personal')).toEqual({ scan_added: { alert: 'from System settings' } });
  });

  it('a product matrix inherits the system and the personal record, system named first', () => {
    expect(findInheritedCells(effective, 'product')).toEqual({
      scan_added: { alert: 'from System settings', mail: 'from your personal settings' },
    });
  });

  it('marks nothing that does not arrive (a switched-off channel, a product out of reach)', () => {
    const blocked = { events: [{ event: 'scan_added', channels: { alert: cell(false, ['system']) }, system_destinations: [] }] };
    expect(findInheritedCells(blocked, 'personal')).toEqual({});
  });
});

describe('reachesNoProduct', () => {
  it.each([
    [{ sees_everything: false, visible_products: 0 }, true],
    [{ sees_everything: false, visible_products: 1 }, false],
    [{ sees_everything: true, visible_products: 0 }, false],
  ])('%o → %s', (input, expected) => expect(reachesNoProduct(input)).toBe(expected));
});
