/**
 * Personal notifications for one product (the product page): GET/PUT /api/products/{id}/notifications.
 * Mounted at /api/products beside the products router; a product the caller cannot view is "not found".
 */
import { createRoute } from '@hono/zod-openapi';
import { ZIntId } from '@tocsin/contract/common';
import { ZSaveSettingsBody, ZSettingsRecord } from '@tocsin/contract/notification-settings';
import type { MiddlewareHandler } from 'hono';
import { z } from 'zod';
import type { AppEnv, Deps, UserRow } from '../app-context';
import { requireAuth } from '../auth/middleware';
import { canViewProduct } from '../auth/rbac';
import { notFound } from '../lib/errors';
import { createRouter, errorResponses, jsonContent } from '../lib/router';
import { getSettingsRecord, saveSettingsRecord, type TRecordKey } from '../notifications/settings';

const params = z.object({ id: ZIntId });

/** Route-level (runs before body validation) because this router shares the /api/products prefix and has no router-wide middleware. */
const authFirst: MiddlewareHandler<AppEnv> = async (c, next) => {
  requireAuth(c);
  await next();
};

const getRoute = createRoute({
  method: 'get',
  path: '/{id}/notifications',
  tags: ['Notification settings'],
  middleware: [authFirst] as const,
  summary: 'My notification settings for this product (events about a product only; alert, mail, Slack)',
  request: { params },
  responses: {
    200: jsonContent(ZSettingsRecord, 'My record for the product'),
    400: errorResponses[400],
    401: errorResponses[401],
    404: errorResponses[404],
  },
});

const putRoute = createRoute({
  method: 'put',
  path: '/{id}/notifications',
  tags: ['Notification settings'],
  middleware: [authFirst] as const,
  summary: 'Save my notification settings for this product',
  request: { params, body: { content: { 'application/json': { schema: ZSaveSettingsBody } }, required: true } },
  responses: {
    200: jsonContent(ZSettingsRecord, 'My record for the product, as saved'),
    400: errorResponses[400],
    401: errorResponses[401],
    404: errorResponses[404],
  },
});

async function findProductRecordKey(deps: Deps, user: UserRow, productId: number): Promise<TRecordKey> {
  if (!(await canViewProduct(deps, user, productId))) throw notFound(`Product ${productId}`);
  return { scope: 'product', userId: user.id, productId };
}

export const productNotificationRoutes = createRouter()
  .openapi(getRoute, async (c) => {
    const key = await findProductRecordKey(c.var.deps, requireAuth(c).user, c.req.valid('param').id);
    return c.json(await getSettingsRecord(c.var.deps, key), 200);
  })
  .openapi(putRoute, async (c) => {
    const key = await findProductRecordKey(c.var.deps, requireAuth(c).user, c.req.valid('param').id);
    return c.json(await saveSettingsRecord(c.var.deps, key, c.req.valid('json')), 200);
  });
