/** Integration API: raise an event (CI pipelines, scanners, the platform itself), with an API token or a session. */
import { createRoute } from '@hono/zod-openapi';
import { EVENT_BODY_MAX_BYTES, ZCreatedEvent, ZCreateEventBody } from '@tocsin/contract/events';
import { bodyLimit } from 'hono/body-limit';
import { requireAuth } from '../auth/middleware';
import { HttpError } from '../lib/errors';
import { createRouter, errorResponses } from '../lib/router';
import { createEventFromApi } from '../notifications/dispatch';

const createEventRoute = createRoute({
  method: 'post',
  path: '/',
  tags: ['Events'],
  summary: 'Raise an event',
  description:
    'Routes the event like any other: alerts and deliveries per the system, personal and product settings, filtered by access. ' +
    'Raising an event about a product, product type or engagement needs the Writer, Maintainer or Owner role there (or a superuser); ' +
    'an event without product context needs a superuser or an integration token allowed to raise one. ' +
    'Recipients must be able to view the product. Every alert records who raised the event. ' +
    'An absolute url under PUBLIC_URL is stored as a path of the app. ' +
    'Names outside the catalogue are routed by the settings of `other`. Over-long title, description, url and icon are truncated. ' +
    'A repeated idempotency_key from the same caller answers with the earlier event and creates nothing.',
  security: [{ Token: [] }],
  request: { body: { content: { 'application/json': { schema: ZCreateEventBody } }, required: true } },
  responses: {
    202: { description: 'Accepted: alerts written, deliveries queued', content: { 'application/json': { schema: ZCreatedEvent } } },
    400: { description: 'Invalid input, an unknown recipient, or a recipient who cannot view the event’s product (named).' },
    401: errorResponses[401],
    403: {
      description:
        'The caller can view the product (type) but may not write there (Writer or above needed), or the event has no product ' +
        'context and the caller is neither a superuser nor an integration token allowed to raise such events.',
    },
    404: { description: 'A product, product type or engagement that does not exist or that the caller cannot view.' },
    413: { description: `The body is larger than ${EVENT_BODY_MAX_BYTES / 1024} KiB.` },
  },
});

const router = createRouter();
// Authenticate before reading the body, so an anonymous caller learns to log in rather than about its JSON.
router.use('*', async (c, next) => {
  requireAuth(c);
  await next();
});
router.use(
  '*',
  bodyLimit({
    maxSize: EVENT_BODY_MAX_BYTES,
    onError: () => {
      throw new HttpError(413, 'payload_too_large', `An event body may be at most ${EVENT_BODY_MAX_BYTES / 1024} KiB.`);
    },
  }),
);

export const eventRoutes = router.openapi(createEventRoute, async (c) => {
  const auth = requireAuth(c);
  return c.json(await createEventFromApi(c.var.deps, auth, c.req.valid('json')), 202);
});
