import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TMemberships, TSetMembershipsBody } from '@tocsin/contract/auth';
import { api } from '../../../lib/api-client';
import { getMembershipsQueryOptions } from './get-memberships';

export const setMemberships = ({ userId, body }: { userId: number; body: TSetMembershipsBody }): Promise<TMemberships> =>
  api.put<TMemberships>(`/api/users/${userId}/memberships`, body);

export const useSetMemberships = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: setMemberships,
    onSuccess: (_memberships, { userId }) => queryClient.invalidateQueries({ queryKey: getMembershipsQueryOptions(userId).queryKey }),
  });
};
