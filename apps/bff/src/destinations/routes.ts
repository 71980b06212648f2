/**
 * Named destinations (/api/destinations), superusers only (others are refused with 403 before their input is
 * read): CRUD, "Send a test", and health in every answer. Their delivery log is /api/deliveries?destination_id=.
 */
import { createRoute } from '@hono/zod-openapi';
import { ZIntId } from '@tocsin/contract/common';
import { ZDestination, ZDestinationBody, ZDestinationList } from '@tocsin/contract/rules';
import { ZTestResult } from '@tocsin/contract/system-settings';
import type { MiddlewareHandler } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../app-context';
import { requireSuperuser } from '../auth/middleware';
import { apiError, commonErrors } from '../lib/api-errors';
import { createRouter, jsonContent } from '../lib/router';
import { createDestination, deleteDestination, getDestination, listDestinations, sendDestinationTest, updateDestination } from './service';

const idParam = { params: z.object({ id: ZIntId }) };
const jsonBody = <T extends z.ZodType>(schema: T) => ({ body: { content: { 'application/json': { schema } }, required: true } });
const badRequest = apiError('Invalid input (the message names each bad field), or a URL the outbound policy refuses.');
const superusersOnly = apiError('Only superusers can do this.');
const nameTaken = apiError('Another destination has this name (names ignore case).');
const tags = ['Destinations'];

const superuserOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  requireSuperuser(c);
  await next();
};

const list = createRoute({
  method: 'get',
  path: '/',
  tags,
  middleware: [superuserOnly] as const,
  summary: 'Named destinations with their health (superusers)',
  responses: { 200: jsonContent(ZDestinationList, 'The destinations, by name'), 401: commonErrors[401], 403: superusersOnly },
});
const show = createRoute({
  method: 'get',
  path: '/{id}',
  tags,
  middleware: [superuserOnly] as const,
  summary: 'One destination (superusers)',
  request: idParam,
  responses: { 200: jsonContent(ZDestination, 'The destination'), ...commonErrors, 403: superusersOnly },
});
const create = createRoute({
  method: 'post',
  path: '/',
  tags,
  middleware: [superuserOnly] as const,
  summary: 'Add a destination (superusers); secrets are write-only',
  request: jsonBody(ZDestinationBody),
  responses: { 201: jsonContent(ZDestination, 'Created'), 400: badRequest, 401: commonErrors[401], 403: superusersOnly, 409: nameTaken },
});
const update = createRoute({
  method: 'put',
  path: '/{id}',
  tags,
  middleware: [superuserOnly] as const,
  summary: 'Change a destination (superusers); a webhook’s new URL drops its stored secrets unless they are sent again',
  request: { ...idParam, ...jsonBody(ZDestinationBody) },
  responses: {
    200: jsonContent(ZDestination, 'The destination as saved'),
    400: badRequest,
    ...commonErrors,
    403: superusersOnly,
    409: nameTaken,
  },
});
const remove = createRoute({
  method: 'delete',
  path: '/{id}',
  tags,
  middleware: [superuserOnly] as const,
  summary: 'Delete a destination and its delivery log (superusers)',
  request: idParam,
  responses: { 204: { description: 'Deleted' }, ...commonErrors, 403: superusersOnly },
});
const test = createRoute({
  method: 'post',
  path: '/{id}/test',
  tags,
  middleware: [superuserOnly] as const,
  summary: 'Send a test message to the destination now (superusers); nothing is stored',
  request: idParam,
  responses: { 200: jsonContent(ZTestResult, 'What the destination answered'), ...commonErrors, 403: superusersOnly },
});

export const destinationRoutes = createRouter()
  .openapi(list, async (c) => {
    requireSuperuser(c);
    return c.json({ items: await listDestinations(c.var.deps) }, 200);
  })
  .openapi(show, async (c) => {
    requireSuperuser(c);
    return c.json(await getDestination(c.var.deps, c.req.valid('param').id), 200);
  })
  .openapi(create, async (c) => {
    requireSuperuser(c);
    return c.json(await createDestination(c.var.deps, c.req.valid('json')), 201);
  })
  .openapi(update, async (c) => {
    requireSuperuser(c);
    return c.json(await updateDestination(c.var.deps, c.req.valid('param').id, c.req.valid('json')), 200);
  })
  .openapi(remove, async (c) => {
    requireSuperuser(c);
    await deleteDestination(c.var.deps, c.req.valid('param').id);
    return c.body(null, 204);
  })
  .openapi(test, async (c) => {
    requireSuperuser(c);
    return c.json(await sendDestinationTest(c.var.deps, c.req.valid('param').id), 200);
  });
