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
};

describe('destination toBody', () => {
  it('leaves empty write-only secrets out, so the saved ones are kept', () => {
    expect(toBody(base)).toEqual({ kind: 'webhook', name: 'SIEM', url: 'https://siem.example.com/hook', header_name: null });
    expect(toBody({ ...base, kind: 'msteams', url: '' })).toEqual({ kind: 'msteams', name: 'SIEM' });
  });

  it('splits an email list on commas and spaces', () => {
    const body = toBody({ ...base, kind: 'mail', addresses: 'a@example.com, b@example.com  c@example.com' });
    expect(body).toEqual({ kind: 'mail', name: 'SIEM', addresses: ['a@example.com', 'b@example.com', 'c@example.com'] });
    expect(ZDestinationBody.safeParse(body).success).toBe(true);
  });
});
