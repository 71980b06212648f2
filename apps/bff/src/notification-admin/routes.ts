/**
 * Admin-managed notification preferences.
 * /api/users/me/…: my effective settings and the changes others made to mine (any logged-in user).
 * /api/users/{id}/…: another user's effective settings, personal and per-product records, and their change
 * history (superusers only; mounted before the users router, and permission is checked before validation).
 * /api/notifications/template/{preview,apply}: the template applied to existing users (superusers only).
 */
import { createRoute } from '@hono/zod-openapi';
import { ZIntId } from '@tocsin/contract/common';
import {
  ZApplyTemplateBody,
  ZEffectiveNotifications,
  ZEffectiveQuery,
  ZNotificationChangeSets,
  ZTemplateApplyResult,
} from '@tocsin/contract/notification-admin';
import { ZSaveSettingsBody, ZSettingsRecord } from '@tocsin/contract/notification-settings';
import type { MiddlewareHandler } from 'hono';
import { z } from 'zod';
import type { AppEnv, Deps, UserRow } from '../app-context';
import { requireAuth, requireSuperuser } from '../auth/middleware';
import { canViewProduct } from '../auth/rbac';
import { badRequest, notFound } from '../lib/errors';
import { createRouter, errorResponses, jsonContent } from '../lib/router';
import { getSettingsRecord } from '../notifications/settings';
import { getUser } from '../services/users';
import { applyTemplate, findEffectiveNotifications, listChangeSets, previewTemplate, requireProduct, saveUserSettingsAs } from './service';

const authFirst: MiddlewareHandler<AppEnv> = async (c, next) => {
  requireAuth(c);
  await next();
};
const superuserFirst: MiddlewareHandler<AppEnv> = async (c, next) => {
  requireSuperuser(c);
  await next();
};

const tags = ['Notification settings'];
const body = <T extends z.ZodType>(schema: T) => ({ body: { content: { 'application/json': { schema } }, required: true } });
const userParams = z.object({ id: ZIntId });
const productParams = z.object({ id: ZIntId, productId: ZIntId });
const guarded = { 401: errorResponses[401], 403: { description: 'Only superusers.' }, 404: errorResponses[404] } as const;

const getMyEffective = createRoute({
  method: 'get',
  path: '/me/effective-notifications',
  tags,
  middleware: [authFirst] as const,
  summary:
    'What I effectively receive per event and channel, and why (system, personal or product record; channels switched off; ' +
    'products I cannot see). With product_id: the events about that product.',
  request: { query: ZEffectiveQuery },
  responses: {
    200: jsonContent(ZEffectiveNotifications, 'Per event and channel'),
    400: errorResponses[400],
    401: errorResponses[401],
    404: errorResponses[404],
  },
});

const getMyChanges = createRoute({
  method: 'get',
  path: '/me/notification-changes',
  tags,
  middleware: [authFirst] as const,
  summary: 'Changes others made to my notification settings (a superuser, or the template applied), newest first',
  responses: { 200: jsonContent(ZNotificationChangeSets, 'Change sets'), 401: errorResponses[401] },
});

const getUserEffective = createRoute({
  method: 'get',
  path: '/{id}/effective-notifications',
  tags,
  middleware: [superuserFirst] as const,
  summary: "What a user effectively receives per event and channel, and why (superusers). With product_id: that product's events.",
  request: { params: userParams, query: ZEffectiveQuery },
  responses: { 200: jsonContent(ZEffectiveNotifications, 'Per event and channel'), 400: errorResponses[400], ...guarded },
});

const getUserChanges = createRoute({
  method: 'get',
  path: '/{id}/notification-changes',
  tags,
  middleware: [superuserFirst] as const,
  summary: "Changes others made to a user's notification settings, newest first (superusers)",
  request: { params: userParams },
  responses: { 200: jsonContent(ZNotificationChangeSets, 'Change sets'), ...guarded },
});

const getUserPersonal = createRoute({
  method: 'get',
  path: '/{id}/notification-settings',
  tags,
  middleware: [superuserFirst] as const,
  summary: "A user's personal notification settings (superusers)",
  request: { params: userParams },
  responses: { 200: jsonContent(ZSettingsRecord, 'The personal record'), ...guarded },
});

const putUserPersonal = createRoute({
  method: 'put',
  path: '/{id}/notification-settings',
  tags,
  middleware: [superuserFirst] as const,
  summary: "Save a user's personal notification settings (superusers); each changed event is recorded and shown to the user",
  request: { params: userParams, ...body(ZSaveSettingsBody) },
  responses: { 200: jsonContent(ZSettingsRecord, 'The record as saved'), 400: errorResponses[400], ...guarded },
});

const getUserProduct = createRoute({
  method: 'get',
  path: '/{id}/notification-settings/products/{productId}',
  tags,
  middleware: [superuserFirst] as const,
  summary: "A user's notification settings for one product (superusers)",
  request: { params: productParams },
  responses: { 200: jsonContent(ZSettingsRecord, "The user's record for the product"), ...guarded },
});

const putUserProduct = createRoute({
  method: 'put',
  path: '/{id}/notification-settings/products/{productId}',
  tags,
  middleware: [superuserFirst] as const,
  summary:
    "Save a user's notification settings for one product (superusers); refused while the user cannot view the product. " +
    'Each changed event is recorded and shown to the user.',
  request: { params: productParams, ...body(ZSaveSettingsBody) },
  responses: { 200: jsonContent(ZSettingsRecord, 'The record as saved'), 400: errorResponses[400], ...guarded },
});

const findTargetUser = (deps: Deps, id: number): Promise<UserRow> => getUser(deps, id);

export const userNotificationAdminRoutes = createRouter()
  // /me first: "me" is not a user id.
  .openapi(getMyEffective, async (c) => {
    const { user } = requireAuth(c);
    const productId = c.req.valid('query').product_id;
    // My own view of a product I may not see is "not found", like the product itself.
    if (productId !== undefined && !(await canViewProduct(c.var.deps, user, productId))) throw notFound(`Product ${productId}`);
    return c.json(await findEffectiveNotifications(c.var.deps, user, productId), 200);
  })
  .openapi(getMyChanges, async (c) => c.json({ items: await listChangeSets(c.var.deps, requireAuth(c).user.id) }, 200))
  .openapi(getUserEffective, async (c) => {
    const user = await findTargetUser(c.var.deps, c.req.valid('param').id);
    return c.json(await findEffectiveNotifications(c.var.deps, user, c.req.valid('query').product_id), 200);
  })
  .openapi(getUserChanges, async (c) => {
    const user = await findTargetUser(c.var.deps, c.req.valid('param').id);
    return c.json({ items: await listChangeSets(c.var.deps, user.id) }, 200);
  })
  .openapi(getUserPersonal, async (c) => {
    const user = await findTargetUser(c.var.deps, c.req.valid('param').id);
    return c.json(await getSettingsRecord(c.var.deps, { scope: 'personal', userId: user.id }), 200);
  })
  .openapi(putUserPersonal, async (c) => {
    const user = await findTargetUser(c.var.deps, c.req.valid('param').id);
    const actor = requireSuperuser(c).user;
    return c.json(await saveUserSettingsAs(c.var.deps, actor, { scope: 'personal', userId: user.id }, c.req.valid('json')), 200);
  })
  .openapi(getUserProduct, async (c) => {
    const { id, productId } = c.req.valid('param');
    const user = await findTargetUser(c.var.deps, id);
    await requireProduct(c.var.deps, productId);
    return c.json(await getSettingsRecord(c.var.deps, { scope: 'product', userId: user.id, productId }), 200);
  })
  .openapi(putUserProduct, async (c) => {
    const { id, productId } = c.req.valid('param');
    const user = await findTargetUser(c.var.deps, id);
    await requireProduct(c.var.deps, productId);
    if (!(await canViewProduct(c.var.deps, user, productId))) {
      throw badRequest(
        `${user.username} cannot view product ${productId}, so settings for it would never reach them. Give them access to the product first.`,
        { path: 'productId' },
      );
    }
    const actor = requireSuperuser(c).user;
    return c.json(await saveUserSettingsAs(c.var.deps, actor, { scope: 'product', userId: user.id, productId }, c.req.valid('json')), 200);
  });

const postPreview = createRoute({
  method: 'post',
  path: '/preview',
  tags,
  middleware: [superuserFirst] as const,
  summary:
    'How many people and event × channel settings applying the template would change (merge adds its channels; replace makes ' +
    'the personal record equal to it). Service users are never included.',
  request: body(ZApplyTemplateBody),
  responses: { 200: jsonContent(ZTemplateApplyResult, 'What would change'), 400: errorResponses[400], ...guarded },
});

const postApply = createRoute({
  method: 'post',
  path: '/apply',
  tags,
  middleware: [superuserFirst] as const,
  summary:
    'Apply the template to existing people in one transaction, recording each change in their history (all or nothing). ' +
    'Service users are never included.',
  request: body(ZApplyTemplateBody),
  responses: { 200: jsonContent(ZTemplateApplyResult, 'What changed'), 400: errorResponses[400], ...guarded },
});

export const templateApplyRoutes = createRouter()
  .openapi(postPreview, async (c) => c.json(await previewTemplate(c.var.deps, c.req.valid('json')), 200))
  .openapi(postApply, async (c) => c.json(await applyTemplate(c.var.deps, requireSuperuser(c).user, c.req.valid('json')), 200));
