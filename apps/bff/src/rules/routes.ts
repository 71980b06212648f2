/**
 * Rules: /api/rules, the caller's own personal rules (another user's rule is 404), and /api/system-rules,
 * the rules that route events to named destinations (superusers; others are refused with 403). Each has a
 * preview: how many of the last 30 days' events the caller may see the rule would have matched.
 */
import { createRoute } from '@hono/zod-openapi';
import { ZIntId } from '@tocsin/contract/common';
import { ZPersonalRuleBody, ZRule, ZRuleList, ZRulePreview, ZRulePreviewBody, ZSystemRuleBody } from '@tocsin/contract/rules';
import type { MiddlewareHandler } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../app-context';
import { requireAuth, requireSuperuser } from '../auth/middleware';
import { apiError, commonErrors } from '../lib/api-errors';
import { createRouter, jsonContent } from '../lib/router';
import { deleteRule, getRule, listRules, previewRule, savePersonalRule, saveSystemRule } from './service';

const idParam = { params: z.object({ id: ZIntId }) };
const jsonBody = <T extends z.ZodType>(schema: T) => ({ body: { content: { 'application/json': { schema } }, required: true } });
const badRequest = apiError('Invalid input; the message names each bad field.');
const superusersOnly = apiError('Only superusers can do this.');

// Before body validation, so a non-superuser hears 403 whatever they send.
const superuserOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  requireSuperuser(c);
  await next();
};

const personalTags = ['Rules'];
const systemTags = ['System rules'];

const list = createRoute({
  method: 'get',
  path: '/',
  tags: personalTags,
  summary: "The caller's personal rules",
  responses: { 200: jsonContent(ZRuleList, 'The rules, by name'), 401: commonErrors[401] },
});
const show = createRoute({
  method: 'get',
  path: '/{id}',
  tags: personalTags,
  summary: 'One of the caller’s rules',
  request: idParam,
  responses: { 200: jsonContent(ZRule, 'The rule'), ...commonErrors },
});
const create = createRoute({
  method: 'post',
  path: '/',
  tags: personalTags,
  summary: 'Add a personal rule: its channels are added for matching events, on top of the personal settings',
  request: jsonBody(ZPersonalRuleBody),
  responses: { 201: jsonContent(ZRule, 'Created'), 400: badRequest, 401: commonErrors[401] },
});
const update = createRoute({
  method: 'put',
  path: '/{id}',
  tags: personalTags,
  summary: 'Change one of the caller’s rules (the whole rule)',
  request: { ...idParam, ...jsonBody(ZPersonalRuleBody) },
  responses: { 200: jsonContent(ZRule, 'The rule as saved'), 400: badRequest, ...commonErrors },
});
const remove = createRoute({
  method: 'delete',
  path: '/{id}',
  tags: personalTags,
  summary: 'Delete one of the caller’s rules',
  request: idParam,
  responses: { 204: { description: 'Deleted' }, ...commonErrors },
});
const preview = createRoute({
  method: 'post',
  path: '/preview',
  tags: personalTags,
  summary: 'How many of the last 30 days’ events the caller may see a rule would have matched, with up to 5 examples',
  request: jsonBody(ZRulePreviewBody),
  responses: { 200: jsonContent(ZRulePreview, 'The preview'), 400: badRequest, 401: commonErrors[401] },
});

export const ruleRoutes = createRouter()
  .openapi(list, async (c) => c.json({ items: await listRules(c.var.deps, 'personal', requireAuth(c).user.id) }, 200))
  .openapi(preview, async (c) => c.json(await previewRule(c.var.deps, requireAuth(c).user, c.req.valid('json')), 200))
  .openapi(show, async (c) => c.json(await getRule(c.var.deps, 'personal', requireAuth(c).user.id, c.req.valid('param').id), 200))
  .openapi(create, async (c) => c.json(await savePersonalRule(c.var.deps, requireAuth(c).user, null, c.req.valid('json')), 201))
  .openapi(update, async (c) =>
    c.json(await savePersonalRule(c.var.deps, requireAuth(c).user, c.req.valid('param').id, c.req.valid('json')), 200),
  )
  .openapi(remove, async (c) => {
    await deleteRule(c.var.deps, 'personal', requireAuth(c).user.id, c.req.valid('param').id);
    return c.body(null, 204);
  });

const systemList = createRoute({
  method: 'get',
  path: '/',
  tags: systemTags,
  middleware: [superuserOnly] as const,
  summary: 'System rules: matching events go to named destinations (superusers)',
  responses: { 200: jsonContent(ZRuleList, 'The rules, by name'), 401: commonErrors[401], 403: superusersOnly },
});
const systemShow = createRoute({
  method: 'get',
  path: '/{id}',
  tags: systemTags,
  middleware: [superuserOnly] as const,
  summary: 'One system rule (superusers)',
  request: idParam,
  responses: { 200: jsonContent(ZRule, 'The rule'), ...commonErrors, 403: superusersOnly },
});
const systemCreate = createRoute({
  method: 'post',
  path: '/',
  tags: systemTags,
  middleware: [superuserOnly] as const,
  summary: 'Add a system rule (superusers)',
  request: jsonBody(ZSystemRuleBody),
  responses: { 201: jsonContent(ZRule, 'Created'), 400: badRequest, 401: commonErrors[401], 403: superusersOnly },
});
const systemUpdate = createRoute({
  method: 'put',
  path: '/{id}',
  tags: systemTags,
  middleware: [superuserOnly] as const,
  summary: 'Change a system rule (superusers)',
  request: { ...idParam, ...jsonBody(ZSystemRuleBody) },
  responses: { 200: jsonContent(ZRule, 'The rule as saved'), 400: badRequest, ...commonErrors, 403: superusersOnly },
});
const systemRemove = createRoute({
  method: 'delete',
  path: '/{id}',
  tags: systemTags,
  middleware: [superuserOnly] as const,
  summary: 'Delete a system rule (superusers)',
  request: idParam,
  responses: { 204: { description: 'Deleted' }, ...commonErrors, 403: superusersOnly },
});
const systemPreview = createRoute({
  method: 'post',
  path: '/preview',
  tags: systemTags,
  middleware: [superuserOnly] as const,
  summary: 'How many of the last 30 days’ events a system rule would have matched, with up to 5 examples (superusers)',
  request: jsonBody(ZRulePreviewBody),
  responses: { 200: jsonContent(ZRulePreview, 'The preview'), 400: badRequest, 401: commonErrors[401], 403: superusersOnly },
});

export const systemRuleRoutes = createRouter()
  .openapi(systemList, async (c) => {
    requireSuperuser(c);
    return c.json({ items: await listRules(c.var.deps, 'system', null) }, 200);
  })
  .openapi(systemPreview, async (c) => c.json(await previewRule(c.var.deps, requireSuperuser(c).user, c.req.valid('json')), 200))
  .openapi(systemShow, async (c) => {
    requireSuperuser(c);
    return c.json(await getRule(c.var.deps, 'system', null, c.req.valid('param').id), 200);
  })
  .openapi(systemCreate, async (c) => {
    requireSuperuser(c);
    return c.json(await saveSystemRule(c.var.deps, null, c.req.valid('json')), 201);
  })
  .openapi(systemUpdate, async (c) => {
    requireSuperuser(c);
    return c.json(await saveSystemRule(c.var.deps, c.req.valid('param').id, c.req.valid('json')), 200);
  })
  .openapi(systemRemove, async (c) => {
    requireSuperuser(c);
    await deleteRule(c.var.deps, 'system', null, c.req.valid('param').id);
    return c.body(null, 204);
  });
