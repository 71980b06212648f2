import { type TWebhook, ZCreateWebhookBody } from '@tocsin/contract/webhooks';
import { describe, expect, it } from 'vitest';
import { describeDroppedSecrets, toCreateBody, toUpdateBody } from './webhook-form';

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

describe('describeDroppedSecrets (a new URL)', () => {
  const saved: TWebhook = {
    id: 1,
    name: 'SIEM',
    url: 'https://siem.example.com/hook',
    header_name: 'Authorization',
    header_value_set: true,
    signing_secret_set: true,
    owner_id: null,
    owner_username: null,
    status: 'active',
    status_label: 'Active',
    first_error_at: null,
    last_error_at: null,
    note: null,
    created_at: '2026-01-01T00:00:00.000Z',
  };

  it('names what the new URL does not keep, and that a new signing secret comes', () => {
    expect(describeDroppedSecrets(saved, '', '')).toBe(
      'A new URL does not keep the Authorization header or the signing secret: enter them again to keep them. A new signing secret is generated and shown once.',
    );
    expect(describeDroppedSecrets(saved, 'Bearer typed-again', '')).toBe(
      'A new URL does not keep the signing secret: enter it again to keep it. A new signing secret is generated and shown once.',
    );
  });

  it('says nothing when everything saved is typed again, or nothing was saved', () => {
    expect(describeDroppedSecrets(saved, 'Bearer x', 'whsec_x')).toBeNull();
    expect(describeDroppedSecrets({ ...saved, header_value_set: false, signing_secret_set: false }, '', '')).toBeNull();
  });
});
