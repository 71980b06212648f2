/**
 * Notes on findings and engagements, their mentions and the @ autocomplete. Mounted under /api/findings,
 * /api/engagements (…/{id}/notes, …/{id}/mentionable) and /api/notes (editing).
 */
import { createRoute } from '@hono/zod-openapi';
import { ZIntId } from '@tocsin/contract/common';
import { ZCreateNoteBody, ZEditNoteBody } from '@tocsin/contract/findings';
import { ZMentionableList, ZMentionableQuery, ZNote, ZNoteResult } from '@tocsin/contract/findings-api';
import { z } from 'zod';
import { requireAuth } from '../auth/middleware';
import { apiError, commonErrors } from '../lib/api-errors';
import { createRouter, jsonContent } from '../lib/router';
import { createNote, editNote, findNoteTarget, listMentionable, listNotes, type TNoteTarget } from './service';

const idParam = { params: z.object({ id: ZIntId }) };
const badRequest = apiError('Invalid input; the message names each bad field.');

const MENTIONS_TEXT =
  'Mentions (`@username`, matched case-insensitively) notify those users with user_mentioned, linking to the note. A mention is not ' +
  'notified when nobody has that name (unknown_user), the account is deactivated (inactive), the person may not see the object or, ' +
  'for a private note, is not a superuser (no_access), or it is the author (self); `mentions.not_notified` says who and why.';

function noteRoutesFor(kind: TNoteTarget['kind'], tag: string) {
  const what = kind === 'finding' ? 'finding' : 'engagement';
  const list = createRoute({
    method: 'get',
    path: '/{id}/notes',
    tags: [tag],
    summary: `The notes on a ${what}, oldest first (private notes only for their author and superusers)`,
    request: idParam,
    responses: { 200: jsonContent(z.object({ items: z.array(ZNote) }), 'The notes'), ...commonErrors },
  });
  const create = createRoute({
    method: 'post',
    path: '/{id}/notes',
    tags: [tag],
    summary: `Add a note on a ${what} (anyone who may see it)`,
    description: MENTIONS_TEXT,
    request: { ...idParam, body: { content: { 'application/json': { schema: ZCreateNoteBody } }, required: true } },
    responses: {
      201: jsonContent(ZNoteResult, 'The note, and who its mentions notified or not (and why)'),
      400: badRequest,
      ...commonErrors,
      403: apiError('The CSRF token is missing.'),
    },
  });
  const mentionable = createRoute({
    method: 'get',
    path: '/{id}/mentionable',
    tags: [tag],
    summary: `People who may see the ${what}, for the @ autocomplete`,
    description:
      'Active users who may see it (for `private=true`: superusers), the caller left out, whose username, first or last name ' +
      'starts with `q` (case-insensitive; a leading @ is ignored), by username.',
    request: { ...idParam, query: ZMentionableQuery },
    responses: { 200: jsonContent(ZMentionableList, 'Matching people'), 400: badRequest, ...commonErrors },
  });
  return createRouter()
    .openapi(list, async (c) => {
      const user = requireAuth(c).user;
      const target = await findNoteTarget(c.var.deps, user, kind, c.req.valid('param').id);
      return c.json({ items: await listNotes(c.var.deps, user, target) }, 200);
    })
    .openapi(create, async (c) => {
      const user = requireAuth(c).user;
      const target = await findNoteTarget(c.var.deps, user, kind, c.req.valid('param').id);
      return c.json(await createNote(c.var.deps, user, target, c.req.valid('json')), 201);
    })
    .openapi(mentionable, async (c) => {
      const user = requireAuth(c).user;
      const target = await findNoteTarget(c.var.deps, user, kind, c.req.valid('param').id);
      const q = c.req.valid('query');
      const items = await listMentionable(c.var.deps, user, target, { q: q.q, isPrivate: q.private === 'true', limit: q.limit });
      return c.json({ items }, 200);
    });
}

export const findingNoteRoutes = noteRoutesFor('finding', 'Notes');
export const engagementNoteRoutes = noteRoutesFor('engagement', 'Notes');

const edit = createRoute({
  method: 'patch',
  path: '/{id}',
  tags: ['Notes'],
  summary: 'Edit a note (its author only); only people the edit newly mentions are notified',
  description: MENTIONS_TEXT,
  request: { ...idParam, body: { content: { 'application/json': { schema: ZEditNoteBody } }, required: true } },
  responses: {
    200: jsonContent(ZNoteResult, 'The note, and the report of the mentions the edit added'),
    400: badRequest,
    ...commonErrors,
    403: apiError('Somebody else wrote the note (or the CSRF token is missing).'),
  },
});

export const noteRoutes = createRouter().openapi(edit, async (c) =>
  c.json(await editNote(c.var.deps, requireAuth(c).user, c.req.valid('param').id, c.req.valid('json')), 200),
);
