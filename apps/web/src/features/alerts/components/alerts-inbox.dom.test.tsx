/**
 * The inbox in the SPA: filters in the address and in the request, New marks and the seen mark, who raised each
 * alert, the tab title and the polite announcement of arrivals.
 */
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { TAlert, TAlertPage, TAlertSummary } from '@tocsin/contract/alerts';
import { Route, Routes, useLocation } from 'react-router-dom';
import { describe, expect, it } from 'vitest';
import { useDocumentTitle } from '../../../hooks/use-document-title';
import { mockApi, renderWithProviders } from '../../../testing/render';
import { applyAlertStreamMessage } from '../api/stream-alerts';
import { AlertsBell, describeArrivals, formatNewAlertsPrefix } from './alerts-bell';
import { AlertsList, describeMatches } from './alerts-list';

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

/** Shows the address, so tests can read what the filters wrote into it. */
function Address() {
  const location = useLocation();
  return <output aria-label="Address">{`${location.pathname}${location.search}`}</output>;
}

function listServer(items: TAlert[], extra: Partial<TAlertPage> = {}) {
  return mockApi({
    'GET /api/alerts': () => ({
      body: {
        items,
        total: items.length,
        total_is_exact: true,
        page: 1,
        page_size: 25,
        next_before_id: null,
        new_count: items.filter((a) => a.is_new).length,
        seen_through_id: 0,
        ...extra,
      } satisfies TAlertPage,
    }),
    'POST /api/alerts/seen': ({ body }) => ({ body: { seen_through_id: (body as { through_id: number }).through_id, new_count: 0 } }),
  });
}

describe('the Alerts page filters', () => {
  it('reads the filters from the address, sends them to the server, and writes changes back to the address', async () => {
    const server = listServer([alert(5, { title: 'ZAP scan imported' })], { total: 1 });
    const user = userEvent.setup();
    renderWithProviders(
      <>
        <AlertsList productOptions={[{ id: 4, name: 'Web shop' }]} />
        <Address />
      </>,
      { route: '/alerts?event=scan_added&q=zap' },
    );
    await screen.findByRole('link', { name: 'ZAP scan imported' });
    const search = screen.getByRole('search', { name: 'Filter alerts' });
    expect((within(search).getByLabelText('Event type') as HTMLSelectElement).value).toBe('scan_added');
    expect((within(search).getByLabelText('Search title and description') as HTMLInputElement).value).toBe('zap');
    expect(server.requests[0]?.path).toBe('/api/alerts?page=1&page_size=25&event=scan_added&q=zap');
    expect(screen.getByText('1 alert matches.')).toBeTruthy();

    await user.selectOptions(within(search).getByLabelText('Product'), 'Web shop');
    await user.type(within(search).getByLabelText('From'), '2026-03-01');
    await user.type(within(search).getByLabelText('To'), '2026-03-02');
    await user.click(within(search).getByRole('button', { name: 'Apply filters' }));
    await waitFor(() =>
      expect(screen.getByLabelText('Address').textContent).toBe('/alerts?event=scan_added&product=4&from=2026-03-01&to=2026-03-02&q=zap'),
    );
    await waitFor(() => expect(server.requests.at(-1)?.path).toContain('product_id=4'));
    const last = new URL(server.requests.at(-1)?.path ?? '', 'http://x').searchParams;
    expect(last.get('since')).toBe(new Date(2026, 2, 1).toISOString());
    expect(last.get('until')).toBe(new Date(2026, 2, 3).toISOString());

    await user.click(within(search).getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(screen.getByLabelText('Address').textContent).toBe('/alerts'));
  });

  it('says when nothing matches, and counts past the cap as "1,000+"', async () => {
    listServer([], { total: 0 });
    renderWithProviders(<AlertsList />, { route: '/alerts?q=nothing' });
    await screen.findByText('No alerts match these filters.');
    expect(describeMatches(1000, false)).toBe('1,000+ alerts match');
    expect(describeMatches(3, true)).toBe('3 alerts match');
  });
});

describe('New marks, who raised it, details', () => {
  it('marks new alerts, shows who raised each, links to its details, and marks the list seen once', async () => {
    const server = listServer([
      alert(9, { title: 'Fresh', is_new: true, raised_by: "alice via token 'GitLab CI'" }),
      alert(8, { title: 'Older', raised_by: 'Tocsin' }),
    ]);
    renderWithProviders(<AlertsList />, { route: '/alerts' });
    const fresh = await screen.findByRole('row', { name: /Fresh/ });
    expect(within(fresh).getByText('New')).toBeTruthy();
    expect(within(fresh).getByText("Raised by alice via token 'GitLab CI'")).toBeTruthy();
    const details = within(fresh).getByRole('link', { name: 'Details' });
    expect(details.getAttribute('href')).toBe('/alerts/9');
    expect(details.getAttribute('aria-describedby')).toBe('alert-title-9');
    const older = screen.getByRole('row', { name: /Older/ });
    expect(within(older).queryByText('New')).toBeNull();
    expect(within(older).getByText('Raised by Tocsin')).toBeTruthy();
    await waitFor(() =>
      expect(server.requests.filter((r) => r.method === 'POST')).toEqual([
        { method: 'POST', path: '/api/alerts/seen', body: { through_id: 9 } },
      ]),
    );
    // The marks stay while the person reads.
    expect(within(screen.getByRole('row', { name: /Fresh/ })).getByText('New')).toBeTruthy();
  });
});

function summaryServer(summary: TAlertSummary) {
  let current = summary;
  const api = mockApi({
    'GET /api/alerts/summary': () => ({ body: current }),
    'POST /api/alerts/seen': ({ body }) => {
      current = { ...current, new_count: 0, seen_through_id: (body as { through_id: number }).through_id };
      return { body: { seen_through_id: current.seen_through_id, new_count: 0 } };
    },
  });
  return { ...api, set: (next: TAlertSummary) => (current = next) };
}

function Page() {
  useDocumentTitle('Profile');
  return <AlertsBell />;
}

describe('the bell and the tab title', () => {
  it('counts new alerts in the title, announces arrivals politely, and opening it marks them seen', async () => {
    const server = summaryServer({
      count: 3,
      new_count: 2,
      seen_through_id: 1,
      items: [alert(3, { is_new: true }), alert(2, { is_new: true }), alert(1)],
    });
    const user = userEvent.setup();
    const { queryClient } = renderWithProviders(
      <Routes>
        <Route path="*" element={<Page />} />
      </Routes>,
    );
    const bell = await screen.findByRole('button', { name: 'Alerts 3' });
    await waitFor(() => expect(document.title).toBe('(2) Profile · Tocsin'));
    const live = screen.getByRole('status', { name: 'New alerts' });
    expect(live.getAttribute('aria-live')).toBe('polite');
    // The first count after loading is not an arrival.
    expect(live.textContent).toBe('');

    // Two more arrive (as the stream reports them): announced, and counted in the title.
    server.set({
      count: 5,
      new_count: 4,
      seen_through_id: 1,
      items: [alert(5, { is_new: true }), alert(4, { is_new: true }), alert(3, { is_new: true })],
    });
    act(() => {
      applyAlertStreamMessage(queryClient, JSON.stringify({ count: 5, latest_id: 5, new_count: 4 }));
    });
    await waitFor(() => expect(live.textContent).toBe('2 new alerts'));
    await waitFor(() => expect(document.title).toBe('(4) Profile · Tocsin'));
    await screen.findByRole('button', { name: 'Alerts 5' });

    await user.click(bell);
    const panel = screen.getByRole('dialog', { name: 'Newest alerts' });
    expect(within(panel).getAllByText('New')).toHaveLength(3);
    await waitFor(() =>
      expect(server.requests.filter((r) => r.method === 'POST')).toEqual([
        { method: 'POST', path: '/api/alerts/seen', body: { through_id: 5 } },
      ]),
    );
    await waitFor(() => expect(document.title).toBe('Profile · Tocsin'));
    // The count keeps its meaning: looking lowers nothing.
    expect(screen.getByRole('button', { name: 'Alerts 5' })).toBeTruthy();
  });

  it('formats the prefix and the announcement', () => {
    expect(formatNewAlertsPrefix(0)).toBe('');
    expect(formatNewAlertsPrefix(undefined)).toBe('');
    expect(formatNewAlertsPrefix(3)).toBe('(3) ');
    expect(formatNewAlertsPrefix(100)).toBe('(99+) ');
    expect(describeArrivals(1)).toBe('1 new alert');
    expect(describeArrivals(2)).toBe('2 new alerts');
  });
});
