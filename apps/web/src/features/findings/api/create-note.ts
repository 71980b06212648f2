import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TCreateNoteBody } from '@tocsin/contract/findings';
import type { TNoteResult } from '@tocsin/contract/findings-api';
import { api } from '../../../lib/api-client';
import { getNotesQueryOptions, noteTargetUrl, type TNoteTarget } from './get-notes';

export const createNote = ({ target, body }: { target: TNoteTarget; body: TCreateNoteBody }) =>
  api.post<TNoteResult>(`${noteTargetUrl(target)}/notes`, body);

export const useCreateNote = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createNote,
    onSuccess: (_result, { target }) => queryClient.invalidateQueries({ queryKey: getNotesQueryOptions(target).queryKey }),
  });
};
