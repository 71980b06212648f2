import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TUpdateUserBody, TUser } from '@tocsin/contract/auth';
import { api } from '../../../lib/api-client';
import { getUserQueryOptions } from './get-user';
import { getUserOptionsQueryOptions } from './get-user-options';
import { getUsersQueryOptions } from './get-users';

export const updateUser = ({ userId, body }: { userId: number; body: TUpdateUserBody }): Promise<TUser> =>
  api.patch<TUser>(`/api/users/${userId}`, body);

export const useUpdateUser = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateUser,
    onSuccess: (user) => {
      queryClient.setQueryData(getUserQueryOptions(user.id).queryKey, user);
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: getUsersQueryOptions().queryKey }),
        queryClient.invalidateQueries({ queryKey: getUserOptionsQueryOptions().queryKey }),
      ]);
    },
  });
};
