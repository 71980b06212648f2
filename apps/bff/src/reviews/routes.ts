/** Review requests on findings (mounted under /api/findings) and the reviewer's side (/api/reviews). */
import { createRoute } from '@hono/zod-openapi';
import { ZIntId } from '@tocsin/contract/common';
import { ZReviewRequestBody } from '@tocsin/contract/findings';
import { ZCompleteReviewBody, ZMyReviewPage, ZMyReviewsQuery, ZReview, ZReviewList } from '@tocsin/contract/findings-api';
import { z } from 'zod';
import { requireAuth } from '../auth/middleware';
import { findVisibleFinding } from '../findings/access';
import { apiError, commonErrors } from '../lib/api-errors';
import { createRouter, jsonContent } from '../lib/router';
import { completeReview, listFindingReviews, listMyReviews, requestReview } from './service';

const idParam = { params: z.object({ id: ZIntId }) };

const request = createRoute({
  method: 'post',
  path: '/{id}/review-requests',
  tags: ['Reviews'],
  summary: 'Ask people to review a finding (Writer or above); each reviewer gets review_requested',
  description:
    'Every reviewer must be an active user, other than the caller, who may see the finding and has no pending review of it; ' +
    'otherwise nothing is asked and the 400 answer names each refused reviewer with the reason (details.refused).',
  request: { ...idParam, body: { content: { 'application/json': { schema: ZReviewRequestBody } }, required: true } },
  responses: {
    201: jsonContent(ZReviewList, 'The pending reviews created, one per reviewer'),
    400: apiError('Invalid input, or reviewers who cannot be asked (details.refused: reviewer_id, username, message).'),
    ...commonErrors,
    403: apiError('The caller may see the finding but not change it (Writer or above needed).'),
  },
});

const listForFinding = createRoute({
  method: 'get',
  path: '/{id}/reviews',
  tags: ['Reviews'],
  summary: 'The reviews of a finding, pending and completed, newest first',
  request: idParam,
  responses: { 200: jsonContent(ZReviewList, 'The reviews'), ...commonErrors },
});

export const findingReviewRoutes = createRouter()
  .openapi(request, async (c) => {
    const items = await requestReview(c.var.deps, requireAuth(c).user, c.req.valid('param').id, c.req.valid('json'));
    return c.json({ items }, 201);
  })
  .openapi(listForFinding, async (c) => {
    const user = requireAuth(c).user;
    const finding = await findVisibleFinding(c.var.deps, user, c.req.valid('param').id);
    return c.json({ items: await listFindingReviews(c.var.deps.db, user, finding.id) }, 200);
  });

const mine = createRoute({
  method: 'get',
  path: '/',
  tags: ['Reviews'],
  summary: "The caller's reviews as a reviewer (default: pending): pending first, then completed, newest first",
  description:
    'Only reviews of findings the caller may still see are listed and counted. `status`: pending, reviewed or all; paged with ' +
    '`page` (from 1) and `page_size` (at most 100); `pending` counts the pending ones whatever the filter.',
  request: { query: ZMyReviewsQuery },
  responses: {
    200: jsonContent(ZMyReviewPage, 'One page of reviews'),
    400: apiError('Invalid input; the message names each bad field.'),
    401: commonErrors[401],
  },
});

const complete = createRoute({
  method: 'post',
  path: '/{id}/complete',
  tags: ['Reviews'],
  summary: 'Mark a review done (the reviewer only), with an optional comment',
  request: { ...idParam, body: { content: { 'application/json': { schema: ZCompleteReviewBody } }, required: false } },
  responses: {
    200: jsonContent(ZReview, 'The review, now reviewed'),
    400: apiError('Invalid input.'),
    ...commonErrors,
    403: apiError('Somebody else is the reviewer.'),
    409: apiError('The review is already marked reviewed.'),
  },
});

export const reviewRoutes = createRouter()
  .openapi(mine, async (c) => c.json(await listMyReviews(c.var.deps, requireAuth(c).user, c.req.valid('query')), 200))
  .openapi(complete, async (c) =>
    c.json(await completeReview(c.var.deps, requireAuth(c).user, c.req.valid('param').id, c.req.valid('json') ?? {}), 200),
  );
