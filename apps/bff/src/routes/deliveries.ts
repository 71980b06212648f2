/** The delivery log: superusers see every delivery, other users their own (and their webhooks'). */
import { createRoute, z } from '@hono/zod-openapi';
import { ZId } from '@tocsin/contract/common';
import { ZDeliveriesQuery, ZDeliveryDetail, ZDeliveryPage, ZDeliveryStats, ZDeliveryStatsQuery } from '@tocsin/contract/deliveries';
import { requireAuth } from '../auth/middleware';
import { createRouter, errorResponses } from '../lib/router';
import { getDelivery, getDeliveryStats, listDeliveries, retryDelivery } from '../services/deliveries';

const tags = ['Deliveries'];
const idParams = z.object({ id: ZId });

const list = createRoute({
  method: 'get',
  path: '/',
  tags,
  summary: 'Deliveries, newest first, filtered by status, channel, event and creation time',
  request: { query: ZDeliveriesQuery },
  responses: {
    200: { description: 'One page of deliveries', content: { 'application/json': { schema: ZDeliveryPage } } },
    400: errorResponses[400],
    401: errorResponses[401],
  },
});

// Declared before /{id} so that "stats" is not read as an id.
const stats = createRoute({
  method: 'get',
  path: '/stats',
  tags,
  summary: 'Sent, failed, queued and retrying deliveries per channel and hour over the last hours (24 by default)',
  request: { query: ZDeliveryStatsQuery },
  responses: {
    200: { description: 'Counts per channel and hour', content: { 'application/json': { schema: ZDeliveryStats } } },
    400: errorResponses[400],
    401: errorResponses[401],
  },
});

const detail = createRoute({
  method: 'get',
  path: '/{id}',
  tags,
  summary: 'One delivery with its attempts and rendered content',
  request: { params: idParams },
  responses: {
    200: { description: 'The delivery', content: { 'application/json': { schema: ZDeliveryDetail } } },
    401: errorResponses[401],
    404: errorResponses[404],
  },
});

const retry = createRoute({
  method: 'post',
  path: '/{id}/retry',
  tags,
  summary: 'Send a failed or retrying delivery again now',
  request: { params: idParams },
  responses: {
    200: { description: 'The delivery after the new attempt', content: { 'application/json': { schema: ZDeliveryDetail } } },
    401: errorResponses[401],
    404: errorResponses[404],
    409: { description: 'The delivery is neither failed nor retrying, or its webhook is deactivated (the message says so).' },
  },
});

export const deliveriesRoutes = createRouter()
  .openapi(list, async (c) => {
    const auth = requireAuth(c);
    return c.json(await listDeliveries(c.var.deps, auth.user, c.req.valid('query')), 200);
  })
  .openapi(stats, async (c) => {
    const auth = requireAuth(c);
    return c.json(await getDeliveryStats(c.var.deps, auth.user, c.req.valid('query').hours), 200);
  })
  .openapi(detail, async (c) => {
    const auth = requireAuth(c);
    return c.json(await getDelivery(c.var.deps, auth.user, c.req.valid('param').id), 200);
  })
  .openapi(retry, async (c) => {
    const auth = requireAuth(c);
    return c.json(await retryDelivery(c.var.deps, auth.user, c.req.valid('param').id), 200);
  });
