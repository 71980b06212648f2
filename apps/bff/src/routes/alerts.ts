/** The caller's own in-app alerts: list, bell summary, remove, clear, and a live count over Server-Sent Events. */
import { createRoute } from '@hono/zod-openapi';
import { ZAlertPage, ZAlertStreamMessage, ZAlertSummary, ZRemoveAlertsBody, ZRemovedAlerts } from '@tocsin/contract/alerts';
import { ZPageQuery } from '@tocsin/contract/common';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { requireAuth } from '../auth/middleware';
import { createRouter, errorResponses, jsonContent } from '../lib/router';
import { subscribeAlertsChanged } from '../notifications/alert-bus';
import { clearAlerts, findAlertStreamMessage, listAlerts, removeAlerts, summarizeAlerts } from '../notifications/alerts';

/** Proxies close idle connections after about a minute; a comment line every 25 s keeps the stream open. */
export const ALERT_STREAM_PING_MS = 25_000;

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
    'An `alerts` event with {count, latest_id} on connect and whenever my list changes; a comment line every 25 s keeps the connection open.',
  responses: {
    200: { description: 'text/event-stream', content: { 'text/event-stream': { schema: ZAlertStreamMessage } } },
    401: errorResponses[401],
  },
});

const router = createRouter();
router.use('*', async (c, next) => {
  requireAuth(c);
  await next();
});

export const alertRoutes = router
  .openapi(listRoute, (c) => {
    const { page, page_size } = c.req.valid('query');
    return c.json(listAlerts(c.var.deps, requireAuth(c).user.id, page, page_size), 200);
  })
  .openapi(summaryRoute, (c) => c.json(summarizeAlerts(c.var.deps, requireAuth(c).user.id, c.req.valid('query').limit), 200))
  .openapi(removeRoute, (c) => c.json(removeAlerts(c.var.deps, requireAuth(c).user.id, c.req.valid('json').ids), 200))
  .openapi(clearRoute, (c) => c.json(clearAlerts(c.var.deps, requireAuth(c).user.id), 200))
  .openapi(streamRoute, (c) => {
    const deps = c.var.deps;
    const userId = requireAuth(c).user.id;
    return streamSSE(c, async (stream) => {
      // Changes arriving while a message is being written collapse into one "dirty" flag: the next message carries the latest count.
      let isDirty = true;
      let wake: (() => void) | null = null;
      const unsubscribe = subscribeAlertsChanged(deps.bus, userId, () => {
        isDirty = true;
        wake?.();
      });
      const ping = setInterval(() => {
        stream.write(': ping\n\n').catch(() => stream.abort());
      }, ALERT_STREAM_PING_MS);
      ping.unref();
      stream.onAbort(() => {
        unsubscribe();
        clearInterval(ping);
        wake?.();
      });
      try {
        while (!stream.aborted && !stream.closed) {
          if (isDirty) {
            isDirty = false;
            await stream.writeSSE({ event: 'alerts', data: JSON.stringify(findAlertStreamMessage(deps, userId)) });
            continue;
          }
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = null;
        }
      } finally {
        unsubscribe();
        clearInterval(ping);
      }
    });
  });
