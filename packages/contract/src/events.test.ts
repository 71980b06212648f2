import { describe, expect, it } from 'vitest';
import { ZCreateEventBody } from './events';

const base = { event: 'scan_added', title: 'ZAP scan imported' };

describe('ZCreateEventBody', () => {
  it('truncates an overlong title, description, url and icon instead of rejecting them', () => {
    const parsed = ZCreateEventBody.parse({
      ...base,
      title: 'x'.repeat(300),
      description: 'd'.repeat(2500),
      url: `/products/1?${'q'.repeat(2100)}`,
      icon: 'i'.repeat(40),
    });
    expect(parsed.title).toHaveLength(250);
    expect(parsed.description).toHaveLength(2000);
    expect(parsed.url).toHaveLength(2000);
    expect(parsed.icon).toHaveLength(25);
  });

  it('names the field that is missing or malformed', () => {
    const missing = ZCreateEventBody.safeParse({ event: 'scan_added' });
    expect(missing.success).toBe(false);
    expect(missing.error?.issues[0]?.path).toEqual(['title']);
    const badName = ZCreateEventBody.safeParse({ ...base, event: 'Scan Added!' });
    expect(badName.error?.issues[0]?.path).toEqual(['event']);
    const wrongType = ZCreateEventBody.safeParse({ ...base, product_id: '3' });
    expect(wrongType.error?.issues[0]?.path).toEqual(['product_id']);
  });

  it('refuses link targets a browser would run or leave the site for without a scheme', () => {
    for (const url of ['javascript:alert(1)', 'data:text/html,hi', '//evil.example/x', 'ftp://host/file']) {
      expect(ZCreateEventBody.safeParse({ ...base, url }).success, url).toBe(false);
    }
    for (const url of ['/alerts', 'https://dojo.example/finding/1', 'HTTP://host/x']) {
      expect(ZCreateEventBody.safeParse({ ...base, url }).success, url).toBe(true);
    }
  });

  it('accepts at most one context id', () => {
    expect(ZCreateEventBody.safeParse({ ...base, product_id: 1, engagement_id: 2 }).success).toBe(false);
    expect(ZCreateEventBody.safeParse({ ...base, engagement_id: 2 }).success).toBe(true);
  });

  it('defaults alert_only to false', () => {
    expect(ZCreateEventBody.parse(base).alert_only).toBe(false);
  });
});
