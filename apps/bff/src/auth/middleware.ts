/**
 * Who is calling: a session cookie (browser) or `Authorization: Token <key>` (integrations).
 * Cookie-authenticated writes must carry the session's CSRF token in X-CSRF-Token.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppEnv, Auth } from '../app-context';
import { forbidden, HttpError, unauthorized } from '../lib/errors';
import { authenticateToken, CSRF_HEADER, findSessionAuth, SESSION_COOKIE } from './sessions';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Routes whose authority is a signed token in the URL, not the caller: no session is read, so no CSRF check applies. */
const TOKEN_AUTHORISED_PATHS = new Set(['/api/unsubscribe']);

export const loadAuth: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (TOKEN_AUTHORISED_PATHS.has(c.req.path.replace(/\/+$/, ''))) {
    c.set('auth', null);
    return next();
  }
  const deps = c.var.deps;
  let auth: Auth | null = null;
  const header = c.req.header('authorization');
  if (header) {
    const match = /^Token\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw unauthorized('Use the header "Authorization: Token <your API key>".');
    auth = await authenticateToken(deps, match[1]);
  } else {
    const cookie = getCookie(c, SESSION_COOKIE);
    if (cookie) auth = await findSessionAuth(deps, cookie);
    if (auth && !SAFE_METHODS.has(c.req.method) && c.req.header(CSRF_HEADER) !== auth.csrfToken) {
      throw new HttpError(403, 'csrf_failed', 'The form is out of date (CSRF check failed). Reload the page and try again.');
    }
  }
  c.set('auth', auth);
  await next();
};

export function requireAuth(c: Context<AppEnv>): Auth {
  const auth = c.var.auth;
  if (!auth) throw unauthorized();
  return auth;
}

export function requireSuperuser(c: Context<AppEnv>): Auth {
  const auth = requireAuth(c);
  if (!auth.user.isSuperuser) throw forbidden('Only superusers can do this.');
  return auth;
}

/** Token management (create, revoke) needs a person at a browser: a leaked token must not mint or keep itself alive. */
export function requireSession(c: Context<AppEnv>, what = 'create or revoke API tokens'): Auth {
  const auth = requireAuth(c);
  if (auth.via !== 'session') {
    throw new HttpError(403, 'session_required', `An API token cannot ${what}. Log in to Tocsin in a browser to do it.`);
  }
  return auth;
}
