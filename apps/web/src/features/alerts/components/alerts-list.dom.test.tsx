import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { TAlert, TAlertPage } from '@tocsin/contract/alerts';
import { describe, expect, it, vi } from 'vitest';
import { mockApi, renderWithProviders } from '../../../testing/render';
import { AlertsList } from './alerts-list';

const alert = (id: number, title: string): TAlert => ({
  id,
  title,
  description: `About ${title}`,
  url: '/alerts',
  source: 'User Mentioned',
  icon: 'at',
  created: '2026-01-01T00:00:00.000Z',
  event: 'user_mentioned',
  product_id: null,
  raised_by: 'Tocsin',
  is_new: false,
  coalesced_count: 0,
  first_seen: '2026-01-01T00:00:00.000Z',
  last_seen: '2026-01-01T00:00:00.000Z',
});

const page = (items: TAlert[], total = items.length): TAlertPage => ({
  items,
  total,
  total_is_exact: true,
  page: 1,
  page_size: 25,
  next_before_id: null,
  new_count: 0,
  seen_through_id: 0,
});

/** The BFF for one user's list, with remove and restore that really change it. */
function fakeAlertsServer(initial: TAlert[]) {
  let list = [...initial];
  const removed: TAlert[] = [];
  const api = mockApi({
    'GET /api/alerts': () => ({ body: page(list) }),
    'POST /api/alerts/remove': ({ body }) => {
      const ids = new Set((body as { ids: number[] }).ids);
      removed.push(...list.filter((a) => ids.has(a.id)));
      list = list.filter((a) => !ids.has(a.id));
      return { body: { removed: ids.size, count: list.length } };
    },
    'POST /api/alerts/restore': ({ body }) => {
      const ids = new Set((body as { ids: number[] }).ids);
      const back = removed.filter((a) => ids.has(a.id));
      list = [...list, ...back].sort((a, b) => b.id - a.id);
      return { body: { restored: back.length, count: list.length } };
    },
  });
  return {
    ...api,
    setList: (next: TAlert[]) => {
      list = next;
    },
    posts: (path: string) => api.requests.filter((r) => r.method === 'POST' && r.path === path).map((r) => r.body),
  };
}

const rowBox = (title: string) => screen.getByRole('checkbox', { name: `Select alert: ${title}` });
const headerBox = () => screen.getByRole('checkbox', { name: 'Select all alerts on this page' }) as HTMLInputElement;
const bar = () => screen.queryByRole('region', { name: 'Selected alerts' });

describe('AlertsList', () => {
  it('shows no action bar until a row is selected, then "N selected · Remove selected · Clear selection"', async () => {
    fakeAlertsServer([alert(3, 'Charlie'), alert(2, 'Bravo'), alert(1, 'Alpha')]);
    const user = userEvent.setup();
    renderWithProviders(<AlertsList />, { route: '/alerts' });
    await screen.findByRole('link', { name: 'Charlie' });
    expect(bar()).toBeNull();

    await user.click(rowBox('Bravo'));
    const region = bar();
    expect(region).not.toBeNull();
    expect(within(region!).getByText('1 selected')).toBeTruthy();
    expect(within(region!).getByRole('button', { name: 'Remove selected' })).toBeTruthy();
    expect(within(region!).getByRole('button', { name: 'Clear selection' })).toBeTruthy();
    expect(headerBox().indeterminate).toBe(true);
  });

  it('select all counts only this page; unchecking the header clears every row', async () => {
    fakeAlertsServer([alert(3, 'Charlie'), alert(2, 'Bravo'), alert(1, 'Alpha')]);
    const user = userEvent.setup();
    renderWithProviders(<AlertsList />, { route: '/alerts' });
    await screen.findByRole('link', { name: 'Charlie' });

    await user.click(headerBox());
    expect(within(bar()!).getByText('3 selected')).toBeTruthy();
    await user.click(rowBox('Alpha'));
    expect(within(bar()!).getByText('2 selected')).toBeTruthy();
    expect(headerBox().checked).toBe(false);

    // Partly checked → checked selects all; checked → unchecked clears all.
    await user.click(headerBox());
    expect(within(bar()!).getByText('3 selected')).toBeTruthy();
    await user.click(headerBox());
    expect(bar()).toBeNull();
    for (const title of ['Alpha', 'Bravo', 'Charlie']) expect((rowBox(title) as HTMLInputElement).checked).toBe(false);
  });

  it('Clear selection empties it and puts focus on the header checkbox', async () => {
    fakeAlertsServer([alert(2, 'Bravo'), alert(1, 'Alpha')]);
    const user = userEvent.setup();
    renderWithProviders(<AlertsList />, { route: '/alerts' });
    await screen.findByRole('link', { name: 'Bravo' });
    await user.click(rowBox('Alpha'));
    await user.click(within(bar()!).getByRole('button', { name: 'Clear selection' }));
    expect(bar()).toBeNull();
    expect(document.activeElement).toBe(headerBox());
  });

  it('sends exactly the selected ids, then offers Undo (focused) which restores them', async () => {
    const server = fakeAlertsServer([alert(3, 'Charlie'), alert(2, 'Bravo'), alert(1, 'Alpha')]);
    const user = userEvent.setup();
    renderWithProviders(<AlertsList />, { route: '/alerts' });
    await screen.findByRole('link', { name: 'Charlie' });

    await user.click(rowBox('Charlie'));
    await user.click(rowBox('Alpha'));
    await user.click(within(bar()!).getByRole('button', { name: 'Remove selected' }));

    const toast = await screen.findByText('Removed 2 alerts.');
    expect(server.posts('/api/alerts/remove')).toEqual([{ ids: [3, 1] }]);
    const undo = within(toast.parentElement!).getByRole('button', { name: 'Undo' });
    await waitFor(() => expect(document.activeElement).toBe(undo));
    await waitFor(() => expect(screen.queryByRole('link', { name: 'Charlie' })).toBeNull());
    expect(bar()).toBeNull();

    await user.click(undo);
    await screen.findByText('Restored 2 alerts.');
    expect(server.posts('/api/alerts/restore')).toEqual([{ ids: [3, 1] }]);
    await screen.findByRole('link', { name: 'Charlie' });
    await screen.findByRole('link', { name: 'Alpha' });
  });

  it('says so when Undo fails (e.g. a server without the restore endpoint)', async () => {
    fakeAlertsServer([alert(2, 'Bravo'), alert(1, 'Alpha')]);
    const user = userEvent.setup();
    renderWithProviders(<AlertsList />, { route: '/alerts' });
    await screen.findByRole('link', { name: 'Bravo' });
    await user.click(rowBox('Bravo'));
    await user.click(within(bar()!).getByRole('button', { name: 'Remove selected' }));
    const toast = await screen.findByText('Removed 1 alert.');
    // From now on the server knows no restore route.
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response(JSON.stringify({ error: { code: 'not_found', message: 'Not found.' } }), { status: 404 })),
    );
    await user.click(within(toast.parentElement!).getByRole('button', { name: 'Undo' }));
    await screen.findByText('Could not undo: Not found.');
  });

  it('prunes the selection when the list changes (an alert removed in another tab)', async () => {
    const server = fakeAlertsServer([alert(3, 'Charlie'), alert(2, 'Bravo'), alert(1, 'Alpha')]);
    const user = userEvent.setup();
    const { queryClient } = renderWithProviders(<AlertsList />, { route: '/alerts' });
    await screen.findByRole('link', { name: 'Charlie' });
    await user.click(rowBox('Charlie'));
    await user.click(rowBox('Bravo'));
    expect(within(bar()!).getByText('2 selected')).toBeTruthy();

    server.setList([alert(2, 'Bravo'), alert(1, 'Alpha')]);
    await act(() => queryClient.invalidateQueries({ queryKey: ['alerts'] }));
    await waitFor(() => expect(screen.queryByRole('link', { name: 'Charlie' })).toBeNull());
    expect(within(bar()!).getByText('1 selected')).toBeTruthy();

    await user.click(within(bar()!).getByRole('button', { name: 'Remove selected' }));
    await screen.findByText('Removed 1 alert.');
    expect(server.posts('/api/alerts/remove')).toEqual([{ ids: [2] }]);
  });
});
