import { useMutation } from '@tanstack/react-query';
import type { TChangePasswordBody } from '@tocsin/contract/auth';
import { api } from '../../../lib/api-client';

export const changePassword = (body: TChangePasswordBody): Promise<unknown> => api.post<unknown>('/api/me/password', body);

export const useChangePassword = () => useMutation({ mutationFn: changePassword });
