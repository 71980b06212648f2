import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import type { TMyReviewPage } from '@tocsin/contract/findings-api';
import { api } from '../../../lib/api-client';

export const MY_REVIEWS_PAGE_SIZE = 25;

/** Every list and count of the caller's reviews: what marking one reviewed invalidates. */
export const MY_REVIEWS_BASE_KEY = ['reviews', 'mine'] as const;

export const getMyReviews = ({
  page,
  pageSize = MY_REVIEWS_PAGE_SIZE,
  status = 'all',
  signal,
}: {
  page: number;
  pageSize?: number;
  status?: 'pending' | 'reviewed' | 'all';
  signal?: AbortSignal;
}): Promise<TMyReviewPage> =>
  api.get<TMyReviewPage>(`/api/reviews?${new URLSearchParams({ status, page: String(page), page_size: String(pageSize) })}`, { signal });

export const getMyReviewsQueryOptions = (page: number) =>
  queryOptions({
    queryKey: [...MY_REVIEWS_BASE_KEY, 'list', { page }],
    queryFn: ({ signal }) => getMyReviews({ page, signal }),
    placeholderData: keepPreviousData,
  });

export const useMyReviews = (page: number) => useQuery(getMyReviewsQueryOptions(page));

/** The pending count for the navigation: one row asked for, the count comes with it. */
export const getPendingReviewCountQueryOptions = () =>
  queryOptions({
    queryKey: [...MY_REVIEWS_BASE_KEY, 'pending-count'],
    queryFn: async ({ signal }) => (await getMyReviews({ page: 1, pageSize: 1, status: 'pending', signal })).pending,
    refetchInterval: 60_000,
  });

export const usePendingReviewCount = () => useQuery(getPendingReviewCountQueryOptions());
