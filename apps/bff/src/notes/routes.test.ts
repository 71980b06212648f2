/**
 * Notes and mentions end to end: who is notified (case-insensitive, each once) and who is not (unknown,
 * inactive, no access, the author, private notes), edits notifying only new mentions, engagement notes, who may
 * read, write and edit notes, and the @ autocomplete.
 */
import type { TMentionableList, TNote, TNoteResult } from '@tocsin/contract/findings-api';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { alertTitles, createFindingsWorld, errorOf, eventRows, importOk, sessionAuth, type TWorld } from '../findings/test-helpers';
import type { TEventPayload } from '../notifications/event-payload';

let w: TWorld | undefined;
afterEach(async () => {
  await w?.deps.cleanup();
  w = undefined;
});

/** The world with Semgrep imported into Payments API / CI; returns the SQL injection finding. */
async function setUp() {
  w = await createFindingsWorld();
  await importOk(w.app, sessionAuth(w.clients.bob), { engagement_id: w.ci.id }, { fixture: 'semgrep.sarif' });
  const finding = (await w.deps.db.get<{ id: number; title: string }>(sql`select id, title from findings where cwe = 89`))!;
  await w.deps.db.run(sql`delete from alerts`);
  return { w, finding };
}

const mentionEvents = (world: TWorld) => eventRows(world.deps, sql`name = 'user_mentioned'`);
const recipientsOf = async (world: TWorld, eventId: number) =>
  (
    await world.deps.db.all<{ username: string }>(sql`select u.username from alerts a join users u on u.id = a.user_id
    where a.event_id = ${eventId} order by u.username`)
  ).map((r) => r.username);

describe('mentions in notes', () => {
  it('notifies each mentioned person who may see the finding once, and tells the author who was not notified and why', async () => {
    const { w, finding } = await setUp();
    const entry = 'Looks exploitable. @Alice and @ALICE, @erin: please check. cc @dave @gone @nobody @bob. **Now** <b>please</b>';
    const res = await w.clients.bob.post(`/api/findings/${finding.id}/notes`, { entry });
    expect(res.status).toBe(201);
    const { note, mentions } = (await res.json()) as TNoteResult;
    expect(note).toMatchObject({
      entry,
      is_private: false,
      author: { username: 'bob' },
      can_edit: true,
      edited_at: null,
      url: `/findings/${finding.id}#note-${note.id}`,
    });
    expect(mentions.notified).toEqual(['alice', 'erin']);
    expect(mentions.not_notified).toEqual([
      { username: 'dave', reason: 'no_access', message: '@dave may not see this finding (no access to Payments API).' },
      { username: 'gone', reason: 'inactive', message: "@gone's account is deactivated." },
      { username: 'nobody', reason: 'unknown_user', message: 'Nobody is called @nobody, so nobody was notified.' },
      { username: 'bob', reason: 'self', message: 'That is you: you are not notified of your own note.' },
    ]);

    const [event] = await mentionEvents(w);
    expect(event).toMatchObject({
      title: `bob mentioned you on finding '${finding.title}'`,
      url: `/findings/${finding.id}#note-${note.id}`,
      productId: w.payments.id,
      engagementId: w.ci.id,
      createdBy: w.users.bob.id,
      recipients: JSON.stringify([w.users.alice.id, w.users.erin.id]),
    });
    expect(event?.description).toContain('**bob** mentioned you in a note on the finding **Detected user input');
    // The note's start, as text: its markdown and HTML escaped.
    expect(event?.description).toContain('\\*\\*Now\\*\\* \\<b\\>please\\<\\/b\\>');
    expect(await recipientsOf(w, event!.id)).toEqual(['alice', 'erin']);
    // A recipients list replaces the broadcast: nobody else hears of it.
    for (const who of ['admin', 'carol', 'dave', 'bob'] as const) expect(await alertTitles(w.deps, w.users[who].id)).toEqual([]);
    const payload = JSON.parse(event!.payload!) as TEventPayload;
    expect(payload.note).toMatchObject({
      id: note.id,
      author: 'bob',
      is_private: false,
      url: `/findings/${finding.id}#note-${note.id}`,
      on: { type: 'finding', id: finding.id, url_api: `/api/findings/${finding.id}` },
    });
  });

  it('notifies, on an edit, only the people it newly mentions', async () => {
    const { w, finding } = await setUp();
    const first = (await (
      await w.clients.bob.post(`/api/findings/${finding.id}/notes`, { entry: '@alice see this' })
    ).json()) as TNoteResult;
    const edit = await w.clients.bob.patch(`/api/notes/${first.note.id}`, { entry: '@alice see this, and @carol too (and @nobody)' });
    expect(edit.status).toBe(200);
    const edited = (await edit.json()) as TNoteResult;
    expect(edited.mentions).toEqual({
      notified: ['carol'],
      not_notified: [{ username: 'nobody', reason: 'unknown_user', message: 'Nobody is called @nobody, so nobody was notified.' }],
    });
    expect(edited.note.edited_at).not.toBeNull();
    // Editing again without new mentions notifies nobody.
    const again = (await (await w.clients.bob.patch(`/api/notes/${first.note.id}`, { entry: '@ALICE @carol done' })).json()) as TNoteResult;
    expect(again.mentions).toEqual({ notified: [], not_notified: [] });
    const events = await mentionEvents(w);
    expect(await Promise.all(events.map((e) => recipientsOf(w, e.id)))).toEqual([['alice'], ['carol']]);
  });

  it('lets only the author edit a note: others who may read it get 403, others 404', async () => {
    const { w, finding } = await setUp();
    const { note } = (await (await w.clients.bob.post(`/api/findings/${finding.id}/notes`, { entry: 'mine' })).json()) as TNoteResult;
    const other = await w.clients.alice.patch(`/api/notes/${note.id}`, { entry: 'hijacked' });
    expect(other.status).toBe(403);
    expect((await errorOf(other)).message).toBe('Only the author of a note can edit it.');
    expect((await w.clients.dave.patch(`/api/notes/${note.id}`, { entry: 'x' })).status).toBe(404);
    expect((await w.clients.bob.patch('/api/notes/999999', { entry: 'x' })).status).toBe(404);
    expect((await w.clients.bob.patch(`/api/notes/${note.id}`, { entry: '   ' })).status).toBe(400);
    expect((await w.deps.db.get<{ entry: string }>(sql`select entry from notes where id = ${note.id}`))?.entry).toBe('mine');
  });

  it('keeps private notes to their author and superusers, and notifies only superusers mentioned in them', async () => {
    const { w, finding } = await setUp();
    const res = await w.clients.bob.post(`/api/findings/${finding.id}/notes`, { entry: 'Secret: @alice @admin', is_private: true });
    const { note, mentions } = (await res.json()) as TNoteResult;
    expect(mentions.notified).toEqual(['admin']);
    expect(mentions.not_notified).toEqual([
      { username: 'alice', reason: 'no_access', message: '@alice cannot read private notes (only their author and superusers can).' },
    ]);
    const [event] = await mentionEvents(w);
    expect(event?.description).toContain('in a private note');
    const visibleTo = async (client: keyof TWorld['clients']) =>
      ((await (await w.clients[client].get(`/api/findings/${finding.id}/notes`)).json()) as { items: TNote[] }).items.map((n) => n.id);
    expect(await visibleTo('bob')).toEqual([note.id]);
    expect(await visibleTo('admin')).toEqual([note.id]);
    expect(await visibleTo('alice')).toEqual([]);
    expect(await visibleTo('erin')).toEqual([]);
    expect((await w.clients.alice.patch(`/api/notes/${note.id}`, { entry: 'x' })).status).toBe(404);
  });

  it('works on engagements, linking to the note on the engagement', async () => {
    const { w } = await setUp();
    const res = await w.clients.erin.post(`/api/engagements/${w.ci.id}/notes`, { entry: 'Kick-off moved, @bob.' });
    expect(res.status).toBe(201);
    const { note, mentions } = (await res.json()) as TNoteResult;
    expect(mentions.notified).toEqual(['bob']);
    const url = `/engagements/${w.ci.id}#note-${note.id}`;
    expect(note.url).toBe(url);
    const [event] = await mentionEvents(w);
    expect(event).toMatchObject({ title: "erin mentioned you on engagement 'CI' of Payments API", url, engagementId: w.ci.id });
    expect(await alertTitles(w.deps, w.users.bob.id)).toEqual(["erin mentioned you on engagement 'CI' of Payments API"]);
    const list = (await (await w.clients.carol.get(`/api/engagements/${w.ci.id}/notes`)).json()) as { items: TNote[] };
    expect(list.items.map((n) => n.entry)).toEqual(['Kick-off moved, @bob.']);
    expect((await w.clients.dave.get(`/api/engagements/${w.ci.id}/notes`)).status).toBe(404);
  });

  it('answers a new note exactly as it is read back afterwards, private or not, on a finding or an engagement', async () => {
    const { w, finding } = await setUp();
    // The answer is built from what was written, not read again: it must be what every later read says.
    const cases = [
      { client: w.clients.alice, path: `/api/findings/${finding.id}/notes`, body: { entry: 'Public, by a named person' } },
      { client: w.clients.admin, path: `/api/findings/${finding.id}/notes`, body: { entry: 'Private', is_private: true } },
      { client: w.clients.erin, path: `/api/engagements/${w.ci.id}/notes`, body: { entry: 'On the engagement' } },
    ];
    for (const { client, path, body } of cases) {
      const res = await client.post(path, body);
      expect(res.status, await res.clone().text()).toBe(201);
      const { note } = (await res.json()) as TNoteResult;
      const list = (await (await client.get(path)).json()) as { items: TNote[] };
      expect(list.items.find((n) => n.id === note.id)).toEqual(note);
    }
  });

  it('lets anyone who may see the finding write a note (Readers too); others get 404', async () => {
    const { w, finding } = await setUp();
    expect((await w.clients.erin.post(`/api/findings/${finding.id}/notes`, { entry: 'Reader here' })).status).toBe(201);
    expect((await w.clients.carol.post(`/api/findings/${finding.id}/notes`, { entry: 'Auditor here' })).status).toBe(201);
    expect((await w.clients.dave.post(`/api/findings/${finding.id}/notes`, { entry: 'Outsider' })).status).toBe(404);
    expect((await w.clients.bob.post('/api/findings/999999/notes', { entry: 'x' })).status).toBe(404);
    const empty = await w.clients.bob.post(`/api/findings/${finding.id}/notes`, { entry: '' });
    expect(empty.status).toBe(400);
    expect((await errorOf(empty)).message).toContain('entry');
    expect((await w.clients.bob.post(`/api/findings/${finding.id}/notes`, { entry: 'x', author_id: 1 })).status).toBe(400);
  });
});

describe('the @ autocomplete', () => {
  it('lists active people who may see the finding, by username or name prefix, the caller left out', async () => {
    const { w, finding } = await setUp();
    const names = async (client: keyof TWorld['clients'], query: string) => {
      const res = await w.clients[client].get(`/api/findings/${finding.id}/mentionable${query}`);
      expect(res.status).toBe(200);
      return ((await res.json()) as TMentionableList).items.map((p) => p.username);
    };
    expect(await names('bob', '')).toEqual(['admin', 'alice', 'carol', 'erin']);
    expect(await names('bob', '?q=A')).toEqual(['admin', 'alice']);
    expect(await names('bob', '?q=@ali')).toEqual(['alice']);
    // By first or last name too.
    expect(await names('bob', '?q=arch')).toEqual(['alice']);
    expect(await names('bob', '?q=%25')).toEqual([]);
    expect(await names('alice', '?private=true')).toEqual(['admin']);
    expect(await names('bob', '?limit=2')).toEqual(['admin', 'alice']);
    const alice = ((await (await w.clients.bob.get(`/api/findings/${finding.id}/mentionable?q=alice`)).json()) as TMentionableList)
      .items[0];
    expect(alice).toEqual({ id: w.users.alice.id, username: 'alice', name: 'Alice Archer' });
    expect((await w.clients.dave.get(`/api/findings/${finding.id}/mentionable`)).status).toBe(404);
    const engagement = await w.clients.bob.get(`/api/engagements/${w.ci.id}/mentionable?q=e`);
    expect(((await engagement.json()) as TMentionableList).items.map((p) => p.username)).toEqual(['erin']);
  });
});
