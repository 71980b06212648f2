/**
 * /api/users/{id}/rules…: a superuser reads and edits another user's personal rules (mounted before the users
 * router, like the other admin-managed preferences). Non-superusers are refused before the user is looked up or
 * the body read, as on /api/users/{id}/notification-settings. The rules are the same as /api/rules (the owner's
 * RBAC decides which products a rule may name, and what the preview counts); each change by someone other than
 * the owner is recorded in the owner's change history.
 */
import { createRoute } from '@hono/zod-openapi';
import { ZIntId } from '@tocsin/contract/common';
import { ZPersonalRuleBody, ZRule, ZRuleList, ZRulePreview, ZRulePreviewBody } from '@tocsin/contract/rules';
import type { MiddlewareHandler } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../app-context';
import { requireSuperuser } from '../auth/middleware';
import { createRouter, errorResponses, jsonContent } from '../lib/router';
import { getRule, listRules } from '../rules/service';
import { getUser } from '../services/users';
import { deleteUserRuleAs, previewUserRule, saveUserRuleAs } from './user-rules';

const superuserFirst: MiddlewareHandler<AppEnv> = async (c, next) => {
  requireSuperuser(c);
  await next();
};

const tags = ['Rules'];
const body = <T extends z.ZodType>(schema: T) => ({ body: { content: { 'application/json': { schema } }, required: true } });
const userParams = z.object({ id: ZIntId });
const ruleParams = z.object({ id: ZIntId, ruleId: ZIntId });
const guarded = { 401: errorResponses[401], 403: { description: 'Only superusers.' }, 404: errorResponses[404] } as const;

const list = createRoute({
  method: 'get',
  path: '/{id}/rules',
  tags,
  middleware: [superuserFirst] as const,
  summary: "A user's personal rules, by name (superusers)",
  request: { params: userParams },
  responses: { 200: jsonContent(ZRuleList, 'The rules'), ...guarded },
});
const show = createRoute({
  method: 'get',
  path: '/{id}/rules/{ruleId}',
  tags,
  middleware: [superuserFirst] as const,
  summary: "One of a user's personal rules (superusers); another user's rule is 404",
  request: { params: ruleParams },
  responses: { 200: jsonContent(ZRule, 'The rule'), ...guarded },
});
const create = createRoute({
  method: 'post',
  path: '/{id}/rules',
  tags,
  middleware: [superuserFirst] as const,
  summary:
    'Add a personal rule for a user (superusers). It may name only products the user can see; the change is recorded and shown to the user.',
  request: { params: userParams, ...body(ZPersonalRuleBody) },
  responses: { 201: jsonContent(ZRule, 'Created'), 400: errorResponses[400], ...guarded },
});
const update = createRoute({
  method: 'put',
  path: '/{id}/rules/{ruleId}',
  tags,
  middleware: [superuserFirst] as const,
  summary: "Change one of a user's personal rules, the whole rule (superusers); the change is recorded and shown to the user",
  request: { params: ruleParams, ...body(ZPersonalRuleBody) },
  responses: { 200: jsonContent(ZRule, 'The rule as saved'), 400: errorResponses[400], ...guarded },
});
const remove = createRoute({
  method: 'delete',
  path: '/{id}/rules/{ruleId}',
  tags,
  middleware: [superuserFirst] as const,
  summary: "Delete one of a user's personal rules (superusers); the deletion is recorded and shown to the user",
  request: { params: ruleParams },
  responses: { 204: { description: 'Deleted' }, ...guarded },
});
const preview = createRoute({
  method: 'post',
  path: '/{id}/rules/preview',
  tags,
  middleware: [superuserFirst] as const,
  summary: "How many of the last 30 days' events that the user may see a rule would have matched, with up to 5 examples (superusers)",
  request: { params: userParams, ...body(ZRulePreviewBody) },
  responses: { 200: jsonContent(ZRulePreview, 'The preview, as for the user'), 400: errorResponses[400], ...guarded },
});

export const userRuleAdminRoutes = createRouter()
  .openapi(list, async (c) => {
    const owner = await getUser(c.var.deps, c.req.valid('param').id);
    return c.json({ items: await listRules(c.var.deps, 'personal', owner.id) }, 200);
  })
  .openapi(preview, async (c) => {
    const owner = await getUser(c.var.deps, c.req.valid('param').id);
    return c.json(await previewUserRule(c.var.deps, owner, c.req.valid('json')), 200);
  })
  .openapi(show, async (c) => {
    const { id, ruleId } = c.req.valid('param');
    const owner = await getUser(c.var.deps, id);
    return c.json(await getRule(c.var.deps, 'personal', owner.id, ruleId), 200);
  })
  .openapi(create, async (c) => {
    const actor = requireSuperuser(c).user;
    const owner = await getUser(c.var.deps, c.req.valid('param').id);
    return c.json(await saveUserRuleAs(c.var.deps, actor, owner, null, c.req.valid('json')), 201);
  })
  .openapi(update, async (c) => {
    const actor = requireSuperuser(c).user;
    const { id, ruleId } = c.req.valid('param');
    const owner = await getUser(c.var.deps, id);
    return c.json(await saveUserRuleAs(c.var.deps, actor, owner, ruleId, c.req.valid('json')), 200);
  })
  .openapi(remove, async (c) => {
    const actor = requireSuperuser(c).user;
    const { id, ruleId } = c.req.valid('param');
    const owner = await getUser(c.var.deps, id);
    await deleteUserRuleAs(c.var.deps, actor, owner, ruleId);
    return c.body(null, 204);
  });
