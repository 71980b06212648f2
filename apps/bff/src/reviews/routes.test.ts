/** Review requests end to end: who may ask whom, review_requested to the reviewers only, and marking reviews done. */
import type { TFindingDetail, TMyReviewPage, TReview, TReviewList } from '@tocsin/contract/findings-api';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import {
  alertTitles,
  countRows,
  createFindingsWorld,
  errorOf,
  eventRows,
  importOk,
  sessionAuth,
  type TWorld,
} from '../findings/test-helpers';
import type { TEventPayload } from '../notifications/event-payload';

let w: TWorld | undefined;
afterEach(async () => {
  await w?.deps.cleanup();
  w = undefined;
});

async function setUp() {
  w = await createFindingsWorld();
  await importOk(w.app, sessionAuth(w.clients.bob), { engagement_id: w.ci.id }, { fixture: 'semgrep.sarif' });
  const finding = (await w.deps.db.get<{ id: number; title: string }>(sql`select id, title from findings where cwe = 89`))!;
  await w.deps.db.run(sql`delete from alerts`);
  return { w, finding };
}

describe('review requests', () => {
  it('asks the chosen reviewers, who alone get review_requested with the message and a link', async () => {
    const { w, finding } = await setUp();
    const res = await w.clients.bob.post(`/api/findings/${finding.id}/review-requests`, {
      reviewer_ids: [w.users.alice.id, w.users.erin.id],
      note: 'Is this reachable from the internet?\n**Urgent**',
    });
    expect(res.status).toBe(201);
    const { items } = (await res.json()) as TReviewList;
    expect(items.map((r) => [r.reviewer.username, r.status, r.requested_by?.username, r.can_complete])).toEqual([
      ['erin', 'pending', 'bob', false],
      ['alice', 'pending', 'bob', false],
    ]);
    const [event] = await eventRows(w.deps, sql`name = 'review_requested'`);
    expect(event).toMatchObject({
      title: `bob asked you to review '${finding.title}'`,
      url: `/findings/${finding.id}#reviews`,
      productId: w.payments.id,
      createdBy: w.users.bob.id,
      recipients: JSON.stringify([w.users.alice.id, w.users.erin.id]),
    });
    // The message quoted line by line, its markup escaped.
    expect(event?.description).toContain('> Is this reachable from the internet\\?\n> \\*\\*Urgent\\*\\*');
    const payload = JSON.parse(event!.payload!) as TEventPayload;
    expect(payload.review).toEqual({
      ids: items.map((r) => r.id).sort((a, b) => a - b),
      requested_by: 'bob',
      reviewers: ['alice', 'erin'],
      message: 'Is this reachable from the internet?\n**Urgent**',
    });
    expect(payload.finding).toMatchObject({ id: finding.id, severity: 'High', status: 'active', url_api: `/api/findings/${finding.id}` });
    expect(await alertTitles(w.deps, w.users.alice.id)).toEqual([`bob asked you to review '${finding.title}'`]);
    expect(await alertTitles(w.deps, w.users.erin.id)).toHaveLength(1);
    for (const who of ['admin', 'bob', 'carol', 'dave'] as const) expect(await alertTitles(w.deps, w.users[who].id)).toEqual([]);
  });

  it('refuses reviewers who cannot be asked, by name and reason, asking nobody', async () => {
    const { w, finding } = await setUp();
    await w.clients.bob.post(`/api/findings/${finding.id}/review-requests`, { reviewer_ids: [w.users.alice.id], note: 'First' });
    const before = await countRows(w.deps, 'finding_reviews');
    const res = await w.clients.bob.post(`/api/findings/${finding.id}/review-requests`, {
      reviewer_ids: [w.users.carol.id, w.users.dave.id, w.users.gone.id, 999_999, w.users.bob.id, w.users.alice.id],
      note: 'Please',
    });
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.details).toEqual({
      path: 'reviewer_ids',
      refused: [
        { reviewer_id: w.users.dave.id, username: 'dave', message: 'dave may not see this finding (no access to Payments API).' },
        { reviewer_id: w.users.gone.id, username: 'gone', message: "gone's account is deactivated." },
        { reviewer_id: 999_999, username: null, message: 'There is no user with id 999999.' },
        { reviewer_id: w.users.bob.id, username: 'bob', message: 'You cannot review your own request; choose someone else.' },
        { reviewer_id: w.users.alice.id, username: 'alice', message: 'alice already has a pending review of this finding.' },
      ],
    });
    expect(error.message).toContain('dave: dave may not see this finding');
    expect(await countRows(w.deps, 'finding_reviews')).toBe(before);
    expect((await eventRows(w.deps, sql`name = 'review_requested'`)).length).toBe(1);
    const bad = await w.clients.bob.post(`/api/findings/${finding.id}/review-requests`, { reviewer_ids: [], note: '' });
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).message).toMatch(/reviewer_ids.*note/);
  });

  it('lets Writers and above ask; Readers get 403 and people who cannot see the finding 404', async () => {
    const { w, finding } = await setUp();
    const body = { reviewer_ids: [w.users.alice.id], note: 'Check' };
    expect((await w.clients.erin.post(`/api/findings/${finding.id}/review-requests`, body)).status).toBe(403);
    expect((await w.clients.carol.post(`/api/findings/${finding.id}/review-requests`, body)).status).toBe(403);
    expect((await w.clients.dave.post(`/api/findings/${finding.id}/review-requests`, body)).status).toBe(404);
    expect(
      (await w.clients.alice.post(`/api/findings/${finding.id}/review-requests`, { ...body, reviewer_ids: [w.users.bob.id] })).status,
    ).toBe(201);
  });

  it('lets the reviewer, and only them, mark the review done once; the finding shows pending and completed reviews', async () => {
    const { w, finding } = await setUp();
    const { items } = (await (
      await w.clients.bob.post(`/api/findings/${finding.id}/review-requests`, {
        reviewer_ids: [w.users.alice.id, w.users.erin.id],
        note: 'Look',
      })
    ).json()) as TReviewList;
    const erinReview = items.find((r) => r.reviewer.username === 'erin')!;
    const aliceReview = items.find((r) => r.reviewer.username === 'alice')!;
    const mine = (await (await w.clients.erin.get('/api/reviews')).json()) as TReviewList;
    expect(mine.items.map((r) => [r.id, r.can_complete])).toEqual([[erinReview.id, true]]);

    expect((await w.clients.bob.post(`/api/reviews/${erinReview.id}/complete`, {})).status).toBe(403);
    expect((await w.clients.dave.post(`/api/reviews/${erinReview.id}/complete`, {})).status).toBe(404);
    const done = await w.clients.erin.post(`/api/reviews/${erinReview.id}/complete`, { comment: 'Not reachable: internal only.' });
    expect(done.status).toBe(200);
    expect((await done.json()) as TReview).toMatchObject({
      status: 'reviewed',
      comment: 'Not reachable: internal only.',
      can_complete: false,
    });
    const again = await w.clients.erin.post(`/api/reviews/${erinReview.id}/complete`);
    expect(again.status).toBe(409);
    expect((await (await w.clients.erin.get('/api/reviews')).json()) as TMyReviewPage).toEqual({
      items: [],
      total: 0,
      pending: 0,
      page: 1,
      page_size: 25,
    });
    expect(((await (await w.clients.erin.get('/api/reviews?status=reviewed')).json()) as TMyReviewPage).items).toHaveLength(1);

    const detail = (await (await w.clients.carol.get(`/api/findings/${finding.id}`)).json()) as TFindingDetail;
    expect(detail.reviews.map((r) => [r.id, r.reviewer.username, r.status])).toEqual([
      [erinReview.id, 'erin', 'reviewed'],
      [aliceReview.id, 'alice', 'pending'],
    ]);
    const list = (await (await w.clients.carol.get(`/api/findings/${finding.id}/reviews`)).json()) as TReviewList;
    expect(list.items.map((r) => r.id)).toEqual([erinReview.id, aliceReview.id]);
    expect((await w.clients.dave.get(`/api/findings/${finding.id}/reviews`)).status).toBe(404);
    // A completed review lets the same person be asked again.
    expect(
      (await w.clients.bob.post(`/api/findings/${finding.id}/review-requests`, { reviewer_ids: [w.users.erin.id], note: 'Once more' }))
        .status,
    ).toBe(201);
  });
});

describe('GET /api/reviews (my reviews)', () => {
  /** Bob asks erin (a Reader of Payments API) to review three of its findings. */
  async function askErin() {
    const { w, finding } = await setUp();
    const others = await w.deps.db.all<{ id: number; title: string }>(
      sql`select id, title from findings where id != ${finding.id} order by id limit 2`,
    );
    const ask = async (findingId: number, note: string) => {
      const res = await w.clients.bob.post(`/api/findings/${findingId}/review-requests`, { reviewer_ids: [w.users.erin.id], note });
      expect(res.status, await res.clone().text()).toBe(201);
      return ((await res.json()) as TReviewList).items[0]!;
    };
    const first = await ask(finding.id, 'First');
    const second = await ask(others[0]!.id, 'Second');
    const third = await ask(others[1]!.id, 'Third');
    return { w, finding, first, second, third };
  }

  const mine = async (w: TWorld, client: keyof TWorld['clients'], query = '') => {
    const res = await w.clients[client].get(`/api/reviews${query}`);
    expect(res.status, await res.clone().text()).toBe(200);
    return (await res.json()) as TMyReviewPage;
  };

  it('lists pending first, then completed, with the finding, product, requester and message; counts the pending ones', async () => {
    const { w, finding, first, second, third } = await askErin();
    expect((await w.clients.erin.post(`/api/reviews/${second.id}/complete`, {})).status).toBe(200);

    const all = await mine(w, 'erin', '?status=all');
    expect(all.items.map((r) => [r.id, r.status])).toEqual([
      [third.id, 'pending'],
      [first.id, 'pending'],
      [second.id, 'reviewed'],
    ]);
    expect(all).toMatchObject({ total: 3, pending: 2, page: 1, page_size: 25 });
    expect(all.items.at(-1)).toMatchObject({
      finding_id: second.finding_id,
      product_id: w.payments.id,
      product_name: 'Payments API',
      requested_by: { username: 'bob' },
      reviewer: { username: 'erin' },
      message: 'Second',
      can_complete: false,
    });
    expect(all.items.find((r) => r.id === first.id)).toMatchObject({
      finding_title: finding.title,
      finding_severity: 'High',
      can_complete: true,
    });

    const pending = await mine(w, 'erin');
    expect(pending.items.map((r) => r.id)).toEqual([third.id, first.id]);
    expect(pending).toMatchObject({ total: 2, pending: 2 });
    const reviewed = await mine(w, 'erin', '?status=reviewed');
    expect(reviewed.items.map((r) => r.id)).toEqual([second.id]);
    expect(reviewed).toMatchObject({ total: 1, pending: 2 });
    const paged = await mine(w, 'erin', '?status=all&page=2&page_size=2');
    expect(paged.items.map((r) => r.id)).toEqual([second.id]);
    expect(paged).toMatchObject({ total: 3, pending: 2, page: 2, page_size: 2 });

    // Only the caller's own reviews: bob asked, he reviews nothing.
    expect(await mine(w, 'bob', '?status=all')).toMatchObject({ items: [], total: 0, pending: 0 });
  });

  it('leaves out reviews of findings the reviewer may no longer see, and they cannot be completed', async () => {
    const { w, first } = await askErin();
    expect((await mine(w, 'erin')).pending).toBe(3);
    await w.deps.db.run(sql`delete from product_members where user_id = ${w.users.erin.id}`);
    expect(await mine(w, 'erin', '?status=all')).toMatchObject({ items: [], total: 0, pending: 0 });
    expect((await w.clients.erin.post(`/api/reviews/${first.id}/complete`, {})).status).toBe(404);
  });

  it('refuses a status or a page it does not know, with the field named', async () => {
    const { w } = await setUp();
    const bad = await w.clients.erin.get('/api/reviews?status=completed');
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).message).toContain('status');
    expect((await w.clients.erin.get('/api/reviews?page_size=101')).status).toBe(400);
    expect((await w.clients.erin.get('/api/reviews?page=0')).status).toBe(400);
  });
});
