import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TUpdateProfileBody, TUser } from '@tocsin/contract/auth';
import { api } from '../../../lib/api-client';
import { sessionQueryKey } from '../../../lib/auth';
import { getProfileQueryOptions } from './get-profile';

export const updateProfile = (body: TUpdateProfileBody): Promise<TUser> => api.patch<TUser>('/api/me', body);

export const useUpdateProfile = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateProfile,
    onSuccess: (user) => {
      queryClient.setQueryData(getProfileQueryOptions().queryKey, user);
      // The header shows the session's user: keep its name and email in step.
      return queryClient.invalidateQueries({ queryKey: sessionQueryKey });
    },
  });
};
