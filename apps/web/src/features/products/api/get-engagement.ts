import { queryOptions, useQuery } from '@tanstack/react-query';
import type { TEngagementDetail } from '@tocsin/contract/products';
import { api } from '../../../lib/api-client';

export const getEngagement = (engagementId: number, signal?: AbortSignal): Promise<TEngagementDetail> =>
  api.get<TEngagementDetail>(`/api/engagements/${engagementId}`, { signal });

export const getEngagementQueryOptions = (engagementId: number) =>
  queryOptions({
    queryKey: ['engagements', 'detail', engagementId],
    queryFn: ({ signal }) => getEngagement(engagementId, signal),
  });

export const useEngagement = (engagementId: number) => useQuery(getEngagementQueryOptions(engagementId));
