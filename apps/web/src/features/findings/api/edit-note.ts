import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TEditNoteBody } from '@tocsin/contract/findings';
import type { TNoteResult } from '@tocsin/contract/findings-api';
import { api } from '../../../lib/api-client';
import { getNotesQueryOptions, type TNoteTarget } from './get-notes';

export const editNote = ({ noteId, body }: { noteId: number; target: TNoteTarget; body: TEditNoteBody }) =>
  api.patch<TNoteResult>(`/api/notes/${noteId}`, body);

export const useEditNote = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: editNote,
    onSuccess: (_result, { target }) => queryClient.invalidateQueries({ queryKey: getNotesQueryOptions(target).queryKey }),
  });
};
