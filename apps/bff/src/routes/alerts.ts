/** The caller's own in-app alerts: list, bell summary, remove, clear, and a live count over Server-Sent Events. */
import { createRoute } from '@hono/zod-openapi';
import { ZAlertPage, ZAlertStreamMessage, ZAlertSummary, ZRemoveAlertsBody, ZRemovedAlerts } from '@tocsin/contract/alerts';
import { ZPageQuery } from '@tocsin/contract/common';
import { z } from 'zod';
import { requireAuth } from '../auth/middleware';
import { createRouter, errorResponses, jsonContent } from '../lib/router';
import { clearAlerts, listAlerts, removeAlerts, summarizeAlerts } from '../notifications/alerts';
import { getLiveStreamHub } from '../notifications/live-streams';

const listRoute = createRoute({
  method: 'get',
  path: '/',
  tags: ['Alerts'],
  summary: 'My alerts, newest first',
  request: { query: ZPageQuery },
  responses: { 200: jsonContent(ZAlertPage, 'One page of my alerts'), 400: errorResponses[400], 401: errorResponses[401] },
});

const summaryRoute = createRoute({
  method: 'get',
  path: '/summary',
  tags: ['Alerts'],
  summary: 'What the bell shows: the number of alerts in my list and the newest ones',
  request: { query: z.object({ limit: z.coerce.number().int().min(1).max(50).default(12) }) },
  responses: { 200: jsonContent(ZAlertSummary, 'Count and newest alerts'), 400: errorResponses[400], 401: errorResponses[401] },
});

const removeRoute = createRoute({
  method: 'post',
  path: '/remove',
  tags: ['Alerts'],
  summary: 'Remove selected alerts from my list (ids that are not mine are ignored)',
  request: { body: { content: { 'application/json': { schema: ZRemoveAlertsBody } }, required: true } },
  responses: {
    200: jsonContent(ZRemovedAlerts, 'How many were removed, and the new count'),
    400: errorResponses[400],
    401: errorResponses[401],
  },
});

const clearRoute = createRoute({
  method: 'delete',
  path: '/',
  tags: ['Alerts'],
  summary: 'Clear all my alerts',
  responses: { 200: jsonContent(ZRemovedAlerts, 'How many were removed'), 401: errorResponses[401] },
});

const streamRoute = createRoute({
  method: 'get',
  path: '/stream',
  tags: ['Alerts'],
  summary: 'Live alert count (Server-Sent Events)',
  description:
    'An `alerts` event with {count, latest_id} on connect and whenever my list changes; a comment line every 25 s keeps the connection open. The stream ends when the session ends.',
  responses: {
    200: { description: 'text/event-stream', content: { 'text/event-stream': { schema: ZAlertStreamMessage } } },
    401: errorResponses[401],
    429: { description: 'Too many live connections for this user (see STREAM_LIMIT_PER_USER); poll the summary instead.' },
  },
});

const router = createRouter();
router.use('*', async (c, next) => {
  requireAuth(c);
  await next();
});

export const alertRoutes = router
  .openapi(listRoute, async (c) => {
    const { page, page_size } = c.req.valid('query');
    return c.json(await listAlerts(c.var.deps, requireAuth(c).user.id, page, page_size), 200);
  })
  .openapi(summaryRoute, async (c) => c.json(await summarizeAlerts(c.var.deps, requireAuth(c).user.id, c.req.valid('query').limit), 200))
  .openapi(removeRoute, async (c) => c.json(await removeAlerts(c.var.deps, requireAuth(c).user.id, c.req.valid('json').ids), 200))
  .openapi(clearRoute, async (c) => c.json(await clearAlerts(c.var.deps, requireAuth(c).user.id), 200))
  .openapi(streamRoute, async (c) => {
    const auth = requireAuth(c);
    // The OpenAPI type expects JSON; the stream is a plain Response.
    return (await getLiveStreamHub(c.var.deps).open({
      userId: auth.user.id,
      sessionId: auth.sessionId,
      expiresAt: auth.sessionExpiresAt,
    })) as never;
  });
