import { queryOptions, useQuery } from '@tanstack/react-query';
import type { TTestDetail } from '@tocsin/contract/findings-api';
import { api } from '../../../lib/api-client';

export const getTest = (testId: number, signal?: AbortSignal): Promise<TTestDetail> =>
  api.get<TTestDetail>(`/api/tests/${testId}`, { signal });

export const getTestQueryOptions = (testId: number) =>
  queryOptions({
    queryKey: ['tests', 'detail', testId],
    queryFn: ({ signal }) => getTest(testId, signal),
  });

export const useTest = (testId: number) => useQuery(getTestQueryOptions(testId));
