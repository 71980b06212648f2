/** createApp() builds the whole HTTP app for the server and for tests. */

import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv, Deps } from './app-context';
import { loadAuth } from './auth/middleware';
import type { DbHandle } from './db/client';
import type { Env } from './env';
import { errorResponse, HttpError } from './lib/errors';

export const API_BODY_LIMIT_BYTES = 1024 * 1024;

export function createDeps(handle: DbHandle, env: Env): Deps {
  const bus = new EventEmitter();
  bus.setMaxListeners(0);
  return { db: handle.db, sqlite: handle.sqlite, env, bus, now: () => Date.now() };
}

export function createApp(deps: Deps) {
  const app = new OpenAPIHono<AppEnv>();
  app.onError(errorResponse);
  app.use('*', async (c, next) => {
    c.set('deps', deps);
    await next();
  });
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: API_BODY_LIMIT_BYTES,
      onError: () => {
        throw new HttpError(413, 'payload_too_large', `The request body is larger than ${API_BODY_LIMIT_BYTES / 1024} KiB.`);
      },
    }),
  );
  app.use('/api/*', loadAuth);

  // Feature routers (one per feature), mounted under /api.
  // (mounted below as they are written)

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
