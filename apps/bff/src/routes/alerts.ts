/**
 * The caller's own in-app alerts: list (filtered), one alert, bell summary, remove, clear, restore (Undo), the
 * "seen" mark, and a live count over Server-Sent Events.
 */
import { createRoute } from '@hono/zod-openapi';
import {
  ALERT_FILTERED_TOTAL_CAP,
  CLEARED_IDS_MAX,
  NEW_ALERTS_CAP,
  ZAlert,
  ZAlertListQuery,
  ZAlertPage,
  ZAlertStreamMessage,
  ZAlertSummary,
  ZAlertsSeen,
  ZClearedAlerts,
  ZMarkAlertsSeenBody,
  ZRemoveAlertsBody,
  ZRemovedAlerts,
  ZRestoreAlertsBody,
  ZRestoredAlerts,
} from '@tocsin/contract/alerts';
import { ZId } from '@tocsin/contract/common';
import { z } from 'zod';
import { requireAuth } from '../auth/middleware';
import { createRouter, errorResponses, jsonContent } from '../lib/router';
import { clearAlerts, getAlert, listAlerts, markAlertsSeen, removeAlerts, restoreAlerts, summarizeAlerts } from '../notifications/alerts';
import { getLiveStreamHub } from '../notifications/live-streams';

const jsonBody = <T extends z.ZodType>(schema: T) => ({ body: { content: { 'application/json': { schema } }, required: true } });

const listRoute = createRoute({
  method: 'get',
  path: '/',
  tags: ['Alerts'],
  summary: 'My alerts, newest first; filter by event type, product, time range and text',
  description:
    'Filters narrow together: `event` (catalogue name), `product_id`, `since` (inclusive) and `until` (exclusive) as ISO 8601 ' +
    'instants, and `q` (case-insensitive text in title or description). With a filter, `total` counts matches up to ' +
    `${ALERT_FILTERED_TOTAL_CAP} (\`total_is_exact\` is false beyond). Page with \`page\`, or with \`before_id\` = the previous ` +
    `answer's \`next_before_id\` (constant cost however deep). Items carry \`is_new\`; \`new_count\` counts up to ${NEW_ALERTS_CAP}.`,
  request: { query: ZAlertListQuery },
  responses: { 200: jsonContent(ZAlertPage, 'One page of my alerts'), 400: errorResponses[400], 401: errorResponses[401] },
});

const summaryRoute = createRoute({
  method: 'get',
  path: '/summary',
  tags: ['Alerts'],
  summary: 'What the bell shows: the number of alerts in my list, how many are new, and the newest ones',
  request: { query: z.strictObject({ limit: z.coerce.number().int().min(1).max(50).default(12) }) },
  responses: { 200: jsonContent(ZAlertSummary, 'Count and newest alerts'), 400: errorResponses[400], 401: errorResponses[401] },
});

const getRoute = createRoute({
  method: 'get',
  path: '/{id}',
  tags: ['Alerts'],
  summary: 'One of my alerts, with who raised it',
  request: { params: z.object({ id: ZId }) },
  responses: { 200: jsonContent(ZAlert, 'The alert'), 401: errorResponses[401], 404: { description: 'Not one of my alerts.' } },
});

const seenRoute = createRoute({
  method: 'post',
  path: '/seen',
  tags: ['Alerts'],
  summary: 'I have seen my alerts up to through_id (the bell or the Alerts page was opened)',
  description: 'The mark only moves up, and never past my newest alert. Reading never lowers the bell count.',
  request: jsonBody(ZMarkAlertsSeenBody),
  responses: { 200: jsonContent(ZAlertsSeen, 'The mark and what is new after it'), 400: errorResponses[400], 401: errorResponses[401] },
});

const removeRoute = createRoute({
  method: 'post',
  path: '/remove',
  tags: ['Alerts'],
  summary: 'Remove selected alerts from my list (ids that are not mine are ignored); restorable for ALERT_UNDO_SECONDS',
  request: jsonBody(ZRemoveAlertsBody),
  responses: {
    200: jsonContent(ZRemovedAlerts, 'How many were removed, and the new count'),
    400: errorResponses[400],
    401: errorResponses[401],
  },
});

const restoreRoute = createRoute({
  method: 'post',
  path: '/restore',
  tags: ['Alerts'],
  summary: 'Undo: put back alerts I removed within ALERT_UNDO_SECONDS, with their ids and created times',
  request: jsonBody(ZRestoreAlertsBody),
  responses: {
    200: jsonContent(ZRestoredAlerts, 'How many came back, and the new count'),
    400: errorResponses[400],
    401: errorResponses[401],
  },
});

const clearRoute = createRoute({
  method: 'delete',
  path: '/',
  tags: ['Alerts'],
  summary: 'Clear all my alerts',
  description: `The answer names the ids of the newest ${CLEARED_IDS_MAX} removed alerts (newest first): those can be restored.`,
  responses: { 200: jsonContent(ZClearedAlerts, 'How many were removed, and what can be restored'), 401: errorResponses[401] },
});

const streamRoute = createRoute({
  method: 'get',
  path: '/stream',
  tags: ['Alerts'],
  summary: 'Live alert count (Server-Sent Events)',
  description:
    'An `alerts` event with {count, latest_id, new_count} on connect and whenever my list (or my seen mark) changes; every 25 s a ' +
    'comment line and a `ping` event (data {}) keep the connection open and prove it alive. The stream ends when the session ends.',
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
  .openapi(listRoute, async (c) => c.json(await listAlerts(c.var.deps, requireAuth(c).user.id, c.req.valid('query')), 200))
  .openapi(summaryRoute, async (c) => c.json(await summarizeAlerts(c.var.deps, requireAuth(c).user.id, c.req.valid('query').limit), 200))
  .openapi(streamRoute, async (c) => {
    const auth = requireAuth(c);
    // The OpenAPI type expects JSON; the stream is a plain Response.
    return (await getLiveStreamHub(c.var.deps).open({
      userId: auth.user.id,
      sessionId: auth.sessionId,
      expiresAt: auth.sessionExpiresAt,
    })) as never;
  })
  .openapi(seenRoute, async (c) => c.json(await markAlertsSeen(c.var.deps, requireAuth(c).user.id, c.req.valid('json').through_id), 200))
  .openapi(removeRoute, async (c) => c.json(await removeAlerts(c.var.deps, requireAuth(c).user.id, c.req.valid('json').ids), 200))
  .openapi(restoreRoute, async (c) => c.json(await restoreAlerts(c.var.deps, requireAuth(c).user.id, c.req.valid('json').ids), 200))
  .openapi(clearRoute, async (c) => c.json(await clearAlerts(c.var.deps, requireAuth(c).user.id), 200))
  // After /summary and /stream: those are not ids.
  .openapi(getRoute, async (c) => c.json(await getAlert(c.var.deps, requireAuth(c).user.id, c.req.valid('param').id), 200));
