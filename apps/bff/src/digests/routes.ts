/** /api/delivery-preferences: my time zone, digests and quiet hours; the system destinations' digests (superusers). */
import { ZMyDeliveryPreferences, ZUpdateSystemDigestPreferences } from '@tocsin/contract/delivery-preferences';
import { type Context, Hono } from 'hono';
import type { z } from 'zod';
import type { AppEnv } from '../app-context';
import { requireAuth, requireSuperuser } from '../auth/middleware';
import { HttpError, validationError } from '../lib/errors';
import { readMyPreferences, readSystemDigests, updateMyPreferences, updateSystemDigests } from './service';

/** The body read as JSON and validated with the contract's schema; anything else is a 400 saying what is wrong. */
async function parseBody<T>(c: Context<AppEnv>, schema: z.ZodType<T>): Promise<T> {
  let value: unknown;
  try {
    value = JSON.parse(await c.req.text());
  } catch {
    throw new HttpError(400, 'invalid_json', 'The request body is not valid JSON: send the preferences as a JSON object.');
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw validationError(parsed.error);
  return parsed.data;
}

export const deliveryPreferenceRoutes = new Hono<AppEnv>()
  .get('/me', async (c) => c.json(await readMyPreferences(c.var.deps, requireAuth(c).user.id), 200))
  .put('/me', async (c) => {
    const auth = requireAuth(c);
    const body = await parseBody(c, ZMyDeliveryPreferences);
    return c.json(await updateMyPreferences(c.var.deps, auth.user.id, body), 200);
  })
  .get('/system', async (c) => {
    requireSuperuser(c);
    return c.json(await readSystemDigests(c.var.deps), 200);
  })
  .put('/system', async (c) => {
    requireSuperuser(c);
    const body = await parseBody(c, ZUpdateSystemDigestPreferences);
    return c.json(await updateSystemDigests(c.var.deps, body), 200);
  });
