/** Findings: a product's list (filtered, paged), one finding, its status and severity; and a product's tags. */
import { createRoute } from '@hono/zod-openapi';
import { ZIntId } from '@tocsin/contract/common';
import { ZFindingStatusChangeBody } from '@tocsin/contract/findings';
import {
  ZFindingDetail,
  ZFindingListQuery,
  ZFindingPage,
  ZFindingStatusChangeResult,
  ZProductTags,
  ZSetProductTagsBody,
  ZUpdateFindingBody,
} from '@tocsin/contract/findings-api';
import { z } from 'zod';
import { requireAuth } from '../auth/middleware';
import { apiError, commonErrors } from '../lib/api-errors';
import { createRouter, jsonContent } from '../lib/router';
import { getProductTags, setProductTags } from './product-tags';
import { changeFindingStatus, getFindingDetail, listProductFindings, updateFinding } from './service';

const idParam = { params: z.object({ id: ZIntId }) };
const jsonBody = <T extends z.ZodType>(schema: T) => ({ body: { content: { 'application/json': { schema } }, required: true } });
const badRequest = apiError('Invalid input; the message names each bad field (details: one entry per field).');
const writeRefused = apiError('The caller may see the finding but not change it (Writer or above needed), or the CSRF token is missing.');

const showFinding = createRoute({
  method: 'get',
  path: '/{id}',
  tags: ['Findings'],
  summary: 'One finding: details, SLA, status history (who and when), notes, reviews and risk acceptance',
  request: idParam,
  responses: { 200: jsonContent(ZFindingDetail, 'The finding'), ...commonErrors },
});

const changeStatus = createRoute({
  method: 'post',
  path: '/{id}/status',
  tags: ['Findings'],
  summary: 'Set the status by hand (Writer or above): active, verified, false_positive, out_of_scope or mitigated',
  description:
    'Writes a status history row with who and when; `note` (the reason) is kept as a note on the finding, and its mentions notify ' +
    'as any note does (the answer reports who was not notified and why). Mitigated sets the mitigation date to today (TIME_ZONE). ' +
    'A risk-accepted finding changes only through its risk acceptance (409).',
  request: { ...idParam, ...jsonBody(ZFindingStatusChangeBody) },
  responses: {
    200: jsonContent(ZFindingStatusChangeResult, 'The finding as it is now, and the mention report of the note'),
    400: badRequest,
    ...commonErrors,
    403: writeRefused,
    409: apiError('The finding already has that status, or a risk acceptance holds it.'),
  },
});

const patchFinding = createRoute({
  method: 'patch',
  path: '/{id}',
  tags: ['Findings'],
  summary: 'Correct the severity (Writer or above); the SLA expiry is recomputed with it',
  request: { ...idParam, ...jsonBody(ZUpdateFindingBody) },
  responses: { 200: jsonContent(ZFindingDetail, 'The finding'), 400: badRequest, ...commonErrors, 403: writeRefused },
});

export const findingRoutes = createRouter()
  .openapi(showFinding, async (c) => c.json(await getFindingDetail(c.var.deps, requireAuth(c).user, c.req.valid('param').id), 200))
  .openapi(changeStatus, async (c) =>
    c.json(await changeFindingStatus(c.var.deps, requireAuth(c).user, c.req.valid('param').id, c.req.valid('json')), 200),
  )
  .openapi(patchFinding, async (c) =>
    c.json(await updateFinding(c.var.deps, requireAuth(c).user, c.req.valid('param').id, c.req.valid('json')), 200),
  );

const listFindings = createRoute({
  method: 'get',
  path: '/{id}/findings',
  tags: ['Findings'],
  summary: "A product's findings: most severe first, then the nearest SLA expiry; each with its SLA days left",
  description:
    'Filters: `severity` and `status` (one value or a comma-separated list), `tag` (case-insensitive), `test_id`, `engagement_id`. ' +
    'Paged with `page` (from 1) and `page_size` (at most 100). `sla.days_left` counts from today in TIME_ZONE (negative: overdue) ' +
    'and is null for findings that are not open or have no SLA.',
  request: { params: z.object({ id: ZIntId }), query: ZFindingListQuery },
  responses: { 200: jsonContent(ZFindingPage, 'One page of findings'), 400: badRequest, ...commonErrors },
});

const showTags = createRoute({
  method: 'get',
  path: '/{id}/tags',
  tags: ['Products'],
  summary: "A product's tags",
  request: idParam,
  responses: { 200: jsonContent(ZProductTags, 'The tags, sorted'), ...commonErrors },
});

const putTags = createRoute({
  method: 'put',
  path: '/{id}/tags',
  tags: ['Products'],
  summary: "Replace a product's tags (Maintainer or above on the product)",
  request: { ...idParam, ...jsonBody(ZSetProductTagsBody) },
  responses: {
    200: jsonContent(ZProductTags, 'The tags as saved'),
    400: badRequest,
    ...commonErrors,
    403: apiError('The caller may see the product but not edit it (Maintainer or above needed).'),
  },
});

export const productFindingRoutes = createRouter()
  .openapi(listFindings, async (c) =>
    c.json(await listProductFindings(c.var.deps, requireAuth(c).user, c.req.valid('param').id, c.req.valid('query')), 200),
  )
  .openapi(showTags, async (c) => c.json(await getProductTags(c.var.deps, requireAuth(c).user, c.req.valid('param').id), 200))
  .openapi(putTags, async (c) =>
    c.json(await setProductTags(c.var.deps, requireAuth(c).user, c.req.valid('param').id, c.req.valid('json')), 200),
  );
