import { ZCreateWebhookBody } from '@tocsin/contract/webhooks';
import { describe, expect, it } from 'vitest';
import { toCreateBody, toUpdateBody } from './webhook-form';

const values = {
  name: 'SIEM',
  url: 'https://siem.example.com/hook',
  header_name: '',
  header_value: '',
  signing_secret: '',
  clear_signing_secret: false,
  owner_id: null,
};

describe('webhook form bodies', () => {
  it('a new webhook leaves empty optional fields out; only a superuser sends an owner', () => {
    expect(toCreateBody(values, false)).toEqual({ name: 'SIEM', url: 'https://siem.example.com/hook' });
    expect(toCreateBody({ ...values, owner_id: 4 }, true)).toEqual({ name: 'SIEM', url: 'https://siem.example.com/hook', owner_id: 4 });
  });

  it('an edit keeps saved secrets unless a new one is typed or the secret is cleared; an empty header name removes it', () => {
    expect(toUpdateBody(values, false)).toEqual({ name: 'SIEM', url: 'https://siem.example.com/hook', header_name: '' });
    expect(toUpdateBody({ ...values, signing_secret: 's3cret' }, false)).toMatchObject({ signing_secret: 's3cret' });
    expect(toUpdateBody({ ...values, signing_secret: 'ignored', clear_signing_secret: true }, false)).toMatchObject({ signing_secret: '' });
  });

  it('is what the contract checks: a reserved header is refused on header_name', () => {
    const result = ZCreateWebhookBody.safeParse(toCreateBody({ ...values, header_name: 'X-Tocsin-Signature' }, false));
    expect(result.error?.issues[0]?.path).toEqual(['header_name']);
  });
});
