import { type TSystemSettings, ZUpdateSystemSettingsBody } from '@tocsin/contract/system-settings';
import { describe, expect, it } from 'vitest';
import { toBody, toFormValues } from './system-settings-form';

const settings: TSystemSettings = {
  mail_enabled: false,
  mail_to: '',
  mail_from: 'tocsin@localhost',
  team_name: 'Tocsin',
  smtp_host: 'smtp.example.com',
  smtp_port: 25,
  smtp_tls_mode: 'none',
  smtp_user: '',
  smtp_password_set: true,
  smtp_env_overrides: [],
  slack_enabled: false,
  slack_token_set: true,
  slack_channel: '',
  slack_username: '',
  msteams_enabled: false,
  msteams_url_set: true,
  webhooks_enabled: false,
  webhooks_timeout_seconds: 10,
  disclaimer: '',
  confidential_mode: false,
  coalesce_window_seconds: 600,
  system_event_counts: { mail: 0, slack: 0, msteams: 0, webhooks: 0 },
  updated_at: '2026-01-01T00:00:00.000Z',
};
const saved = toFormValues(settings);
const none = new Set<never>();

describe('toBody (System Settings)', () => {
  it('sends nothing when nothing changed: stored values are never re-validated or overwritten', () => {
    expect(toBody(saved, saved, none)).toEqual({});
  });

  it('sends only the changed fields, numbers as numbers', () => {
    expect(toBody({ ...saved, team_name: 'Blue', smtp_port: '587', webhooks_timeout_seconds: '30' }, saved, none)).toEqual({
      team_name: 'Blue',
      smtp_port: 587,
      webhooks_timeout_seconds: 30,
    });
  });

  it('never sends SMTP fields the environment sets', () => {
    const overridden = new Set(['smtp_host', 'smtp_password'] as const);
    expect(toBody({ ...saved, smtp_host: 'other', smtp_password: 'secret', clear_smtp_password: false }, saved, overridden)).toEqual({});
  });

  it('sends a typed secret, an empty string to clear one, and nothing to keep one', () => {
    expect(toBody({ ...saved, slack_token: 'xoxb-1' }, saved, none)).toEqual({ slack_token: 'xoxb-1' });
    expect(toBody({ ...saved, clear_slack_token: true, slack_token: 'ignored' }, saved, none)).toEqual({ slack_token: '' });
    expect(toBody({ ...saved, clear_smtp_password: true }, saved, none)).toEqual({ smtp_password: '' });
  });

  it('treats the Teams Workflows URL as a secret: never filled in, sent when typed, cleared on request', () => {
    expect(saved.msteams_url).toBe('');
    const url = 'https://prod-1.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?api-version=1&sig=s1g';
    expect(toBody({ ...saved, msteams_url: url }, saved, none)).toEqual({ msteams_url: url });
    expect(toBody({ ...saved, clear_msteams_url: true, msteams_url: 'ignored' }, saved, none)).toEqual({ msteams_url: '' });
    expect(toBody({ ...saved, msteams_enabled: true }, saved, none)).toEqual({ msteams_enabled: true });
  });

  it('lets the contract refuse what the BFF would refuse, under the field’s name', () => {
    const result = ZUpdateSystemSettingsBody.safeParse(toBody({ ...saved, smtp_port: '', msteams_url: 'http://x.example' }, saved, none));
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['msteams_url', 'smtp_port']);
  });
});
