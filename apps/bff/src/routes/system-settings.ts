/** System Settings (superusers only): channel switches, connections, the disclaimer, and test notifications. */
import { createRoute, z } from '@hono/zod-openapi';
import { ZSendTestBody, ZSystemSettings, ZTestChannel, ZTestResult, ZUpdateSystemSettingsBody } from '@tocsin/contract/system-settings';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-context';
import { requireSuperuser } from '../auth/middleware';
import { createRouter, errorResponses } from '../lib/router';
import { readSystemSettings, sendSystemTestNotification, updateSystemSettings } from '../services/system-settings';

const forbiddenResponse = { description: 'Only superusers can see or change System Settings.' };

// Runs before body validation, so a non-superuser hears 403 whatever they send.
const superuserOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  requireSuperuser(c);
  await next();
};

const getSettings = createRoute({
  method: 'get',
  path: '/',
  tags: ['System Settings'],
  middleware: [superuserOnly] as const,
  summary: 'The system settings; secrets are shown only as *_set booleans',
  responses: {
    200: { description: 'The settings', content: { 'application/json': { schema: ZSystemSettings } } },
    401: errorResponses[401],
    403: forbiddenResponse,
  },
});

const putSettings = createRoute({
  method: 'put',
  path: '/',
  tags: ['System Settings'],
  middleware: [superuserOnly] as const,
  summary: 'Change some settings; a secret omitted or null keeps its value, an empty string clears it',
  request: { body: { content: { 'application/json': { schema: ZUpdateSystemSettingsBody } }, required: true } },
  responses: {
    200: { description: 'The saved settings', content: { 'application/json': { schema: ZSystemSettings } } },
    400: errorResponses[400],
    401: errorResponses[401],
    403: forbiddenResponse,
  },
});

const sendTest = createRoute({
  method: 'post',
  path: '/test/{channel}',
  tags: ['System Settings'],
  middleware: [superuserOnly] as const,
  summary: 'Send a real test notification now with the saved settings and report the outcome',
  request: {
    params: z.object({ channel: ZTestChannel }),
    body: { content: { 'application/json': { schema: ZSendTestBody } }, required: false },
  },
  responses: {
    200: {
      description: 'The outcome: ok, or the provider’s error in message',
      content: { 'application/json': { schema: ZTestResult } },
    },
    400: errorResponses[400],
    401: errorResponses[401],
    403: forbiddenResponse,
  },
});

export const systemSettingsRoutes = createRouter()
  .openapi(getSettings, async (c) => {
    requireSuperuser(c);
    return c.json(await readSystemSettings(c.var.deps), 200);
  })
  .openapi(putSettings, async (c) => {
    requireSuperuser(c);
    return c.json(await updateSystemSettings(c.var.deps, c.req.valid('json')), 200);
  })
  .openapi(sendTest, async (c) => {
    const auth = requireSuperuser(c);
    const { channel } = c.req.valid('param');
    const body = c.req.valid('json') ?? {};
    return c.json(await sendSystemTestNotification(c.var.deps, channel, auth.user, body.to), 200);
  });
