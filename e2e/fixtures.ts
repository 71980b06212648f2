/**
 * Fixtures: log in through the real API and UI, and seed what a test needs through the API
 * (users with chosen access, products, events), so each test builds its own world on top of the demo data.
 */
import { type APIRequestContext, test as base, expect, type Page, request } from '@playwright/test';
import { baseURL } from './playwright.config';

export const DEMO_ADMIN = { username: 'admin', password: process.env.DEMO_ADMIN_PASSWORD ?? 'admin-demo-pass' };

type Json = Record<string, unknown> | unknown[];
export type ApiResult<T = any> = { status: number; body: T };

/** A logged-in API client (session cookie + CSRF header), as the SPA would be. */
export type ApiSession = {
  user: { id: number; username: string; is_superuser: boolean };
  context: APIRequestContext;
  get<T = any>(url: string): Promise<ApiResult<T>>;
  post<T = any>(url: string, body?: Json): Promise<ApiResult<T>>;
  put<T = any>(url: string, body?: Json): Promise<ApiResult<T>>;
  patch<T = any>(url: string, body?: Json): Promise<ApiResult<T>>;
  delete<T = any>(url: string, body?: Json): Promise<ApiResult<T>>;
  /** multipart/form-data (a scan import): string fields and files. */
  postForm<T = any>(url: string, form: Record<string, string | { name: string; mimeType: string; buffer: Buffer }>): Promise<ApiResult<T>>;
};

export async function apiLogin(username: string, password: string): Promise<ApiSession> {
  const context = await request.newContext({ baseURL });
  const res = await context.post('/api/auth/login', { data: { username, password } });
  if (!res.ok()) throw new Error(`login as ${username} failed: ${res.status()} ${await res.text()}`);
  const session = (await res.json()) as { user: ApiSession['user']; csrf_token: string };
  const call = async (method: string, url: string, body?: Json) => {
    const r = await context.fetch(url, {
      method,
      headers: { 'x-csrf-token': session.csrf_token },
      ...(body === undefined ? {} : { data: body }),
    });
    const text = await r.text();
    return { status: r.status(), body: text ? JSON.parse(text) : null };
  };
  return {
    user: session.user,
    context,
    get: (url) => call('GET', url),
    post: (url, body) => call('POST', url, body),
    put: (url, body) => call('PUT', url, body),
    patch: (url, body) => call('PATCH', url, body),
    delete: (url, body) => call('DELETE', url, body),
    postForm: async (url, form) => {
      const r = await context.post(url, { headers: { 'x-csrf-token': session.csrf_token }, multipart: form });
      const text = await r.text();
      return { status: r.status(), body: text ? JSON.parse(text) : null };
    },
  };
}

let counter = 0;
/** A name no other test uses: tests share one server and its database. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}`;
}

export async function loginAs(page: Page, username: string, password: string) {
  await page.goto('/login');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).not.toHaveURL(/\/login/);
}

export type Access = {
  productTypes?: { id: number; role?: string }[];
  products?: { id: number; role?: string }[];
  globalRole?: string | null;
  isSuperuser?: boolean;
};
export type TestUser = { id: number; username: string; password: string; api: ApiSession };

type Fixtures = {
  admin: ApiSession;
  /** Create a fresh user with the given access and return its credentials and a logged-in API client. */
  makeUser: (access?: Access) => Promise<TestUser>;
  /** Create a product type and a product in it; returns their ids. */
  makeProduct: () => Promise<{ productTypeId: number; productId: number; name: string }>;
};

export const test = base.extend<Fixtures>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures must destructure their first argument.
  admin: async ({}, use) => {
    const admin = await apiLogin(DEMO_ADMIN.username, DEMO_ADMIN.password);
    await use(admin);
    await admin.context.dispose();
  },
  makeUser: async ({ admin }, use) => {
    const made: TestUser[] = [];
    await use(async (access = {}) => {
      const username = uniqueName('user');
      const password = 'e2e-password-123';
      const created = await admin.post('/api/users', {
        username,
        email: `${username}@example.test`,
        first_name: 'Test',
        last_name: 'User',
        password,
        is_superuser: access.isSuperuser ?? false,
        global_role: access.globalRole ?? null,
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const id = created.body.id as number;
      if (access.productTypes?.length || access.products?.length) {
        const res = await admin.put(`/api/users/${id}/memberships`, {
          product_types: (access.productTypes ?? []).map((m) => ({ id: m.id, role: m.role ?? 'Reader' })),
          products: (access.products ?? []).map((m) => ({ id: m.id, role: m.role ?? 'Reader' })),
        });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
      }
      const api = await apiLogin(username, password);
      const user = { id, username, password, api };
      made.push(user);
      return user;
    });
    for (const u of made) await u.api.context.dispose();
  },
  makeProduct: async ({ admin }, use) => {
    await use(async () => {
      const name = uniqueName('product');
      const pt = await admin.post('/api/product-types', { name: `${name}-type`, description: 'e2e' });
      expect(pt.status, JSON.stringify(pt.body)).toBe(201);
      const product = await admin.post('/api/products', { name, description: 'e2e', product_type_id: pt.body.id });
      expect(product.status, JSON.stringify(product.body)).toBe(201);
      return { productTypeId: pt.body.id as number, productId: product.body.id as number, name };
    });
  },
});

export { expect };
