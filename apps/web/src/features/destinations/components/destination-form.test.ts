import { ZDestinationBody } from '@tocsin/contract/rules';
import { describe, expect, it } from 'vitest';
import { type TDestinationValues, toBody } from './destination-form';

const base: TDestinationValues = {
  kind: 'webhook',
  name: 'SIEM',
  slackChannel: '',
  addresses: '',
  url: 'https://siem.example.com/hook',
  headerName: '',
  headerValue: '',
  signingSecret: '',
  digestMode: 'immediate',
  digestDailyAt: '08:00',
  digestTimeZone: 'UTC',
};
const immediate = { mode: 'immediate', daily_at: '08:00', time_zone: 'UTC' };

describe('destination toBody', () => {
  it('leaves empty write-only secrets out, so the saved ones are kept', () => {
    expect(toBody(base)).toEqual({
      kind: 'webhook',
      name: 'SIEM',
      url: 'https://siem.example.com/hook',
      header_name: null,
      digest: immediate,
    });
    expect(toBody({ ...base, kind: 'msteams', url: '' })).toEqual({ kind: 'msteams', name: 'SIEM', digest: immediate });
  });

  it('splits an email list on commas and spaces', () => {
    const body = toBody({ ...base, kind: 'mail', addresses: 'a@example.com, b@example.com  c@example.com' });
    expect(body).toEqual({
      kind: 'mail',
      name: 'SIEM',
      addresses: ['a@example.com', 'b@example.com', 'c@example.com'],
      digest: immediate,
    });
    expect(ZDestinationBody.safeParse(body).success).toBe(true);
  });

  it('sends the digest choice, which the contract checks before anything is sent', () => {
    const daily = toBody({
      ...base,
      kind: 'slack',
      slackChannel: '#sec',
      digestMode: 'daily',
      digestDailyAt: '07:30',
      digestTimeZone: ' Europe/Paris ',
    });
    expect(daily).toEqual({
      kind: 'slack',
      name: 'SIEM',
      slack_channel: '#sec',
      digest: { mode: 'daily', daily_at: '07:30', time_zone: 'Europe/Paris' },
    });
    expect(ZDestinationBody.safeParse(daily).success).toBe(true);
    const badZone = ZDestinationBody.safeParse(toBody({ ...base, digestMode: 'daily', digestTimeZone: 'Mars/Olympus' }));
    expect(badZone.success).toBe(false);
    expect(badZone.error?.issues[0]?.message).toMatch(/IANA time zone/);
  });
});
