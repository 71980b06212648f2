/** The operations of the OpenAPI document the app serves, and their paths filled with the seeded world's ids. */
import { readFileSync } from 'node:fs';
import type { createApp } from '../app';
import { CSRF_HEADER, SESSION_COOKIE } from '../auth/sessions';
import { FIXTURES } from '../imports/test-helpers';
import type { TExpectation } from './expectations';
import type { TRoleName, TWorld } from './world';

export type TOperation = { method: string; path: string; key: string; hasJsonBody: boolean; isMultipart: boolean };

type TDocument = { paths: Record<string, Record<string, { requestBody?: { content?: Record<string, unknown> } }>> };

/** Every operation of /api/openapi.json, as the app itself serves it. */
export async function readOperations(app: ReturnType<typeof createApp>): Promise<TOperation[]> {
  const res = await app.request('http://localhost/api/openapi.json');
  if (res.status !== 200) throw new Error(`GET /api/openapi.json answered ${res.status}`);
  const doc = (await res.json()) as TDocument;
  const operations: TOperation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const types = Object.keys(op.requestBody?.content ?? {});
      const upper = method.toUpperCase();
      operations.push({
        method: upper,
        path,
        key: `${upper} ${path}`,
        hasJsonBody: types.some((t) => t.includes('json')),
        isMultipart: types.some((t) => t.startsWith('multipart/')),
      });
    }
  }
  return operations;
}

/** Which seeded object a path's `{id}` names, by the collection before it. */
const ID_OF: [RegExp, (w: TWorld) => number | string][] = [
  [/^\/api\/product-types\/\{id\}/, (w) => w.ids.productType],
  [/^\/api\/products\/\{id\}/, (w) => w.ids.product],
  [/^\/api\/engagements\/\{id\}/, (w) => w.ids.engagement],
  [/^\/api\/tests\/\{id\}/, (w) => w.ids.test],
  [/^\/api\/findings\/\{id\}/, (w) => w.ids.finding],
  [/^\/api\/notes\/\{id\}/, (w) => w.ids.note],
  [/^\/api\/reviews\/\{id\}/, (w) => w.ids.review],
  [/^\/api\/risk-acceptances\/\{id\}/, (w) => w.ids.riskAcceptance],
  [/^\/api\/webhooks\/\{id\}/, (w) => w.ids.webhook],
  [/^\/api\/deliveries\/\{id\}/, (w) => w.ids.delivery],
  [/^\/api\/sla-configurations\/\{id\}/, (w) => w.ids.slaConfiguration],
  [/^\/api\/users\/integration-tokens\/\{id\}/, (w) => w.ids.integrationToken],
  [/^\/api\/users\/\{id\}/, (w) => w.users.victim.id],
  [/^\/api\/jobs\/\{name\}/, (w) => w.ids.job],
  // The Writer's personal rule: the matrix checks that nobody else may see or touch it.
  [/^\/api\/rules\/\{id\}/, (w) => w.ids.rules.writer],
  [/^\/api\/system-rules\/\{id\}/, (w) => w.ids.systemRule],
  [/^\/api\/destinations\/\{id\}/, (w) => w.ids.destination],
];

/** Parameters named for what they hold, wherever they appear (`{productId}` beside a user's `{id}`). */
const NAMED: Record<string, (w: TWorld) => number | string> = {
  productId: (w) => w.ids.product,
};

/** The path with its parameters filled: from `params` when given, else the seeded object the collection holds. */
export function fillPath(path: string, w: TWorld, params: Record<string, string | number> = {}): string {
  return path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const given = params[name];
    if (given !== undefined) return encodeURIComponent(String(given));
    const named = NAMED[name];
    if (named) return encodeURIComponent(String(named(w)));
    const found = ID_OF.find(([re]) => re.test(path));
    if (!found) throw new Error(`${path}: no seeded object for {${name}}; give it in security/expectations.ts (params)`);
    return encodeURIComponent(String(found[1](w)));
  });
}

/** Send one operation as a role, with the body and parameters its expectation builds. Streams are not read. */
export async function sendOperation(
  w: TWorld,
  op: TOperation,
  role: TRoleName,
  exp: Pick<TExpectation, 'body' | 'params' | 'multipart'>,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string; contentType: string; headers: Headers }> {
  const path = fillPath(op.path, w, exp.params?.(w, role));
  let res: Response;
  if (exp.multipart) {
    const form = new FormData();
    for (const [name, value] of Object.entries((exp.body?.(w, role) ?? {}) as Record<string, unknown>)) form.append(name, String(value));
    form.append('file', new Blob([readFileSync(`${FIXTURES}generic.json`)]), 'generic.json');
    const auth: Record<string, string> =
      role === 'anonymous' ? {} : { cookie: `${SESSION_COOKIE}=${w.clients[role].cookie}`, [CSRF_HEADER]: w.clients[role].csrfToken };
    res = await w.app.request(`http://localhost${path}`, { method: op.method, body: form, headers: { ...auth, ...headers } });
  } else {
    res = await w.send(role, op.method, path, exp.body?.(w, role), headers);
  }
  const contentType = res.headers.get('content-type') ?? '';
  if (contentType.startsWith('text/event-stream')) {
    // A live stream never ends by itself: the status and headers are the answer.
    await res.body?.cancel();
    return { status: res.status, text: '', contentType, headers: res.headers };
  }
  return { status: res.status, text: await res.text(), contentType, headers: res.headers };
}
