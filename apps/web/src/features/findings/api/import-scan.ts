import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TImportScanInput, TImportScanResult } from '@tocsin/contract/findings';
import { api } from '../../../lib/api-client';
import { getProductFindingsBaseKey } from './get-product-findings';
import { getProductTestsQueryOptions } from './get-product-tests';
import { getTestQueryOptions } from './get-test';

/** The body's fields as multipart parts next to the file; lists go comma-separated, as the BFF reads them. */
export function toImportFormData(body: TImportScanInput, file: File): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries(body)) {
    if (value === undefined) continue;
    form.set(key, Array.isArray(value) ? value.join(',') : String(value));
  }
  form.set('file', file, file.name);
  return form;
}

export const importScan = ({ body, file }: { body: TImportScanInput; file: File }) =>
  api.postForm<TImportScanResult>('/api/imports', toImportFormData(body, file));

export const useImportScan = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: importScan,
    onSuccess: (result) => {
      void queryClient.invalidateQueries({ queryKey: getProductTestsQueryOptions(result.product_id).queryKey });
      void queryClient.invalidateQueries({ queryKey: getTestQueryOptions(result.test_id).queryKey });
      void queryClient.invalidateQueries({ queryKey: getProductFindingsBaseKey(result.product_id) });
    },
  });
};
