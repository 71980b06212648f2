/**
 * Scan imports and the tests they fill: POST /api/imports (multipart, a session or an API token), a test with its
 * imports, and a product's tests. The upload is streamed to a temporary file (imports/upload.ts), checked, imported
 * in one transaction (imports/service.ts) and removed.
 */
import { createRoute, type RouteConfig } from '@hono/zod-openapi';
import { ZIntId } from '@tocsin/contract/common';
import { IMPORT_FILE_MAX_BYTES, IMPORT_FORMAT_LABELS, SEVERITIES, ZImportScanBody, ZImportScanResult } from '@tocsin/contract/findings';
import { ZTestDetail, ZTestSummary } from '@tocsin/contract/findings-api';
import { z } from 'zod';
import { requireAuth } from '../auth/middleware';
import { apiError, commonErrors } from '../lib/api-errors';
import { HttpError, validationError } from '../lib/errors';
import { createRouter, jsonContent } from '../lib/router';
import { ImportParseError } from './errors';
import { resolveImportFormat } from './read-scan';
import { importScan } from './service';
import { getTestDetail, listProductTests } from './tests';
import { formatBytes, receiveScanUpload, toImportFields } from './upload';

/** The multipart fields, documented by hand: a zod schema here would make the framework buffer and parse the whole form. */
type TRouteBody = Extract<NonNullable<NonNullable<RouteConfig['request']>['body']>['content'][string], { schema?: unknown }>['schema'];
const IMPORT_FIELDS_SCHEMA: TRouteBody = {
  type: 'object',
  required: ['file'],
  properties: {
    file: { type: 'string', format: 'binary', description: 'The scan file: SARIF 2.1.0 or a Generic Findings Import (JSON).' },
    test_id: { type: 'integer', description: 'Re-import into this test. Give exactly one of test_id, engagement_id, product_id.' },
    engagement_id: { type: 'integer', description: 'A new test in this engagement.' },
    product_id: { type: 'integer', description: 'A new test in the engagement named engagement_name of this product.' },
    engagement_name: {
      type: 'string',
      maxLength: 200,
      description: 'With product_id: the engagement (case-insensitive); created (In Progress, a year long) when missing.',
    },
    format: {
      type: 'string',
      description: `sarif or generic (also DefectDojo's "SARIF" and "Generic Findings Import"); detected from the file when absent. ${Object.values(IMPORT_FORMAT_LABELS).join('; ')}.`,
    },
    scan_date: {
      type: 'string',
      format: 'date',
      description: 'YYYY-MM-DD: the day findings without a date of their own were found. Default: today (TIME_ZONE).',
    },
    tags: {
      type: 'string',
      description: 'Comma-separated tags (or the field repeated), added to every new finding: no spaces, at most 50, lower-cased.',
    },
    close_old_findings: {
      type: 'string',
      enum: ['true', 'false'],
      description: 'Re-import only (default true): mitigate open findings the file no longer reports, on scan_date.',
    },
    minimum_severity: {
      type: 'string',
      enum: [...SEVERITIES],
      description: 'Leave out findings below this severity (counted as skipped). Default Info.',
    },
  },
};

const importRoute = createRoute({
  method: 'post',
  path: '/',
  tags: ['Imports'],
  summary: 'Import or re-import a scan file',
  description:
    'Multipart upload with a session (and X-CSRF-Token) or `Authorization: Token <key>`. The target is exactly one of `test_id` ' +
    '(re-import), `engagement_id`, or `product_id` with `engagement_name`; the caller needs the Writer role or higher on its product. ' +
    'Everything happens in one transaction: a new test raises test_added; every import raises scan_added with its counts, or ' +
    'scan_added_empty when nothing is new, reactivated or mitigated. Re-import matching (by fingerprint): new fingerprints are new ' +
    'findings, mitigated ones reported again are reactivated, open ones no longer reported are mitigated (close_old_findings), ' +
    'triaged ones (false positive, out of scope, risk accepted, duplicate) are never changed. A broken file changes nothing and ' +
    'is answered 400 with where it broke in `details` (line and column when it is not JSON, a JSON pointer when it is). ' +
    `The file may be at most IMPORT_MAX_BYTES (default ${formatBytes(IMPORT_FILE_MAX_BYTES)}).`,
  security: [{ Token: [] }],
  request: { body: { content: { 'multipart/form-data': { schema: IMPORT_FIELDS_SCHEMA } }, required: true } },
  responses: {
    201: jsonContent(ZImportScanResult, 'Imported: the test, and what the import changed'),
    400: apiError(
      'Bad fields (validation_failed, details per field), no file, an empty file (empty_file), not JSON (invalid_json, details.line ' +
        'and details.column), not SARIF 2.1.0 or Generic (unrecognized_format, unsupported_version, invalid_sarif / invalid_generic ' +
        'with details.pointer), an unknown format (unknown_format), or a re-import of another format or tool (format_mismatch, tool_mismatch).',
    ),
    ...commonErrors,
    403: apiError('The caller may see the product but not write to it (Writer or above needed), or the CSRF token is missing.'),
    404: apiError('The test, engagement or product does not exist or is not visible to the caller.'),
    413: apiError('The file is larger than IMPORT_MAX_BYTES; details.max_bytes gives the cap. Reading stopped at the cap.'),
    415: apiError('The body is not multipart/form-data.'),
  },
});

/** The import fields, checked: a known format name (DefectDojo's names too), then the body schema. */
function parseImportFields(fields: Record<string, string | string[]>) {
  const format = fields.format;
  if (typeof format === 'string') {
    try {
      fields.format = resolveImportFormat(format);
    } catch (err) {
      if (err instanceof ImportParseError) throw new HttpError(400, err.code, err.message, err.toJSON());
      throw err;
    }
  }
  const parsed = ZImportScanBody.safeParse(fields);
  if (!parsed.success) throw validationError(parsed.error);
  return parsed.data;
}

export const importRoutes = createRouter().openapi(importRoute, async (c) => {
  const auth = requireAuth(c);
  const deps = c.var.deps;
  const upload = await receiveScanUpload(c.req.raw, { maxBytes: deps.env.IMPORT_MAX_BYTES });
  try {
    const input = parseImportFields(toImportFields(upload.fields));
    if (!upload.file) {
      throw new HttpError(400, 'validation_failed', 'file: is required: send the scan in a part named "file".', [
        { path: 'file', message: 'is required' },
      ]);
    }
    return c.json(await importScan(deps, auth.user, input, upload.file), 201);
  } finally {
    await upload.cleanup();
  }
});

const idParam = { params: z.object({ id: ZIntId }) };

const showTest = createRoute({
  method: 'get',
  path: '/{id}',
  tags: ['Tests'],
  summary: 'A test with its imports (newest first) and its open findings by severity',
  request: idParam,
  responses: { 200: jsonContent(ZTestDetail, 'The test'), ...commonErrors },
});

export const testRoutes = createRouter().openapi(showTest, async (c) =>
  c.json(await getTestDetail(c.var.deps, requireAuth(c).user, c.req.valid('param').id), 200),
);

const productTests = createRoute({
  method: 'get',
  path: '/{id}/tests',
  tags: ['Tests'],
  summary: 'The tests of a product, newest first, each with its open findings by severity and its last import',
  request: idParam,
  responses: { 200: jsonContent(z.array(ZTestSummary), 'The tests'), ...commonErrors },
});

export const productTestRoutes = createRouter().openapi(productTests, async (c) =>
  c.json(await listProductTests(c.var.deps, requireAuth(c).user, c.req.valid('param').id), 200),
);
