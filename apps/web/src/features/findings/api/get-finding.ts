import { queryOptions, useQuery } from '@tanstack/react-query';
import type { TFindingDetail } from '@tocsin/contract/findings-api';
import { api } from '../../../lib/api-client';

export const getFinding = (findingId: number, signal?: AbortSignal): Promise<TFindingDetail> =>
  api.get<TFindingDetail>(`/api/findings/${findingId}`, { signal });

export const getFindingQueryOptions = (findingId: number) =>
  queryOptions({
    queryKey: ['findings', 'detail', findingId],
    queryFn: ({ signal }) => getFinding(findingId, signal),
  });

export const useFinding = (findingId: number) => useQuery(getFindingQueryOptions(findingId));
