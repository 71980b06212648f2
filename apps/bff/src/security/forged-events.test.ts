/**
 * Forged events and recipients: POST /api/events by every role, about a product, a product type, an engagement and
 * nothing at all, and with recipients a role may not name. A refusal inserts nothing (events, alerts, deliveries
 * counted before and after); an accepted event says on every alert who raised it.
 */
import type { TAlert } from '@tocsin/contract/alerts';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenClient, type TTestClient } from '../test-utils';
import { createWorld, ok, type TRoleName, type TWorld } from './world';

let w: TWorld;
beforeAll(async () => {
  w = await createWorld();
});
afterAll(async () => {
  await w.close();
});

async function footprint() {
  const count = async (table: string) =>
    Number((await w.deps.db.get<{ n: number }>(sql`select count(*) as n from ${sql.identifier(table)}`))?.n ?? 0);
  return { events: await count('events'), alerts: await count('alerts'), deliveries: await count('deliveries') };
}

type TContext = 'product' | 'productType' | 'engagement' | 'none';
const contextFields = (ctx: TContext): Record<string, number> =>
  ctx === 'product'
    ? { product_id: w.ids.product }
    : ctx === 'productType'
      ? { product_type_id: w.ids.productType }
      : ctx === 'engagement'
        ? { engagement_id: w.ids.engagement }
        : {};

/**
 * Who may raise what. Product members hold their role on the product, not on its type: they may view the type
 * (through the product) but not write there.
 */
const RAISE: Record<TContext, Record<TRoleName, number>> = {
  product: { anonymous: 401, stranger: 404, reader: 403, writer: 202, maintainer: 202, superuser: 202 },
  engagement: { anonymous: 401, stranger: 404, reader: 403, writer: 202, maintainer: 202, superuser: 202 },
  productType: { anonymous: 401, stranger: 404, reader: 403, writer: 403, maintainer: 403, superuser: 202 },
  none: { anonymous: 401, stranger: 403, reader: 403, writer: 403, maintainer: 403, superuser: 202 },
};

describe('who may raise which event', () => {
  for (const ctx of Object.keys(RAISE) as TContext[]) {
    for (const [role, status] of Object.entries(RAISE[ctx]) as [TRoleName, number][]) {
      it(`${role}, an event about ${ctx === 'none' ? 'nothing in particular' : `the ${ctx}`}: ${status}`, async () => {
        const before = await footprint();
        const res = await w.send(role, 'POST', '/api/events', {
          event: ctx === 'none' ? 'user_mentioned' : 'risk_acceptance_expiration',
          title: 'Click here',
          url: 'https://evil.example/login',
          ...contextFields(ctx),
        });
        const body = (await res.json()) as { error?: { code: string; message: string } };
        expect(res.status, JSON.stringify(body)).toBe(status);
        if (status === 202) {
          expect((await footprint()).events).toBe(before.events + 1);
        } else {
          expect(body.error?.message).toBeTruthy();
          expect(await footprint()).toEqual(before);
        }
      });
    }
  }

  it('integration tokens: context-free only with the permission a superuser gave; a personal token of a user never', async () => {
    const root = w.clients.superuser;
    const allowed = await ok<{ key: string }>(
      root.post('/api/users/integration-tokens', { name: 'Scanner', owner_id: w.users.superuser.id, can_raise_context_free: true }),
    );
    const plain = await ok<{ key: string }>(root.post('/api/users/integration-tokens', { name: 'Plain', owner_id: w.users.superuser.id }));
    const body = { event: 'other', title: 'From CI' };
    const send = (key: string) =>
      w.app.request('http://localhost/api/events', {
        method: 'POST',
        headers: { authorization: `Token ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await send(allowed.key)).status).toBe(202);
    const before = await footprint();
    expect((await send(plain.key)).status).toBe(403);
    const writerToken: TTestClient = await createTokenClient(w.app, w.deps, w.users.writer, 'writer ci');
    expect((await writerToken.post('/api/events', body)).status).toBe(403);
    expect(await footprint()).toEqual(before);
  });
});

describe('recipients a role cannot name', () => {
  it('a Writer naming someone who cannot view the product is refused with a 400 that names them; nothing is raised', async () => {
    const before = await footprint();
    const res = await w.clients.writer.post('/api/events', {
      event: 'user_mentioned',
      title: 'You were mentioned',
      product_id: w.ids.product,
      recipients: ['reader', 'stranger', 'victim'],
    });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('recipients_cannot_view');
    expect(error.message).toContain('stranger');
    expect(error.message).toContain('victim');
    expect(error.message).not.toMatch(/\breader\b/);
    expect(await footprint()).toEqual(before);
  });

  it('unknown usernames are named too, and nothing is raised', async () => {
    const before = await footprint();
    const res = await w.clients.writer.post('/api/events', {
      event: 'user_mentioned',
      title: 'Hi',
      product_id: w.ids.product,
      recipients: ['nobody-here'],
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('nobody-here');
    expect(await footprint()).toEqual(before);
  });

  it('a user without access cannot reach anyone with recipients: the product is not found first', async () => {
    const before = await footprint();
    const res = await w.clients.stranger.post('/api/events', {
      event: 'user_mentioned',
      title: 'Hi',
      product_id: w.ids.product,
      recipients: ['reader'],
    });
    expect(res.status).toBe(404);
    expect(await footprint()).toEqual(before);
  });
});

describe('raised by', () => {
  it('every alert of an accepted event names who raised it, in the list and in the detail', async () => {
    await ok(w.clients.writer.post('/api/events', { event: 'other', title: 'Deployed v2', product_id: w.ids.product }));
    const token = await createTokenClient(w.app, w.deps, w.users.writer, 'GitLab CI');
    await ok(token.post('/api/events', { event: 'other', title: 'Pipeline green', product_id: w.ids.product }));
    const list = await ok<{ items: TAlert[] }>(w.clients.reader.get('/api/alerts'));
    const deployed = list.items.find((a) => a.title === 'Deployed v2');
    const green = list.items.find((a) => a.title === 'Pipeline green');
    expect(deployed?.raised_by).toBe('writer');
    expect(green?.raised_by).toBe("writer via token 'GitLab CI'");
    const detail = await ok<TAlert>(w.clients.reader.get(`/api/alerts/${deployed?.id}`));
    expect(detail.raised_by).toBe('writer');
    // Tocsin's own events say so.
    const seeded = (await ok<{ items: TAlert[] }>(w.clients.superuser.get('/api/alerts'))).items.find((a) =>
      a.title.includes('Payments API'),
    );
    expect(seeded?.raised_by).toBe('Tocsin');
  });
});
