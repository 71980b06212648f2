/** Log in, log out and "who am I" for the browser session. */
import { createRoute } from '@hono/zod-openapi';
import { ZLoginBody, ZSession } from '@tocsin/contract/auth';
import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../app-context';
import { getClientAddress, getTrustedProxies } from '../auth/client-address';
import { requireAuth } from '../auth/middleware';
import { deleteSession, SESSION_COOKIE } from '../auth/sessions';
import { isCookieSecure } from '../env';
import { HttpError } from '../lib/errors';
import { createRouter, errorResponses } from '../lib/router';
import { logIn, UNKNOWN_ADDRESS } from '../services/login';
import { toUserDto } from '../services/users';

const login = createRoute({
  method: 'post',
  path: '/login',
  tags: ['Auth'],
  summary: 'Log in with username and password; sets the session cookie',
  request: { body: { content: { 'application/json': { schema: ZLoginBody } }, required: true } },
  responses: {
    200: { description: 'Logged in', content: { 'application/json': { schema: ZSession } } },
    400: errorResponses[400],
    401: { description: 'Invalid username or password (or the account is inactive).' },
    403: { description: 'Cross-site login attempt (Origin does not match Host).' },
    429: { description: 'Too many failed logins for this username from this address, or from this address overall; locked for a while.' },
  },
});

const logout = createRoute({
  method: 'post',
  path: '/logout',
  tags: ['Auth'],
  summary: 'End the session and clear the cookie',
  responses: { 204: { description: 'Logged out (also when there was no session)' }, 403: errorResponses[403] },
});

const me = createRoute({
  method: 'get',
  path: '/me',
  tags: ['Auth'],
  summary: 'The logged-in user and the CSRF token for cookie-authenticated writes',
  responses: {
    200: { description: 'The current session', content: { 'application/json': { schema: ZSession } } },
    401: errorResponses[401],
  },
});

export const authRoutes = createRouter()
  .openapi(login, async (c) => {
    assertSameOrigin(c);
    const body = c.req.valid('json');
    const deps = c.var.deps;
    const address = getClientAddress(c, getTrustedProxies(deps.env.TRUST_PROXY)) ?? UNKNOWN_ADDRESS;
    const result = await logIn(deps, body.username, body.password, address);
    setCookie(c, SESSION_COOKIE, result.cookieValue, {
      httpOnly: true,
      sameSite: 'Lax',
      secure: isCookieSecure(deps.env),
      path: '/',
      maxAge: deps.env.SESSION_TTL_HOURS * 3600,
    });
    return c.json({ user: toUserDto(result.user), csrf_token: result.csrfToken }, 200);
  })
  .openapi(logout, async (c) => {
    const auth = c.var.auth;
    if (auth?.sessionId) await deleteSession(c.var.deps, auth.sessionId);
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure: isCookieSecure(c.var.deps.env) });
    return c.body(null, 204);
  })
  .openapi(me, (c) => {
    const auth = requireAuth(c);
    // Token callers have no CSRF token and need none.
    return c.json({ user: toUserDto(auth.user), csrf_token: auth.csrfToken ?? '' }, 200);
  });

/**
 * Login has no session yet, so no CSRF token; instead refuse a browser's cross-site POST.
 * A proxy may rewrite Host, so X-Forwarded-Host and PUBLIC_URL's host are accepted too.
 */
function assertSameOrigin(c: Context<AppEnv>) {
  const origin = c.req.header('origin');
  if (origin === undefined) return;
  let originHost: string | null = null;
  try {
    originHost = new URL(origin).host.toLowerCase();
  } catch {
    originHost = null;
  }
  const allowed = new Set<string>();
  const host = c.req.header('host') ?? new URL(c.req.url).host;
  allowed.add(host.toLowerCase());
  const forwarded = c.req.header('x-forwarded-host');
  if (forwarded) allowed.add(forwarded.split(',')[0]!.trim().toLowerCase());
  const publicUrl = c.var.deps.env.PUBLIC_URL;
  if (publicUrl) allowed.add(new URL(publicUrl).host.toLowerCase());
  if (originHost === null || !allowed.has(originHost)) {
    throw new HttpError(403, 'cross_site', 'Logging in from another site is not allowed. Open Tocsin directly and log in there.');
  }
}
