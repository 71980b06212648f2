import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TCreateUserBody, TUser } from '@tocsin/contract/auth';
import { api } from '../../../lib/api-client';
import { getUserOptionsQueryOptions } from './get-user-options';
import { getUsersQueryOptions } from './get-users';

export const createUser = (body: TCreateUserBody): Promise<TUser> => api.post<TUser>('/api/users', body);

export const useCreateUser = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createUser,
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: getUsersQueryOptions().queryKey }),
        queryClient.invalidateQueries({ queryKey: getUserOptionsQueryOptions().queryKey }),
      ]),
  });
};
