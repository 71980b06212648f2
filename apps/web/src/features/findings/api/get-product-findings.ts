import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import type { TFindingPage } from '@tocsin/contract/findings-api';
import { api } from '../../../lib/api-client';
import { NO_FINDING_FILTERS, type TFindingFilters, toFindingListParams } from '../utils/filters';

export const FINDINGS_PAGE_SIZE = 25;

/** Narrows a product's findings to one test or engagement (the test page). */
export type TFindingScope = { testId?: number; engagementId?: number };

export function getProductFindings({
  productId,
  filters = NO_FINDING_FILTERS,
  scope = {},
  page,
  signal,
}: {
  productId: number;
  filters?: TFindingFilters;
  scope?: TFindingScope;
  page: number;
  signal?: AbortSignal;
}): Promise<TFindingPage> {
  const query = new URLSearchParams({ page: String(page), page_size: String(FINDINGS_PAGE_SIZE), ...toFindingListParams(filters) });
  if (scope.testId) query.set('test_id', String(scope.testId));
  if (scope.engagementId) query.set('engagement_id', String(scope.engagementId));
  return api.get<TFindingPage>(`/api/products/${productId}/findings?${query}`, { signal });
}

/** Every list of one product's findings: what a change to them invalidates. */
export const getProductFindingsBaseKey = (productId: number) => ['findings', 'list', { productId }] as const;

export const getProductFindingsQueryOptions = (params: {
  productId: number;
  filters?: TFindingFilters;
  scope?: TFindingScope;
  page: number;
}) =>
  queryOptions({
    // The base key's object is a subset of this one, so invalidating the base key reaches every filter and page.
    queryKey: [
      'findings',
      'list',
      { productId: params.productId, filters: params.filters ?? NO_FINDING_FILTERS, scope: params.scope ?? {}, page: params.page },
    ],
    queryFn: ({ signal }) => getProductFindings({ ...params, signal }),
    placeholderData: keepPreviousData,
  });

export const useProductFindings = (params: Parameters<typeof getProductFindingsQueryOptions>[0]) =>
  useQuery(getProductFindingsQueryOptions(params));
