/** Product types: list and show what the caller may view; superusers and global Maintainers/Owners add them. */
import { createRoute } from '@hono/zod-openapi';
import { ZIntId } from '@tocsin/contract/common';
import { ZCreateProductTypeBody, ZProductType } from '@tocsin/contract/products';
import { z } from 'zod';
import { requireAuth } from '../auth/middleware';
import { createRouter, errorResponses, jsonContent } from '../lib/router';
import { createProductType, getProductType, listProductTypes } from '../services/product-types';

const list = createRoute({
  method: 'get',
  path: '/',
  tags: ['Products'],
  summary: 'Product types the caller may view, with the number of visible products',
  responses: { 200: jsonContent(z.array(ZProductType), 'Product types by name'), 401: errorResponses[401] },
});

const create = createRoute({
  method: 'post',
  path: '/',
  tags: ['Products'],
  summary: 'Add a product type (superusers, global Maintainer/Owner); emits product_type_added',
  request: { body: { content: { 'application/json': { schema: ZCreateProductTypeBody } }, required: true } },
  responses: {
    201: jsonContent(ZProductType, 'Created'),
    400: errorResponses[400],
    401: errorResponses[401],
    403: errorResponses[403],
    409: { description: 'A product type with this name exists.' },
  },
});

const show = createRoute({
  method: 'get',
  path: '/{id}',
  tags: ['Products'],
  summary: 'One product type (404 when not visible)',
  request: { params: z.object({ id: ZIntId }) },
  responses: { 200: jsonContent(ZProductType, 'The product type'), 401: errorResponses[401], 404: errorResponses[404] },
});

const router = createRouter();
router.use('*', async (c, next) => {
  requireAuth(c);
  await next();
});

export const productTypeRoutes = router
  .openapi(list, async (c) => c.json(await listProductTypes(c.var.deps, requireAuth(c).user), 200))
  .openapi(create, async (c) => c.json(await createProductType(c.var.deps, requireAuth(c).user, c.req.valid('json')), 201))
  .openapi(show, async (c) => c.json(await getProductType(c.var.deps, requireAuth(c).user, c.req.valid('param').id), 200));
