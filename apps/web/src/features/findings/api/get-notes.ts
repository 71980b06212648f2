import { queryOptions, useQuery } from '@tanstack/react-query';
import type { TNote } from '@tocsin/contract/findings-api';
import { api } from '../../../lib/api-client';

/** What a note is written on: a finding or an engagement. */
export type TNoteTarget = { kind: 'finding' | 'engagement'; id: number };

export const noteTargetUrl = ({ kind, id }: TNoteTarget) => `/api/${kind === 'finding' ? 'findings' : 'engagements'}/${id}`;

export const getNotes = (target: TNoteTarget, signal?: AbortSignal) =>
  api.get<{ items: TNote[] }>(`${noteTargetUrl(target)}/notes`, { signal });

export const getNotesQueryOptions = (target: TNoteTarget) =>
  queryOptions({
    queryKey: ['notes', 'list', { kind: target.kind, id: target.id }],
    queryFn: ({ signal }) => getNotes(target, signal),
  });

export const useNotes = (target: TNoteTarget) => useQuery(getNotesQueryOptions(target));
