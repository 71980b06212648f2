/** Webhook endpoints: superusers manage all (system ones and users'), other users their own. */
import { createRoute, z } from '@hono/zod-openapi';
import { ZIntId } from '@tocsin/contract/common';
import { ZTestResult } from '@tocsin/contract/system-settings';
import { ZCreateWebhookBody, ZSavedWebhook, ZUpdateWebhookBody, ZWebhook, ZWebhookList } from '@tocsin/contract/webhooks';
import { requireAuth } from '../auth/middleware';
import { createRouter, errorResponses } from '../lib/router';
import {
  activateWebhook,
  createWebhook,
  deactivateWebhook,
  deleteWebhook,
  listWebhooks,
  sendWebhookTest,
  updateWebhook,
} from '../services/webhooks';

const tags = ['Webhooks'];
const idParams = z.object({ id: ZIntId });
const webhookResponse = (description: string) => ({ description, content: { 'application/json': { schema: ZWebhook } } });
const savedResponse = (description: string) => ({ description, content: { 'application/json': { schema: ZSavedWebhook } } });
const pingFailed = {
  description:
    'Invalid input, a URL the outbound policy refuses (an internal address not listed in OUTBOUND_ALLOW), or the endpoint ' +
    'did not accept the ping (code ping_failed; what it answered is shown to superusers only); nothing was saved.',
};

const list = createRoute({
  method: 'get',
  path: '/',
  tags,
  summary: 'Webhooks: all for superusers, otherwise the caller’s own',
  responses: {
    200: { description: 'The webhooks, by name', content: { 'application/json': { schema: ZWebhookList } } },
    401: errorResponses[401],
  },
});

const create = createRoute({
  method: 'post',
  path: '/',
  tags,
  summary: 'Add a webhook; a ping is sent first and nothing is saved unless it is accepted',
  description:
    'Without a signing_secret, Tocsin generates one (whsec_…) and returns it once, as new_signing_secret. ' +
    'Secrets are never returned otherwise.',
  request: { body: { content: { 'application/json': { schema: ZCreateWebhookBody } }, required: true } },
  responses: {
    201: savedResponse('The new webhook, with the generated signing secret (once)'),
    400: pingFailed,
    401: errorResponses[401],
    403: { description: 'A non-superuser tried to add a webhook for someone else or a system webhook.' },
    409: { description: 'A webhook with this name (ignoring case) exists.' },
  },
});

const update = createRoute({
  method: 'patch',
  path: '/{id}',
  tags,
  summary: 'Edit a webhook; the edited endpoint is pinged first and nothing is saved unless it accepts',
  description:
    'A new url drops the stored header value and signing secret unless this request enters them again; a new signing ' +
    'secret is then generated and returned once, as new_signing_secret.',
  request: { params: idParams, body: { content: { 'application/json': { schema: ZUpdateWebhookBody } }, required: true } },
  responses: {
    200: savedResponse('The edited webhook'),
    400: pingFailed,
    401: errorResponses[401],
    403: { description: 'A non-superuser tried to change the owner.' },
    404: errorResponses[404],
    409: { description: 'A webhook with this name (ignoring case) exists.' },
  },
});

const remove = createRoute({
  method: 'delete',
  path: '/{id}',
  tags,
  summary: 'Delete a webhook (and its deliveries)',
  request: { params: idParams },
  responses: { 204: { description: 'Deleted' }, 401: errorResponses[401], 404: errorResponses[404] },
});

const deactivate = createRoute({
  method: 'post',
  path: '/{id}/deactivate',
  tags,
  summary: 'Stop sending to this webhook (permanently inactive until reactivated)',
  request: { params: idParams },
  responses: { 200: webhookResponse('The webhook'), 401: errorResponses[401], 404: errorResponses[404] },
});

const activate = createRoute({
  method: 'post',
  path: '/{id}/activate',
  tags,
  summary: 'Reactivate a webhook and forget its errors',
  request: { params: idParams },
  responses: { 200: webhookResponse('The webhook'), 401: errorResponses[401], 404: errorResponses[404] },
});

const test = createRoute({
  method: 'post',
  path: '/{id}/test',
  tags,
  summary: 'Send a ping to the webhook now and report the outcome (what the receiver answered: superusers only)',
  request: { params: idParams },
  responses: {
    200: { description: 'The outcome: ok, or the receiver’s error', content: { 'application/json': { schema: ZTestResult } } },
    401: errorResponses[401],
    404: errorResponses[404],
  },
});

export const webhooksRoutes = createRouter()
  .openapi(list, async (c) => {
    const auth = requireAuth(c);
    return c.json({ items: await listWebhooks(c.var.deps, auth.user) }, 200);
  })
  .openapi(create, async (c) => {
    const auth = requireAuth(c);
    return c.json(await createWebhook(c.var.deps, auth.user, c.req.valid('json')), 201);
  })
  .openapi(update, async (c) => {
    const auth = requireAuth(c);
    return c.json(await updateWebhook(c.var.deps, auth.user, c.req.valid('param').id, c.req.valid('json')), 200);
  })
  .openapi(remove, async (c) => {
    const auth = requireAuth(c);
    await deleteWebhook(c.var.deps, auth.user, c.req.valid('param').id);
    return c.body(null, 204);
  })
  .openapi(deactivate, async (c) => {
    const auth = requireAuth(c);
    return c.json(await deactivateWebhook(c.var.deps, auth.user, c.req.valid('param').id), 200);
  })
  .openapi(activate, async (c) => {
    const auth = requireAuth(c);
    return c.json(await activateWebhook(c.var.deps, auth.user, c.req.valid('param').id), 200);
  })
  .openapi(test, async (c) => {
    const auth = requireAuth(c);
    return c.json(await sendWebhookTest(c.var.deps, auth.user, c.req.valid('param').id), 200);
  });
