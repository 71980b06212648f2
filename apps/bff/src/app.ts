/** createApp() builds the whole HTTP app for the server and for tests. */

import fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import type { AppEnv, Deps } from './app-context';
import { loadAuth } from './auth/middleware';
import type { TStore } from './db/open';
import { loadInstallationSecretBox } from './delivery/secrets';
import { destinationRoutes } from './destinations/routes';
import { deliveryPreferenceRoutes } from './digests/routes';
import { engagementRoutes } from './engagements/routes';
import type { Env } from './env';
import { findingRoutes, productFindingRoutes } from './findings/routes';
import { importRoutes, productTestRoutes, testRoutes } from './imports/routes';
import { errorResponse, HttpError, unauthorized } from './lib/errors';
import { engagementNoteRoutes, findingNoteRoutes, noteRoutes } from './notes/routes';
import { templateApplyRoutes, userNotificationAdminRoutes } from './notification-admin/routes';
import { userRuleAdminRoutes } from './notification-admin/rule-routes';
import { findingReviewRoutes, reviewRoutes } from './reviews/routes';
import { engagementRiskAcceptanceRoutes, productRiskAcceptanceRoutes, riskAcceptanceRoutes } from './risk-acceptances/routes';
import { alertRoutes } from './routes/alerts';
import { authRoutes } from './routes/auth';
import { deliveriesRoutes } from './routes/deliveries';
import { eventRoutes } from './routes/events';
import { healthRoutes } from './routes/health';
import { meRoutes } from './routes/me';
import { notificationSettingsRoutes } from './routes/notification-settings';
import { productNotificationRoutes } from './routes/product-notifications';
import { productTypeRoutes } from './routes/product-types';
import { productRoutes } from './routes/products';
import { systemSettingsRoutes } from './routes/system-settings';
import { userRoutes } from './routes/users';
import { webhooksRoutes } from './routes/webhooks';
import { ruleRoutes, systemRuleRoutes } from './rules/routes';
import { jobRoutes } from './scheduler/routes';
import { findingNoticeSettingsRoutes, productSlaRoutes, slaConfigurationRoutes } from './sla/routes';
import { unsubscribeRoutes } from './unsubscribe/routes';

export const API_BODY_LIMIT_BYTES = 1024 * 1024;
const IMPORTS_PATH = '/api/imports';

/**
 * The only API routes an anonymous caller may reach. Everything else answers 401 before its input is looked at,
 * so nobody learns about a route's body from validation messages without logging in.
 */
export const PUBLIC_API_ROUTES: readonly { method: string; path: string }[] = [
  { method: 'POST', path: '/api/auth/login' },
  // Logging out without a session is a no-op, not an error (the SPA calls it after a session has expired).
  { method: 'POST', path: '/api/auth/logout' },
  { method: 'GET', path: '/api/openapi.json' },
  { method: 'GET', path: '/api/health' },
  { method: 'GET', path: '/api/ready' },
  // One-click unsubscribe from a mail (RFC 8058): the signed token in the URL is the authority (unsubscribe/).
  { method: 'GET', path: '/api/unsubscribe' },
  { method: 'POST', path: '/api/unsubscribe' },
];

const isPublicApiRoute = (method: string, path: string) =>
  PUBLIC_API_ROUTES.some((r) => (r.method === method || (method === 'HEAD' && r.method === 'GET')) && r.path === path.replace(/\/+$/, ''));

/**
 * The Content-Security-Policy of every response: scripts, styles, fonts and fetches only from this origin (the
 * built SPA has no inline script or style; React's style props go through CSSOM, which CSP does not restrict),
 * images also as data: URIs (the favicon), no plugins, and no framing by anyone.
 */
const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/** Throws a SecretBoxError (a message saying what to set) when the secret key cannot be loaded. */
export function createDeps(store: Pick<TStore, 'db' | 'bus'>, env: Env): Deps {
  return {
    db: store.db,
    bus: store.bus,
    env,
    now: () => Date.now(),
    instanceId: env.INSTANCE_ID ?? `${os.hostname()}:${env.PORT}`,
    secretBox: loadInstallationSecretBox(env, store.db.dialect),
  };
}

export function createApp(deps: Deps) {
  const app = new OpenAPIHono<AppEnv>();
  app.onError(errorResponse);
  app.use('*', async (c, next) => {
    c.set('deps', deps);
    await next();
  });
  // A response sent before the request body has fully arrived (413, or a 401 that never reads it) must not leave
  // a keep-alive socket behind: the unread rest would be read as the next request, or the server gives up draining
  // it and drops the socket under the client's next request. Saying "Connection: close" makes node:http end the
  // socket cleanly after the answer, and the client opens a new one.
  app.use('*', async (c, next) => {
    await next();
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    if (incoming && !incoming.complete) c.res.headers.set('Connection', 'close');
  });
  const isHttps = deps.env.PUBLIC_URL?.toLowerCase().startsWith('https://') ?? false;
  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: CONTENT_SECURITY_POLICY,
      xFrameOptions: 'DENY',
      referrerPolicy: 'strict-origin-when-cross-origin',
      // Only meaningful (and only honoured by browsers) when Tocsin is served over HTTPS.
      strictTransportSecurity: isHttps ? 'max-age=15552000' : false,
    }),
  );
  // API answers are per user and often secret: never kept by a browser or a shared cache.
  app.use('/api/*', async (c, next) => {
    await next();
    c.res.headers.set('Cache-Control', 'no-store');
  });
  const apiBodyLimit = bodyLimit({
    maxSize: API_BODY_LIMIT_BYTES,
    onError: () => {
      throw new HttpError(413, 'payload_too_large', `The request body is larger than ${API_BODY_LIMIT_BYTES / 1024} KiB.`);
    },
  });
  // Scan uploads stream to disk under their own cap (IMPORT_MAX_BYTES, imports/upload.ts).
  app.use('/api/*', (c, next) => (c.req.path === IMPORTS_PATH ? next() : apiBodyLimit(c, next)));
  app.use('/api/*', loadAuth);
  app.use('/api/*', async (c, next) => {
    if (!c.var.auth && !isPublicApiRoute(c.req.method, c.req.path)) throw unauthorized();
    await next();
  });

  // Feature routers (one per feature), mounted under /api.
  // (mounted below as they are written)
  app.route('/api', healthRoutes);
  app.route('/api/auth', authRoutes);
  app.route('/api/me', meRoutes);
  // Before the users router: its superuser gate would refuse /api/users/me/… to everyone else.
  app.route('/api/users', userNotificationAdminRoutes);
  app.route('/api/users', userRuleAdminRoutes);
  app.route('/api/users', userRoutes);
  app.route('/api/alerts', alertRoutes);
  app.route('/api/events', eventRoutes);
  app.route('/api/product-types', productTypeRoutes);
  app.route('/api/products', productRoutes);
  app.route('/api/products', productNotificationRoutes);
  app.route('/api/notifications/settings', notificationSettingsRoutes);
  app.route('/api/notifications/template', templateApplyRoutes);
  app.route('/api/engagements', engagementRoutes);
  app.route('/api/system-settings', systemSettingsRoutes);
  app.route('/api/webhooks', webhooksRoutes);
  app.route('/api/deliveries', deliveriesRoutes);
  app.route('/api/jobs', jobRoutes);
  app.route('/api/unsubscribe', unsubscribeRoutes);
  app.route('/api/delivery-preferences', deliveryPreferenceRoutes);
  // Findings and their event sources (one folder per domain).
  app.route(IMPORTS_PATH, importRoutes);
  app.route('/api/tests', testRoutes);
  app.route('/api/products', productTestRoutes);
  app.route('/api/products', productFindingRoutes);
  app.route('/api/products', productSlaRoutes);
  app.route('/api/products', productRiskAcceptanceRoutes);
  app.route('/api/findings', findingRoutes);
  app.route('/api/findings', findingNoteRoutes);
  app.route('/api/findings', findingReviewRoutes);
  app.route('/api/engagements', engagementNoteRoutes);
  app.route('/api/engagements', engagementRiskAcceptanceRoutes);
  app.route('/api/notes', noteRoutes);
  app.route('/api/reviews', reviewRoutes);
  app.route('/api/sla-configurations', slaConfigurationRoutes);
  app.route('/api/system-settings/findings', findingNoticeSettingsRoutes);
  app.route('/api/risk-acceptances', riskAcceptanceRoutes);
  app.route('/api/rules', ruleRoutes);
  app.route('/api/system-rules', systemRuleRoutes);
  app.route('/api/destinations', destinationRoutes);

  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Tocsin API',
      version: '0.1.0',
      description: 'Notification center for security teams. Authenticate with a session cookie (browser) or `Authorization: Token <key>`.',
    },
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'Token', {
    type: 'apiKey',
    in: 'header',
    name: 'Authorization',
    description: 'Token <your API key>',
  });

  app.all('/api/*', (c) => {
    throw new HttpError(404, 'not_found', `No API route ${c.req.method} ${c.req.path}.`);
  });

  if (deps.env.WEB_DIST) {
    const root = path.resolve(deps.env.WEB_DIST);
    const indexHtml = path.join(root, 'index.html');
    app.use('/*', serveStatic({ root }));
    // SPA fallback: client-side routes get index.html.
    app.get('*', (c) => c.html(fs.readFileSync(indexHtml, 'utf8')));
  }
  return app;
}

export type App = ReturnType<typeof createApp>;
