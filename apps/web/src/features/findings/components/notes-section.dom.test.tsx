import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { TNote } from '@tocsin/contract/findings-api';
import { describe, expect, it } from 'vitest';
import { mockApi, renderWithProviders } from '../../../testing/render';
import { NotesSection } from './notes-section';

const note = (id: number, patch: Partial<TNote> = {}): TNote => ({
  id,
  entry: `Note ${id}`,
  is_private: false,
  author: { id: 1, username: 'alice', name: 'Alice A' },
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
  edited_at: null,
  can_edit: false,
  url: `/findings/7#note-${id}`,
  ...patch,
});

const PEOPLE = [
  { id: 2, username: 'bob', name: 'Bob B' },
  { id: 3, username: 'bobby', name: 'Bobby C' },
  { id: 4, username: 'carol', name: 'Carol D' },
];

function fakeNotesApi(notes: TNote[] = []) {
  return mockApi({
    'GET /api/findings/7/notes': () => ({ body: { items: notes } }),
    'GET /api/findings/7/mentionable': ({ path }) => {
      const q = new URL(path, 'http://x').searchParams.get('q') ?? '';
      return { body: { items: PEOPLE.filter((p) => p.username.startsWith(q)) } };
    },
    'POST /api/findings/7/notes': ({ body }) => ({
      status: 201,
      body: {
        note: note(99, { entry: (body as { entry: string }).entry }),
        mentions: {
          notified: ['bob'],
          not_notified: [{ username: 'dave', reason: 'no_access', message: '@dave may not see this finding.' }],
        },
      },
    }),
  });
}

describe('NotesSection', () => {
  it('offers people to mention as a combobox: up, down, enter and escape', async () => {
    fakeNotesApi();
    renderWithProviders(<NotesSection target={{ kind: 'finding', id: 7 }} />);
    const user = userEvent.setup();
    const box = await screen.findByRole('combobox', { name: 'Note' });
    expect(box.getAttribute('aria-expanded')).toBe('false');

    await user.type(box, 'Hi @bo');
    const list = await screen.findByRole('listbox', { name: 'People to mention' });
    await waitFor(() => expect(within(list).getAllByRole('option')).toHaveLength(2));
    expect(box.getAttribute('aria-expanded')).toBe('true');
    const [bob, bobby] = within(list).getAllByRole('option');
    expect(box.getAttribute('aria-activedescendant')).toBe(bob?.id);
    expect(bob?.getAttribute('aria-selected')).toBe('true');

    await user.keyboard('{ArrowDown}');
    expect(box.getAttribute('aria-activedescendant')).toBe(bobby?.id);
    await user.keyboard('{ArrowDown}');
    expect(box.getAttribute('aria-activedescendant')).toBe(bob?.id);
    await user.keyboard('{ArrowUp}');
    expect(box.getAttribute('aria-activedescendant')).toBe(bobby?.id);
    await user.keyboard('{Enter}');
    expect((box as HTMLTextAreaElement).value).toBe('Hi @bobby ');
    expect(box.getAttribute('aria-expanded')).toBe('false');
    expect(box.getAttribute('aria-activedescendant')).toBeNull();

    await user.type(box, 'and @c');
    await waitFor(() => expect(box.getAttribute('aria-expanded')).toBe('true'));
    await user.keyboard('{Escape}');
    expect(box.getAttribute('aria-expanded')).toBe('false');
    // Enter with the list closed is a new line, not a pick.
    await user.keyboard('{Enter}');
    expect((box as HTMLTextAreaElement).value).toBe('Hi @bobby and @c\n');
  });

  it('shows who was notified and, inline, who was not and why', async () => {
    const { requests } = fakeNotesApi();
    renderWithProviders(<NotesSection target={{ kind: 'finding', id: 7 }} />);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Add note' }));
    expect(await screen.findByText('Write the note')).toBeTruthy();
    expect(requests.filter((r) => r.method === 'POST')).toHaveLength(0);

    await user.type(screen.getByRole('combobox', { name: 'Note' }), 'Look {Escape}');
    await user.click(screen.getByRole('button', { name: 'Add note' }));
    expect(await screen.findByText('Notified: @bob.')).toBeTruthy();
    expect(screen.getByText('@dave may not see this finding.', { exact: false })).toBeTruthy();
    expect(requests.find((r) => r.method === 'POST')?.body).toEqual({ entry: 'Look', is_private: false });
  });

  it('shows what people wrote as text and highlights the linked note', async () => {
    fakeNotesApi([note(1), note(2, { entry: '<img src=x onerror=alert(1)> **not bold**', can_edit: true })]);
    renderWithProviders(<NotesSection target={{ kind: 'finding', id: 7 }} />, { route: '/findings/7#note-2' });
    const linked = await screen.findByText('<img src=x onerror=alert(1)> **not bold**');
    const item = linked.closest('li');
    expect(item?.getAttribute('id')).toBe('note-2');
    expect(item?.getAttribute('aria-current')).toBe('true');
    await waitFor(() => expect(document.activeElement).toBe(item));
    expect(document.querySelector('img')).toBeNull();
    expect(screen.getAllByRole('button', { name: /^Edit note/ })).toHaveLength(1);
  });
});
