/**
 * The OpenAPI document describes every route of the findings domain precisely enough to build pages from it: each
 * operation has its success body as a schema, its error answers with the one error shape, and the scan upload its
 * multipart fields.
 */
import { ZImportScanBody } from '@tocsin/contract/findings';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp } from '../test-utils';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

type TOperation = {
  summary?: string;
  requestBody?: {
    content: Record<string, { schema: { type?: string; properties?: Record<string, { format?: string }>; required?: string[] } }>;
  };
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
};

const OPERATIONS: [string, string, string][] = [
  ['post', '/api/imports', '201'],
  ['get', '/api/tests/{id}', '200'],
  ['get', '/api/products/{id}/tests', '200'],
  ['get', '/api/products/{id}/findings', '200'],
  ['get', '/api/products/{id}/tags', '200'],
  ['put', '/api/products/{id}/tags', '200'],
  ['get', '/api/products/{id}/sla', '200'],
  ['put', '/api/products/{id}/sla', '200'],
  ['get', '/api/products/{id}/risk-acceptances', '200'],
  ['post', '/api/products/{id}/risk-acceptances', '201'],
  ['get', '/api/findings/{id}', '200'],
  ['patch', '/api/findings/{id}', '200'],
  ['post', '/api/findings/{id}/status', '200'],
  ['get', '/api/findings/{id}/notes', '200'],
  ['post', '/api/findings/{id}/notes', '201'],
  ['get', '/api/findings/{id}/mentionable', '200'],
  ['post', '/api/findings/{id}/review-requests', '201'],
  ['get', '/api/findings/{id}/reviews', '200'],
  ['get', '/api/engagements/{id}/notes', '200'],
  ['post', '/api/engagements/{id}/notes', '201'],
  ['get', '/api/engagements/{id}/mentionable', '200'],
  ['post', '/api/engagements/{id}/risk-acceptances', '201'],
  ['patch', '/api/notes/{id}', '200'],
  ['get', '/api/reviews', '200'],
  ['post', '/api/reviews/{id}/complete', '200'],
  ['get', '/api/sla-configurations', '200'],
  ['post', '/api/sla-configurations', '201'],
  ['get', '/api/sla-configurations/{id}', '200'],
  ['put', '/api/sla-configurations/{id}', '200'],
  ['delete', '/api/sla-configurations/{id}', '204'],
  ['get', '/api/system-settings/findings', '200'],
  ['put', '/api/system-settings/findings', '200'],
  ['get', '/api/risk-acceptances/{id}', '200'],
];

describe('the OpenAPI document of the findings domain', () => {
  it('describes every operation with its success schema and its error answers in the one error shape', async () => {
    const { app, deps } = await createTestApp();
    cleanup = deps.cleanup;
    const doc = (await (await app.request('http://localhost/api/openapi.json')).json()) as {
      paths: Record<string, Record<string, TOperation>>;
    };
    for (const [method, path, success] of OPERATIONS) {
      const op = doc.paths[path]?.[method];
      expect(op, `${method.toUpperCase()} ${path}`).toBeDefined();
      expect(op?.summary, `${method} ${path} summary`).toBeTruthy();
      if (success !== '204')
        expect(op?.responses[success]?.content?.['application/json']?.schema, `${method} ${path} ${success}`).toBeDefined();
      const errors = Object.entries(op?.responses ?? {}).filter(([status]) => Number(status) >= 400);
      expect(errors.length, `${method} ${path} errors`).toBeGreaterThan(0);
      for (const [status, response] of errors) {
        const schema = JSON.stringify(response.content?.['application/json']?.schema ?? null);
        expect(schema, `${method} ${path} ${status}`).toContain('"error"');
      }
    }
    const upload = doc.paths['/api/imports']?.post?.requestBody?.content['multipart/form-data']?.schema;
    expect(upload?.required).toEqual(['file']);
    expect(upload?.properties?.file?.format).toBe('binary');
    // The documented fields are the body schema's, so the two cannot drift apart.
    expect(Object.keys(upload?.properties ?? {}).sort()).toEqual(['file', ...Object.keys(ZImportScanBody.shape)].sort());
  });
});
