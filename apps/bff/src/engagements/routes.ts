/** Engagements: list and show within what the caller may view; Writers and up add, close and reopen them. */
import { createRoute } from '@hono/zod-openapi';
import { ZIntId } from '@tocsin/contract/common';
import { ZCreateEngagementBody, ZEngagement, ZEngagementDetail } from '@tocsin/contract/products';
import { z } from 'zod';
import { requireAuth } from '../auth/middleware';
import { createRouter, errorResponses, jsonContent } from '../lib/router';
import { closeEngagement, createEngagement, getEngagementDetail, listEngagements, reopenEngagement } from './service';

const idParam = { params: z.object({ id: ZIntId }) };

const list = createRoute({
  method: 'get',
  path: '/',
  tags: ['Engagements'],
  summary: 'Engagements the caller may view, optionally of one product',
  request: { query: z.object({ product_id: ZIntId.optional() }) },
  responses: {
    200: jsonContent(z.array(ZEngagement), 'Engagements, latest start first'),
    400: errorResponses[400],
    401: errorResponses[401],
    404: errorResponses[404],
  },
});

const create = createRoute({
  method: 'post',
  path: '/',
  tags: ['Engagements'],
  summary: 'Add an engagement (Writer or higher on the product); emits engagement_added',
  request: { body: { content: { 'application/json': { schema: ZCreateEngagementBody } }, required: true } },
  responses: { 201: jsonContent(ZEngagement, 'Created'), 400: errorResponses[400], 401: errorResponses[401], 403: errorResponses[403] },
});

const show = createRoute({
  method: 'get',
  path: '/{id}',
  tags: ['Engagements'],
  summary: 'One engagement (404 when not visible), with whether the caller may close or reopen it',
  request: idParam,
  responses: { 200: jsonContent(ZEngagementDetail, 'The engagement'), 401: errorResponses[401], 404: errorResponses[404] },
});

const close = createRoute({
  method: 'post',
  path: '/{id}/close',
  tags: ['Engagements'],
  summary: 'Close an engagement (status Completed); emits close_engagement',
  request: idParam,
  responses: {
    200: jsonContent(ZEngagement, 'The closed engagement'),
    401: errorResponses[401],
    403: errorResponses[403],
    404: errorResponses[404],
    409: { description: 'Already closed.' },
  },
});

const reopen = createRoute({
  method: 'post',
  path: '/{id}/reopen',
  tags: ['Engagements'],
  summary: 'Reopen a closed engagement (status In Progress; Writer or higher on the product)',
  request: idParam,
  responses: {
    200: jsonContent(ZEngagement, 'The reopened engagement'),
    401: errorResponses[401],
    403: errorResponses[403],
    404: errorResponses[404],
    409: { description: 'The engagement is not closed.' },
  },
});

const router = createRouter();
router.use('*', async (c, next) => {
  requireAuth(c);
  await next();
});

export const engagementRoutes = router
  .openapi(list, async (c) => c.json(await listEngagements(c.var.deps, requireAuth(c).user, c.req.valid('query').product_id), 200))
  .openapi(create, async (c) => c.json(await createEngagement(c.var.deps, requireAuth(c).user, c.req.valid('json')), 201))
  .openapi(show, async (c) => c.json(await getEngagementDetail(c.var.deps, requireAuth(c).user, c.req.valid('param').id), 200))
  .openapi(close, async (c) => c.json(await closeEngagement(c.var.deps, requireAuth(c).user, c.req.valid('param').id), 200))
  .openapi(reopen, async (c) => c.json(await reopenEngagement(c.var.deps, requireAuth(c).user, c.req.valid('param').id), 200));
