import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import type { TApplyTemplateBody, TTemplateApplyResult } from '@tocsin/contract/notification-admin';
import { api } from '../../../lib/api-client';
import { notificationAdminKeys } from './query-keys';

/** What applying the template would change (nothing is written): a POST because the chosen users travel in the body. */
export const previewTemplate = (body: TApplyTemplateBody): Promise<TTemplateApplyResult> =>
  api.post<TTemplateApplyResult>('/api/notifications/template/preview', body);

export const previewTemplateQueryOptions = (body: TApplyTemplateBody) =>
  queryOptions({
    queryKey: [...notificationAdminKeys.templatePreview, body],
    queryFn: () => previewTemplate(body),
    placeholderData: keepPreviousData,
  });

export const usePreviewTemplate = (body: TApplyTemplateBody, { isEnabled = true }: { isEnabled?: boolean } = {}) =>
  useQuery({ ...previewTemplateQueryOptions(body), enabled: isEnabled });
