import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TApplyTemplateBody, TTemplateApplyResult } from '@tocsin/contract/notification-admin';
import { api } from '../../../lib/api-client';
import { notificationAdminKeys } from './query-keys';

export const applyTemplate = (body: TApplyTemplateBody): Promise<TTemplateApplyResult> =>
  api.post<TTemplateApplyResult>('/api/notifications/template/apply', body);

export const useApplyTemplate = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: applyTemplate,
    // Every preview, and any user's settings, effective view and history, may have changed.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: notificationAdminKeys.all }),
  });
};
