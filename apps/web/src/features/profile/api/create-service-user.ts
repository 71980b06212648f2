import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TUser } from '@tocsin/contract/auth';
import { api } from '../../../lib/api-client';
import { getServiceUsersQueryOptions } from './get-service-users';

/** A service user: an account for an integration, with no password (it cannot log in). */
export const createServiceUser = (body: { username: string; email: string }): Promise<TUser> =>
  api.post<TUser>('/api/users', { ...body, is_service: true });

export const useCreateServiceUser = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createServiceUser,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: getServiceUsersQueryOptions().queryKey }),
  });
};
