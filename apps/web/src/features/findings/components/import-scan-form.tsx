/**
 * "Import scan" on a product page (into an engagement, or a new one by name) and "Re-import" on a test page.
 * The fields are checked in the browser with the contract's ZImportScanBody (the file beside it); a file the
 * BFF cannot read comes back with where it broke (line and column, or a JSON pointer), shown under the form.
 */
import {
  IMPORT_FILE_MAX_BYTES,
  IMPORT_FORMAT_LABELS,
  IMPORT_FORMATS,
  SEVERITIES,
  type TImportScanInput,
  type TImportScanResult,
  ZImportScanBody,
} from '@tocsin/contract/findings';
import type { TEngagement } from '@tocsin/contract/products';
import { useId, useRef, useState } from 'react';
import { type Resolver, useForm, useWatch } from 'react-hook-form';
import { Link } from 'react-router-dom';
import { zodBodyResolver } from '../../../components/form/body-resolver';
import { CheckboxField, Field, FormError, SelectField, SubmitButton, TextField } from '../../../components/form/fields';
import { Form } from '../../../components/form/form';
import { paths } from '../../../config/paths';
import { ApiError } from '../../../lib/api-client';
import { useImportScan } from '../api/import-scan';

export type TImportTarget = { kind: 'product'; productId: number; engagements: readonly TEngagement[] } | { kind: 'test'; testId: number };

type TImportValues = {
  format: string;
  engagement_id: string;
  engagement_name: string;
  scan_date: string;
  tags: string;
  minimum_severity: string;
  close_old_findings: boolean;
};

type TImportOutput = { body: TImportScanInput; file: File };

export function toImportBody(values: TImportValues, target: TImportTarget): Record<string, unknown> {
  const common = {
    ...(values.format ? { format: values.format } : {}),
    ...(values.scan_date ? { scan_date: values.scan_date } : {}),
    tags: values.tags,
    minimum_severity: values.minimum_severity,
  };
  if (target.kind === 'test') return { ...common, test_id: target.testId, close_old_findings: values.close_old_findings };
  if (values.engagement_id) return { ...common, engagement_id: Number(values.engagement_id) };
  return { ...common, product_id: target.productId, engagement_name: values.engagement_name.trim() || undefined };
}

// The file stays out of the form's values: a FileList never compares equal, so the form would never be clean again.
function importResolver(target: TImportTarget, getFile: () => File | undefined): Resolver<TImportValues, unknown, TImportOutput> {
  const bodyResolver = zodBodyResolver(ZImportScanBody, (values: TImportValues) => toImportBody(values, target) as never);
  return async (values, context, options) => {
    const result = await bodyResolver(values, context, options);
    const file = getFile();
    const fileError = !file
      ? 'Choose a scan file'
      : file.size === 0
        ? 'The file is empty'
        : file.size > IMPORT_FILE_MAX_BYTES
          ? `The file is larger than ${Math.round(IMPORT_FILE_MAX_BYTES / 1024 / 1024)} MB`
          : null;
    const errors = { ...result.errors, ...(fileError ? { file: { type: 'validate', message: fileError } } : {}) };
    if (Object.keys(errors).length > 0 || !file) return { values: {}, errors } as never;
    return { values: { body: result.values as TImportScanInput, file }, errors: {} };
  };
}

/** Where a scan file broke, from the BFF's 400 details: line and column (not JSON) or a JSON pointer. */
export function describeImportProblem(error: unknown): string | null {
  if (!(error instanceof ApiError) || error.status !== 400) return null;
  const details = error.details as { line?: unknown; column?: unknown; pointer?: unknown } | undefined;
  if (!details || Array.isArray(details) || typeof details !== 'object') return null;
  if (typeof details.line === 'number') {
    return typeof details.column === 'number' ? `Line ${details.line}, column ${details.column}` : `Line ${details.line}`;
  }
  if (typeof details.pointer === 'string') return `At ${details.pointer === '' ? '/ (the whole document)' : details.pointer}`;
  return null;
}

const todayIso = () => {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
};

export function ImportScanForm({ target, onImported }: { target: TImportTarget; onImported?: (result: TImportScanResult) => void }) {
  const importScan = useImportScan();
  // A fresh form after each import: the file control cannot be emptied by a reset, and would stay dirty.
  const [round, setRound] = useState(0);
  return (
    <ImportScanFormRound
      key={round}
      target={target}
      importScan={importScan}
      onImported={(result) => {
        setRound((r) => r + 1);
        onImported?.(result);
      }}
    />
  );
}

function ImportScanFormRound({
  target,
  importScan,
  onImported,
}: {
  target: TImportTarget;
  importScan: ReturnType<typeof useImportScan>;
  onImported: (result: TImportScanResult) => void;
}) {
  const id = useId();
  const fileRef = useRef<HTMLInputElement | null>(null);
  const form = useForm<TImportValues, unknown, TImportOutput>({
    resolver: importResolver(target, () => fileRef.current?.files?.[0]),
    defaultValues: {
      format: '',
      engagement_id: target.kind === 'product' ? String(target.engagements[0]?.id ?? '') : '',
      engagement_name: '',
      scan_date: todayIso(),
      tags: '',
      minimum_severity: 'Info',
      close_old_findings: true,
    },
  });
  const engagementId = useWatch({ control: form.control, name: 'engagement_id' });
  const problem = describeImportProblem(importScan.error);
  const title = target.kind === 'test' ? 'Re-import scan' : 'Import scan';
  const result = importScan.data;

  return (
    <Form
      form={form}
      error={importScan.error}
      className="card stack"
      aria-labelledby={`${id}-heading`}
      onSubmit={({ body, file }) => importScan.mutate({ body, file }, { onSuccess: onImported })}
    >
      <h2 id={`${id}-heading`}>{title}</h2>
      <Field name="file" label="Scan file" hint="SARIF 2.1.0 or a Generic Findings Import (JSON).">
        {(control) => (
          <input
            {...control}
            ref={fileRef}
            type="file"
            name="file"
            accept=".sarif,.json,application/json,application/sarif+json"
            onChange={() => form.clearErrors('file' as never)}
          />
        )}
      </Field>
      <SelectField name="format" label="Format">
        <option value="">Detect from the file</option>
        {IMPORT_FORMATS.map((f) => (
          <option key={f} value={f}>
            {IMPORT_FORMAT_LABELS[f]}
          </option>
        ))}
      </SelectField>
      {target.kind === 'product' && (
        <>
          <SelectField name="engagement_id" label="Engagement">
            {target.engagements.map((e) => (
              <option key={e.id} value={e.id}>
                {e.name}
              </option>
            ))}
            <option value="">New engagement…</option>
          </SelectField>
          {engagementId === '' && (
            <TextField
              name="engagement_name"
              label="New engagement name"
              maxLength={200}
              hint="An engagement of that name is used if it exists."
            />
          )}
        </>
      )}
      <div className="field-row">
        <TextField name="scan_date" label="Scan date" type="date" />
        <SelectField name="minimum_severity" label="Minimum severity">
          {SEVERITIES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </SelectField>
      </div>
      <TextField name="tags" label="Tags" hint="Comma-separated, without spaces; added to every new finding." />
      {target.kind === 'test' && (
        <CheckboxField name="close_old_findings" label="Close old findings" hint="Mitigate open findings this file no longer reports." />
      )}
      <div className="form-actions">
        <SubmitButton isPending={importScan.isPending} pendingLabel="Importing…">
          {title}
        </SubmitButton>
      </div>
      <FormError />
      {problem && (
        <p className="message message-error">
          <strong>Where:</strong> <span className="monospace">{problem}</span>
        </p>
      )}
      {result && !importScan.isPending && (
        <p className="message message-success" role="status">
          {result.is_reimport ? 'Re-imported' : 'Imported'} into <Link to={paths.tests.detail.getHref(result.test_id)}>{result.tool}</Link>:{' '}
          {result.new} new, {result.reactivated} reactivated, {result.mitigated} mitigated, {result.untouched} untouched
          {result.skipped > 0 ? `, ${result.skipped} skipped` : ''}.
        </p>
      )}
    </Form>
  );
}
