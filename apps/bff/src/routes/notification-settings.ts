/**
 * The notification matrix: GET/PUT /api/notifications/settings/{scope}.
 * system and template are superuser-only; personal is always the caller's own record.
 */
import { createRoute } from '@hono/zod-openapi';
import { ZSaveSettingsBody, ZSettingsRecord, ZSettingsScope } from '@tocsin/contract/notification-settings';
import type { Context } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../app-context';
import { requireAuth, requireSuperuser } from '../auth/middleware';
import { createRouter, errorResponses, jsonContent } from '../lib/router';
import { getSettingsRecord, saveSettingsRecord, type TRecordKey } from '../notifications/settings';

const params = z.object({ scope: ZSettingsScope });

const getRoute = createRoute({
  method: 'get',
  path: '/{scope}',
  tags: ['Notification settings'],
  summary: 'Read a settings record: system or template (superusers), or my personal one',
  request: { params },
  responses: {
    200: jsonContent(ZSettingsRecord, 'Events, the columns shown now, and the channels selected per event'),
    400: errorResponses[400],
    401: errorResponses[401],
    403: errorResponses[403],
  },
});

const putRoute = createRoute({
  method: 'put',
  path: '/{scope}',
  tags: ['Notification settings'],
  summary: 'Save a settings record; only the channels named in `columns` (default: the columns shown now) change',
  request: { params, body: { content: { 'application/json': { schema: ZSaveSettingsBody } }, required: true } },
  responses: {
    200: jsonContent(ZSettingsRecord, 'The record as saved'),
    400: errorResponses[400],
    401: errorResponses[401],
    403: errorResponses[403],
  },
});

/** The record the caller may act on for a scope; throws 403 for system/template unless superuser. */
function findRecordKey(c: Context<AppEnv>, scope: z.infer<typeof ZSettingsScope>): TRecordKey {
  if (scope === 'personal') return { scope, userId: requireAuth(c).user.id };
  requireSuperuser(c);
  return { scope };
}

const router = createRouter();
router.use('*', async (c, next) => {
  requireAuth(c);
  await next();
});

export const notificationSettingsRoutes = router
  .openapi(getRoute, async (c) => c.json(await getSettingsRecord(c.var.deps, findRecordKey(c, c.req.valid('param').scope)), 200))
  .openapi(putRoute, async (c) => {
    const key = findRecordKey(c, c.req.valid('param').scope);
    return c.json(await saveSettingsRecord(c.var.deps, key, c.req.valid('json')), 200);
  });
