/**
 * SLA: configurations (everyone reads them; superusers create, change and delete), a product's configuration and
 * SLA notices (/api/products/{id}/sla, Maintainers and up), and the system settings of the SLA and risk-acceptance
 * notices (/api/system-settings/findings, superusers).
 */
import { createRoute } from '@hono/zod-openapi';
import { ZIntId } from '@tocsin/contract/common';
import { ZSlaConfigurationBody } from '@tocsin/contract/findings';
import {
  ZFindingNoticeSettings,
  ZProductSla,
  ZSlaConfiguration,
  ZSlaConfigurationList,
  ZUpdateFindingNoticeSettingsBody,
  ZUpdateProductSlaBody,
} from '@tocsin/contract/findings-api';
import type { MiddlewareHandler } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../app-context';
import { requireAuth, requireSuperuser } from '../auth/middleware';
import { apiError, commonErrors } from '../lib/api-errors';
import { createRouter, jsonContent } from '../lib/router';
import {
  createSlaConfiguration,
  deleteSlaConfiguration,
  getProductSla,
  getSlaConfiguration,
  listSlaConfigurations,
  updateProductSla,
  updateSlaConfiguration,
} from './configurations';
import { getFindingNoticeSettings, updateFindingNoticeSettings } from './notice-settings';

const idParam = { params: z.object({ id: ZIntId }) };
const jsonBody = <T extends z.ZodType>(schema: T) => ({ body: { content: { 'application/json': { schema } }, required: true } });
const badRequest = apiError('Invalid input; the message names each bad field.');
const superusersOnly = apiError('Only superusers can do this.');

// Before body validation, so a non-superuser hears 403 whatever they send.
const superuserOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  requireSuperuser(c);
  await next();
};

const list = createRoute({
  method: 'get',
  path: '/',
  tags: ['SLA'],
  summary: 'SLA configurations, the default first, each with the number of products using it',
  responses: { 200: jsonContent(ZSlaConfigurationList, 'The configurations'), 401: commonErrors[401] },
});
const show = createRoute({
  method: 'get',
  path: '/{id}',
  tags: ['SLA'],
  summary: 'One SLA configuration',
  request: idParam,
  responses: { 200: jsonContent(ZSlaConfiguration, 'The configuration'), ...commonErrors },
});
const create = createRoute({
  method: 'post',
  path: '/',
  tags: ['SLA'],
  middleware: [superuserOnly] as const,
  summary: 'Add an SLA configuration (superusers)',
  request: jsonBody(ZSlaConfigurationBody),
  responses: {
    201: jsonContent(ZSlaConfiguration, 'Created'),
    400: badRequest,
    401: commonErrors[401],
    403: superusersOnly,
    409: apiError('A configuration with this name exists (names ignore case).'),
  },
});
const update = createRoute({
  method: 'put',
  path: '/{id}',
  tags: ['SLA'],
  middleware: [superuserOnly] as const,
  summary: 'Change an SLA configuration (superusers); the SLA expiry of every finding of the products using it follows at once',
  request: { ...idParam, ...jsonBody(ZSlaConfigurationBody) },
  responses: {
    200: jsonContent(ZSlaConfiguration, 'The configuration as saved'),
    400: badRequest,
    ...commonErrors,
    403: superusersOnly,
    409: apiError('Another configuration has this name.'),
  },
});
const remove = createRoute({
  method: 'delete',
  path: '/{id}',
  tags: ['SLA'],
  middleware: [superuserOnly] as const,
  summary: 'Delete an SLA configuration no product uses (superusers); the default one cannot be deleted',
  request: idParam,
  responses: {
    204: { description: 'Deleted' },
    ...commonErrors,
    403: superusersOnly,
    409: apiError('It is the default, or products use it.'),
  },
});

export const slaConfigurationRoutes = createRouter()
  .openapi(list, async (c) => {
    requireAuth(c);
    return c.json({ items: await listSlaConfigurations(c.var.deps) }, 200);
  })
  .openapi(show, async (c) => {
    requireAuth(c);
    return c.json(await getSlaConfiguration(c.var.deps, c.req.valid('param').id), 200);
  })
  .openapi(create, async (c) => {
    requireSuperuser(c);
    return c.json(await createSlaConfiguration(c.var.deps, c.req.valid('json')), 201);
  })
  .openapi(update, async (c) => {
    requireSuperuser(c);
    return c.json(await updateSlaConfiguration(c.var.deps, c.req.valid('param').id, c.req.valid('json')), 200);
  })
  .openapi(remove, async (c) => {
    requireSuperuser(c);
    await deleteSlaConfiguration(c.var.deps, c.req.valid('param').id);
    return c.body(null, 204);
  });

const productSla = createRoute({
  method: 'get',
  path: '/{id}/sla',
  tags: ['SLA'],
  summary: "A product's SLA configuration (its own or the default) and whether its SLA notices are on",
  request: idParam,
  responses: { 200: jsonContent(ZProductSla, 'The product SLA'), ...commonErrors },
});
const putProductSla = createRoute({
  method: 'put',
  path: '/{id}/sla',
  tags: ['SLA'],
  summary: "Choose a product's SLA configuration (null: the default) or switch its SLA notices off (Maintainer or above)",
  description: 'A new configuration recomputes the SLA expiry of every finding of the product in the same transaction.',
  request: { ...idParam, ...jsonBody(ZUpdateProductSlaBody) },
  responses: {
    200: jsonContent(ZProductSla, 'The product SLA as saved'),
    400: badRequest,
    ...commonErrors,
    403: apiError('The caller may see the product but not edit it (Maintainer or above needed).'),
  },
});

export const productSlaRoutes = createRouter()
  .openapi(productSla, async (c) => c.json(await getProductSla(c.var.deps, requireAuth(c).user, c.req.valid('param').id), 200))
  .openapi(putProductSla, async (c) =>
    c.json(await updateProductSla(c.var.deps, requireAuth(c).user, c.req.valid('param').id, c.req.valid('json')), 200),
  );

const showSettings = createRoute({
  method: 'get',
  path: '/',
  tags: ['System Settings'],
  middleware: [superuserOnly] as const,
  summary: 'The SLA and risk-acceptance notice settings (superusers)',
  responses: { 200: jsonContent(ZFindingNoticeSettings, 'The settings'), 401: commonErrors[401], 403: superusersOnly },
});
const putSettings = createRoute({
  method: 'put',
  path: '/',
  tags: ['System Settings'],
  middleware: [superuserOnly] as const,
  summary: 'Change some SLA and risk-acceptance notice settings (superusers); fields left out keep their value',
  request: jsonBody(ZUpdateFindingNoticeSettingsBody),
  responses: {
    200: jsonContent(ZFindingNoticeSettings, 'The settings as saved'),
    400: badRequest,
    401: commonErrors[401],
    403: superusersOnly,
  },
});

export const findingNoticeSettingsRoutes = createRouter()
  .openapi(showSettings, async (c) => {
    requireSuperuser(c);
    return c.json(await getFindingNoticeSettings(c.var.deps), 200);
  })
  .openapi(putSettings, async (c) => {
    requireSuperuser(c);
    return c.json(await updateFindingNoticeSettings(c.var.deps, c.req.valid('json')), 200);
  });
