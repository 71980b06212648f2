import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import type { TMentionableList } from '@tocsin/contract/findings-api';
import { api } from '../../../lib/api-client';
import { noteTargetUrl, type TNoteTarget } from './get-notes';

type TMentionableParams = { target: TNoteTarget; q: string; isPrivate?: boolean; limit?: number };

export const getMentionable = ({ target, q, isPrivate = false, limit = 10 }: TMentionableParams, signal?: AbortSignal) => {
  const query = new URLSearchParams({ q, private: String(isPrivate), limit: String(limit) });
  return api.get<TMentionableList>(`${noteTargetUrl(target)}/mentionable?${query}`, { signal });
};

/** People who may see the finding or engagement: the @ autocomplete and the reviewer picker. */
export const getMentionableQueryOptions = (params: TMentionableParams) =>
  queryOptions({
    queryKey: [
      'notes',
      'mentionable',
      { kind: params.target.kind, id: params.target.id, q: params.q, isPrivate: params.isPrivate ?? false, limit: params.limit ?? 10 },
    ],
    queryFn: ({ signal }) => getMentionable(params, signal),
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });

export const useMentionable = (params: TMentionableParams & { enabled?: boolean }) =>
  useQuery({ ...getMentionableQueryOptions(params), enabled: params.enabled ?? true });
