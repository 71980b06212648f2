import { describe, expect, it } from 'vitest';
import {
  CHANNELS,
  channelsToMask,
  EVENT_NAMES,
  EVENTS,
  findEventInfo,
  isCatalogueEvent,
  maskToChannels,
  PRODUCT_EVENT_NAMES,
  SCOPE_CHANNELS,
} from './catalogue';

describe('event catalogue', () => {
  it('describes every event name exactly once', () => {
    expect(EVENTS.map((e) => e.name)).toEqual([...EVENT_NAMES]);
  });

  it('routes a name outside the catalogue by `other`', () => {
    expect(isCatalogueEvent('scan_added')).toBe(true);
    expect(isCatalogueEvent('nightly_report')).toBe(false);
    expect(findEventInfo('nightly_report').name).toBe('other');
    expect(findEventInfo('sla_breach').label).toBe('SLA Breach');
  });

  it('offers only product events on the product page', () => {
    expect(PRODUCT_EVENT_NAMES).toContain('scan_added');
    expect(PRODUCT_EVENT_NAMES).not.toContain('product_type_added');
    expect(PRODUCT_EVENT_NAMES).not.toContain('user_mentioned');
  });
});

describe('channel masks', () => {
  it('round-trips every subset of channels', () => {
    for (let mask = 0; mask < 1 << CHANNELS.length; mask++) {
      expect(channelsToMask(maskToChannels(mask))).toBe(mask);
    }
  });

  it('never offers Microsoft Teams outside the system scope', () => {
    expect(SCOPE_CHANNELS.system).toContain('msteams');
    for (const scope of ['personal', 'template', 'product'] as const) expect(SCOPE_CHANNELS[scope]).not.toContain('msteams');
  });
});
