import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { TAlert } from '@tocsin/contract/alerts';
import { describe, expect, it } from 'vitest';
import { mockApi, renderWithProviders } from '../../../testing/render';
import { AlertsBell, describeClearAll } from './alerts-bell';

const alert = (id: number, patch: Partial<TAlert> = {}): TAlert => ({
  id,
  title: `Alert ${id}`,
  description: '',
  url: '/alerts',
  source: 'Scan Added',
  icon: 'scan',
  created: '2026-01-01T00:00:00.000Z',
  event: 'scan_added',
  product_id: null,
  raised_by: 'Tocsin',
  is_new: false,
  coalesced_count: 0,
  first_seen: '2026-01-01T00:00:00.000Z',
  last_seen: '2026-01-01T00:00:00.000Z',
  ...patch,
});

/** A list of `count` alerts, newest (highest id) first; the summary honours `limit`. */
function fakeSummary(count: number, extra: TAlert[] = []) {
  let all = [...extra, ...Array.from({ length: count - extra.length }, (_, i) => alert(count - extra.length - i))];
  return mockApi({
    'GET /api/alerts/summary': ({ path }) => {
      const limit = Number(new URL(path, 'http://x').searchParams.get('limit'));
      return { body: { count: all.length, items: all.slice(0, limit), new_count: 0, seen_through_id: 0 } };
    },
    'DELETE /api/alerts': () => {
      const removed = all.length;
      all = [];
      return { body: { removed, count: 0, ids: [] } };
    },
  });
}

const panel = () => screen.getByRole('dialog', { name: 'Newest alerts', hidden: true });

describe('AlertsBell', () => {
  it('has a name that says what it shows and contains its visible text', async () => {
    fakeSummary(3);
    renderWithProviders(<AlertsBell />);
    const bell = await screen.findByRole('button', { name: 'Alerts 3' });
    expect(bell.textContent).toBe('Alerts 3');
    expect(bell.getAttribute('aria-expanded')).toBe('false');
  });

  it('lists 12, and "Show more" asks for 12 more, focusing the first new alert', async () => {
    const server = fakeSummary(30);
    const user = userEvent.setup();
    renderWithProviders(<AlertsBell />);
    await user.click(await screen.findByRole('button', { name: 'Alerts 30' }));
    await waitFor(() => expect(within(panel()).getAllByRole('listitem')).toHaveLength(12));

    await user.click(within(panel()).getByRole('button', { name: 'Show more' }));
    await waitFor(() => expect(within(panel()).getAllByRole('listitem')).toHaveLength(24));
    expect(server.requests.map((r) => r.path)).toContain('/api/alerts/summary?limit=24');
    await waitFor(() => expect(document.activeElement?.textContent).toContain('Alert 18'));

    await user.click(within(panel()).getByRole('button', { name: 'Show more' }));
    await waitFor(() => expect(within(panel()).getAllByRole('listitem')).toHaveLength(30));
    // Everything is listed: no more "Show more".
    expect(within(panel()).queryByRole('button', { name: 'Show more' })).toBeNull();
  });

  it('stops at the 50 the endpoint allows; the Alerts page has the rest', async () => {
    const server = fakeSummary(80);
    const user = userEvent.setup();
    renderWithProviders(<AlertsBell />);
    await user.click(await screen.findByRole('button', { name: 'Alerts 80' }));
    for (const limit of [24, 36, 48, 50]) {
      await user.click(await within(panel()).findByRole('button', { name: 'Show more' }));
      await waitFor(() => expect(server.requests.map((r) => r.path)).toContain(`/api/alerts/summary?limit=${limit}`));
    }
    await waitFor(() => expect(within(panel()).getAllByRole('listitem')).toHaveLength(50));
    expect(within(panel()).queryByRole('button', { name: 'Show more' })).toBeNull();
    expect(within(panel()).getByRole('link', { name: 'See All Alerts ›' })).toBeTruthy();
  });

  it('opens other sites in a new tab without a referrer and shows their host; same-origin URLs stay in the app', async () => {
    fakeSummary(3, [
      alert(103, { title: 'Jira ticket', url: 'https://jira.example.com/browse/SEC-1' }),
      alert(102, { title: 'Own page', url: `${window.location.origin}/products/7?tab=n` }),
    ]);
    const user = userEvent.setup();
    renderWithProviders(<AlertsBell />);
    await user.click(await screen.findByRole('button', { name: 'Alerts 3' }));

    const external = await within(panel()).findByRole('link', { name: /Jira ticket/ });
    expect(external.getAttribute('target')).toBe('_blank');
    expect(external.getAttribute('rel')).toBe('noopener noreferrer');
    expect(external.getAttribute('href')).toBe('https://jira.example.com/browse/SEC-1');
    expect(external.textContent).toContain('jira.example.com');
    expect(external.textContent).toContain('(opens in a new tab)');

    const own = within(panel()).getByRole('link', { name: /Own page/ });
    expect(own.getAttribute('href')).toBe('/products/7?tab=n');
    expect(own.getAttribute('target')).toBeNull();
  });

  it('Clear all says how many alerts it removes, and the toast reports them', async () => {
    fakeSummary(7);
    const user = userEvent.setup();
    renderWithProviders(<AlertsBell />);
    await user.click(await screen.findByRole('button', { name: 'Alerts 7' }));
    await user.click(await within(panel()).findByRole('button', { name: 'Clear All Alerts ›' }));
    const dialog = screen.getByRole('dialog', { name: 'Clear all alerts?' });
    expect(dialog.textContent).toContain('This removes all 7 alerts from your list and from the Alerts page.');
    await user.click(within(dialog).getByRole('button', { name: 'Clear all alerts' }));
    await screen.findByText('Cleared 7 alerts.');
    // The answer names no restorable ids: nothing to undo, so no Undo is offered.
    expect(screen.queryByRole('button', { name: 'Undo' })).toBeNull();
    await screen.findByRole('button', { name: 'Alerts 0' });
  });
});

describe('describeClearAll', () => {
  it('counts the alerts, in the singular for one', () => {
    expect(describeClearAll(1)).toBe('This removes your 1 alert from your list and from the Alerts page.');
    expect(describeClearAll(12)).toBe('This removes all 12 alerts from your list and from the Alerts page.');
  });
});
