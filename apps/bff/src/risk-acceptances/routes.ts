/** Risk acceptances: on a product or an engagement (Writer or above), listed per product, and one by id. */
import { createRoute } from '@hono/zod-openapi';
import { ZIntId } from '@tocsin/contract/common';
import { ZCreateRiskAcceptanceBody } from '@tocsin/contract/findings';
import { ZRiskAcceptance, ZRiskAcceptanceList } from '@tocsin/contract/findings-api';
import { z } from 'zod';
import { requireAuth } from '../auth/middleware';
import { apiError, commonErrors } from '../lib/api-errors';
import { createRouter, jsonContent } from '../lib/router';
import { createRiskAcceptance, getRiskAcceptance, listProductRiskAcceptances } from './service';

const idParam = { params: z.object({ id: ZIntId }) };
const CREATE_TEXT =
  'Accepts chosen open (active or verified) findings: their status becomes risk_accepted, with a history row each. Refused as a ' +
  'whole (400, details per problem) when a finding is outside the scope, not open or already accepted, the owner is not an ' +
  'active user who may see the product, or expires_on is not after today. A heads-up goes out risk_acceptance_heads_up_days ' +
  'before expires_on (System Settings), and a notice when it expires; reactivate_expired then makes the findings active again.';

const create = (scope: 'product' | 'engagement') =>
  createRoute({
    method: 'post',
    path: '/{id}/risk-acceptances',
    tags: ['Risk Acceptances'],
    summary: `Accept the risk of findings of ${scope === 'product' ? 'a product' : 'an engagement'} (Writer or above)`,
    description: CREATE_TEXT,
    request: { ...idParam, body: { content: { 'application/json': { schema: ZCreateRiskAcceptanceBody } }, required: true } },
    responses: {
      201: jsonContent(ZRiskAcceptance, 'The risk acceptance'),
      400: apiError('Invalid input, or findings, owner or expiry that cannot be accepted (details: path and message per problem).'),
      ...commonErrors,
      403: apiError('The caller may see the product but not write to it (Writer or above needed).'),
    },
  });

const listForProduct = createRoute({
  method: 'get',
  path: '/{id}/risk-acceptances',
  tags: ['Risk Acceptances'],
  summary: 'The risk acceptances of a product, newest first',
  request: idParam,
  responses: { 200: jsonContent(ZRiskAcceptanceList, 'The risk acceptances'), ...commonErrors },
});

export const productRiskAcceptanceRoutes = createRouter()
  .openapi(create('product'), async (c) =>
    c.json(await createRiskAcceptance(c.var.deps, requireAuth(c).user, { productId: c.req.valid('param').id }, c.req.valid('json')), 201),
  )
  .openapi(listForProduct, async (c) =>
    c.json({ items: await listProductRiskAcceptances(c.var.deps, requireAuth(c).user, c.req.valid('param').id) }, 200),
  );

export const engagementRiskAcceptanceRoutes = createRouter().openapi(create('engagement'), async (c) =>
  c.json(await createRiskAcceptance(c.var.deps, requireAuth(c).user, { engagementId: c.req.valid('param').id }, c.req.valid('json')), 201),
);

const show = createRoute({
  method: 'get',
  path: '/{id}',
  tags: ['Risk Acceptances'],
  summary: 'One risk acceptance with its findings',
  request: idParam,
  responses: { 200: jsonContent(ZRiskAcceptance, 'The risk acceptance'), ...commonErrors },
});

export const riskAcceptanceRoutes = createRouter().openapi(show, async (c) =>
  c.json(await getRiskAcceptance(c.var.deps, requireAuth(c).user, c.req.valid('param').id), 200),
);
