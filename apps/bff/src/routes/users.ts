/**
 * Users & access, for superusers: accounts (people and service users), flags, global role, memberships, and the
 * integration tokens of the installation.
 * /options is open to every logged-in user: it lists only id and username of active users, which
 * anyone choosing an engagement lead needs (DefectDojo's lead picker shows all users the same way).
 */
import { createRoute } from '@hono/zod-openapi';
import {
  ZCreatedIntegrationToken,
  ZCreateIntegrationTokenBody,
  ZCreateUserBody,
  ZIntegrationToken,
  ZMemberships,
  ZSetMembershipsBody,
  ZUpdateUserBody,
  ZUser,
  ZUserOption,
} from '@tocsin/contract/auth';
import { ZIntId } from '@tocsin/contract/common';
import { ZPlainLine } from '@tocsin/contract/plain-text';
import { z } from 'zod';
import { requireAuth, requireSession, requireSuperuser } from '../auth/middleware';
import { createRouter, errorResponses, jsonContent } from '../lib/router';
import { createIntegrationToken, listIntegrationTokens, revokeIntegrationToken } from '../services/tokens';
import { createUser, getMemberships, getUser, listUserOptions, listUsers, setMemberships, toUserDto, updateUser } from '../services/users';

const body = <T extends z.ZodType>(schema: T) => ({ body: { content: { 'application/json': { schema } }, required: true } });
const idParam = { params: z.object({ id: ZIntId }) };
const guarded = { 401: errorResponses[401], 403: { description: 'Only superusers.' } } as const;

const getOptions = createRoute({
  method: 'get',
  path: '/options',
  tags: ['Users'],
  summary: 'Active users as {id, username}, for pickers (any logged-in user)',
  responses: { 200: jsonContent(z.array(ZUserOption), 'Active users by username'), 401: errorResponses[401] },
});

const getUsers = createRoute({
  method: 'get',
  path: '/',
  tags: ['Users'],
  summary: 'List users; q filters by username, name or email',
  request: { query: z.strictObject({ q: ZPlainLine.max(200).optional() }) },
  responses: { 200: jsonContent(z.array(ZUser), 'Users by username'), ...guarded },
});

const postUser = createRoute({
  method: 'post',
  path: '/',
  tags: ['Users'],
  summary:
    'Create a local account (personal notification settings are copied from the template); is_service makes a service user ' +
    'for integrations, with no password, that cannot log in',
  request: body(ZCreateUserBody),
  responses: {
    201: jsonContent(ZUser, 'Created'),
    400: errorResponses[400],
    ...guarded,
    409: { description: 'Username taken (ignoring case).' },
  },
});

const getIntegrationTokens = createRoute({
  method: 'get',
  path: '/integration-tokens',
  tags: ['Users'],
  summary: 'Integration tokens (made by superusers for themselves or service users), newest first; never the keys',
  responses: { 200: jsonContent(z.array(ZIntegrationToken), 'Integration tokens'), ...guarded },
});

const postIntegrationToken = createRoute({
  method: 'post',
  path: '/integration-tokens',
  tags: ['Users'],
  summary:
    'Create an integration token for yourself or a service user, optionally allowed to raise events without product context and ' +
    'expiring after a given day; the key is in this answer only. Session only.',
  request: body(ZCreateIntegrationTokenBody),
  responses: {
    201: jsonContent(ZCreatedIntegrationToken, 'The token and its key'),
    400: errorResponses[400],
    401: errorResponses[401],
    403: { description: 'Only superusers, logged in (an API token cannot create tokens).' },
  },
});

const deleteIntegrationToken = createRoute({
  method: 'delete',
  path: '/integration-tokens/{id}',
  tags: ['Users'],
  summary: 'Revoke an integration token. Session only.',
  request: idParam,
  responses: {
    204: { description: 'Revoked' },
    401: errorResponses[401],
    403: { description: 'Only superusers, logged in (an API token cannot revoke tokens).' },
    404: errorResponses[404],
  },
});

const getOne = createRoute({
  method: 'get',
  path: '/{id}',
  tags: ['Users'],
  summary: 'One user',
  request: idParam,
  responses: { 200: jsonContent(ZUser, 'The user'), ...guarded, 404: errorResponses[404] },
});

const patchUser = createRoute({
  method: 'patch',
  path: '/{id}',
  tags: ['Users'],
  summary: 'Edit flags, global role, names, email, or reset the password',
  request: { ...idParam, ...body(ZUpdateUserBody) },
  responses: { 200: jsonContent(ZUser, 'The updated user'), 400: errorResponses[400], ...guarded, 404: errorResponses[404] },
});

const getUserMemberships = createRoute({
  method: 'get',
  path: '/{id}/memberships',
  tags: ['Users'],
  summary: "A user's product type and product memberships",
  request: idParam,
  responses: { 200: jsonContent(ZMemberships, 'Memberships'), ...guarded, 404: errorResponses[404] },
});

const putUserMemberships = createRoute({
  method: 'put',
  path: '/{id}/memberships',
  tags: ['Users'],
  summary: "Replace all of a user's memberships",
  request: { ...idParam, ...body(ZSetMembershipsBody) },
  responses: { 200: jsonContent(ZMemberships, 'The memberships now'), 400: errorResponses[400], ...guarded, 404: errorResponses[404] },
});

const router = createRouter();
// Permission before validation, so a non-superuser learns nothing from validation messages.
router.use('*', async (c, next) => {
  if (c.req.method === 'GET' && c.req.path.endsWith('/users/options')) requireAuth(c);
  else requireSuperuser(c);
  if (c.req.method !== 'GET' && /\/integration-tokens(\/|$)/.test(c.req.path)) requireSession(c);
  await next();
});

export const userRoutes = router
  .openapi(getOptions, async (c) => c.json(await listUserOptions(c.var.deps), 200))
  .openapi(getUsers, async (c) => c.json((await listUsers(c.var.deps, c.req.valid('query').q)).map(toUserDto), 200))
  .openapi(postUser, async (c) => {
    const b = c.req.valid('json');
    const user = await createUser(c.var.deps, {
      username: b.username,
      email: b.email,
      password: b.password,
      firstName: b.first_name,
      lastName: b.last_name,
      isActive: b.is_active,
      isSuperuser: b.is_superuser,
      globalRole: b.global_role,
      isService: b.is_service,
    });
    return c.json(toUserDto(user), 201);
  })
  // Before /{id}: "integration-tokens" is not a user id.
  .openapi(getIntegrationTokens, async (c) => c.json(await listIntegrationTokens(c.var.deps), 200))
  .openapi(postIntegrationToken, async (c) => {
    const auth = requireSession(c);
    return c.json(await createIntegrationToken(c.var.deps, auth.user, c.req.valid('json')), 201);
  })
  .openapi(deleteIntegrationToken, async (c) => {
    requireSession(c);
    await revokeIntegrationToken(c.var.deps, c.req.valid('param').id);
    return c.body(null, 204);
  })
  .openapi(getOne, async (c) => c.json(toUserDto(await getUser(c.var.deps, c.req.valid('param').id)), 200))
  .openapi(patchUser, async (c) => {
    const auth = requireSuperuser(c);
    const user = await updateUser(c.var.deps, auth.user, c.req.valid('param').id, c.req.valid('json'));
    return c.json(toUserDto(user), 200);
  })
  .openapi(getUserMemberships, async (c) => c.json(await getMemberships(c.var.deps, c.req.valid('param').id), 200))
  .openapi(putUserMemberships, async (c) => c.json(await setMemberships(c.var.deps, c.req.valid('param').id, c.req.valid('json')), 200));
