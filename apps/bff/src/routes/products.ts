/** Products: list and show what the caller may view (404 otherwise); Maintainers/Owners of the product type add them. */
import { createRoute } from '@hono/zod-openapi';
import { ZIntId } from '@tocsin/contract/common';
import { ZCreateProductBody, ZProduct, ZProductDetail } from '@tocsin/contract/products';
import { z } from 'zod';
import { requireAuth } from '../auth/middleware';
import { createRouter, errorResponses, jsonContent } from '../lib/router';
import { createProduct, getProductDetail, listProducts } from '../services/products';

const list = createRoute({
  method: 'get',
  path: '/',
  tags: ['Products'],
  summary: 'Products the caller may view, optionally of one product type',
  request: { query: z.object({ product_type_id: ZIntId.optional() }) },
  responses: {
    200: jsonContent(z.array(ZProduct), 'Products by name'),
    400: errorResponses[400],
    401: errorResponses[401],
    404: errorResponses[404],
  },
});

const create = createRoute({
  method: 'post',
  path: '/',
  tags: ['Products'],
  summary: 'Add a product (superusers, global or product-type Maintainer/Owner); emits product_added',
  request: { body: { content: { 'application/json': { schema: ZCreateProductBody } }, required: true } },
  responses: {
    201: jsonContent(ZProduct, 'Created'),
    400: errorResponses[400],
    401: errorResponses[401],
    403: errorResponses[403],
    409: { description: 'A product with this name exists.' },
  },
});

const show = createRoute({
  method: 'get',
  path: '/{id}',
  tags: ['Products'],
  summary: 'One product with its engagements (404 when not visible)',
  request: { params: z.object({ id: ZIntId }) },
  responses: { 200: jsonContent(ZProductDetail, 'The product'), 401: errorResponses[401], 404: errorResponses[404] },
});

const router = createRouter();
router.use('*', async (c, next) => {
  requireAuth(c);
  await next();
});

export const productRoutes = router
  .openapi(list, async (c) => c.json(await listProducts(c.var.deps, requireAuth(c).user, c.req.valid('query').product_type_id), 200))
  .openapi(create, async (c) => c.json(await createProduct(c.var.deps, requireAuth(c).user, c.req.valid('json')), 201))
  .openapi(show, async (c) => c.json(await getProductDetail(c.var.deps, requireAuth(c).user, c.req.valid('param').id), 200));
