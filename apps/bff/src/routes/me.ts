/** The caller's own account: profile (incl. the Slack email), password and personal API tokens. */
import { createRoute } from '@hono/zod-openapi';
import { ZApiToken, ZChangePasswordBody, ZCreatedToken, ZCreateTokenBody, ZUpdateProfileBody, ZUser } from '@tocsin/contract/auth';
import { ZIntId } from '@tocsin/contract/common';
import { z } from 'zod';
import { requireAuth, requireSession } from '../auth/middleware';
import { createRouter, errorResponses, jsonContent } from '../lib/router';
import { createToken, listTokens, revokeToken } from '../services/tokens';
import { changePassword, toUserDto, updateProfile } from '../services/users';

const body = <T extends z.ZodType>(schema: T) => ({ body: { content: { 'application/json': { schema } }, required: true } });

const getProfile = createRoute({
  method: 'get',
  path: '/',
  tags: ['Me'],
  summary: 'My profile',
  responses: { 200: jsonContent(ZUser, 'The logged-in user'), 401: errorResponses[401] },
});

const patchProfile = createRoute({
  method: 'patch',
  path: '/',
  tags: ['Me'],
  summary: 'Update my names, email and Additional Contact Information (Slack email)',
  request: body(ZUpdateProfileBody),
  responses: { 200: jsonContent(ZUser, 'The updated profile'), 400: errorResponses[400], 401: errorResponses[401] },
});

const postPassword = createRoute({
  method: 'post',
  path: '/password',
  tags: ['Me'],
  summary: 'Change my password (the current one is required); my other sessions end and all my API tokens are revoked',
  request: body(ZChangePasswordBody),
  responses: { 204: { description: 'Changed' }, 400: errorResponses[400], 401: errorResponses[401] },
});

const getTokens = createRoute({
  method: 'get',
  path: '/tokens',
  tags: ['Me'],
  summary: 'My API tokens (never the keys)',
  responses: { 200: jsonContent(z.array(ZApiToken), 'Tokens, newest first'), 401: errorResponses[401] },
});

const postToken = createRoute({
  method: 'post',
  path: '/tokens',
  tags: ['Me'],
  summary: 'Create an API token (optionally expiring after a given day); the key is in this answer only. Session only.',
  request: body(ZCreateTokenBody),
  responses: {
    201: jsonContent(ZCreatedToken, 'The token and its key'),
    400: errorResponses[400],
    401: errorResponses[401],
    403: { description: 'Called with an API token: tokens cannot create tokens.' },
  },
});

const deleteToken = createRoute({
  method: 'delete',
  path: '/tokens/{id}',
  tags: ['Me'],
  summary: 'Revoke one of my API tokens. Session only.',
  request: { params: z.object({ id: ZIntId }) },
  responses: {
    204: { description: 'Revoked' },
    401: errorResponses[401],
    403: { description: 'Called with an API token: tokens cannot revoke tokens.' },
    404: errorResponses[404],
  },
});

const router = createRouter();
// Every route here is about the caller: check the login before validating the body; token management needs a
// session (checked before the body too, so a token learns nothing from validation messages).
router.use('*', async (c, next) => {
  requireAuth(c);
  if (c.req.method !== 'GET' && /\/tokens(\/|$)/.test(c.req.path)) requireSession(c);
  await next();
});

export const meRoutes = router
  .openapi(getProfile, (c) => c.json(toUserDto(requireAuth(c).user), 200))
  .openapi(patchProfile, async (c) => {
    const auth = requireAuth(c);
    return c.json(toUserDto(await updateProfile(c.var.deps, auth.user, c.req.valid('json'))), 200);
  })
  .openapi(postPassword, async (c) => {
    const auth = requireAuth(c);
    const { current_password, new_password } = c.req.valid('json');
    await changePassword(c.var.deps, auth.user, current_password, new_password, auth.sessionId);
    return c.body(null, 204);
  })
  .openapi(getTokens, async (c) => c.json(await listTokens(c.var.deps, requireAuth(c).user.id), 200))
  .openapi(postToken, async (c) => {
    const auth = requireSession(c);
    return c.json(await createToken(c.var.deps, auth.user.id, c.req.valid('json')), 201);
  })
  .openapi(deleteToken, async (c) => {
    const auth = requireSession(c);
    await revokeToken(c.var.deps, auth.user.id, c.req.valid('param').id);
    return c.body(null, 204);
  });
