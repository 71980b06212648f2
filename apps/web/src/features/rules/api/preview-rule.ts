import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import type { TRulePreview, TRulePreviewBody, TRuleScope } from '@tocsin/contract/rules';
import { api } from '../../../lib/api-client';
import { rulesUrl } from './get-rules';

/**
 * How many of the last 30 days' events the rule would have matched, with a few examples: those the caller may
 * see, or, with `userId` (a superuser editing another user's rule), those that user may see.
 */
export const previewRule = (scope: TRuleScope, body: TRulePreviewBody, userId?: number): Promise<TRulePreview> =>
  api.post<TRulePreview>(`${rulesUrl(scope, userId)}/preview`, body);

export const getRulePreviewQueryOptions = (scope: TRuleScope, body: TRulePreviewBody, userId?: number) =>
  queryOptions({
    queryKey: userId === undefined ? ['rules', 'preview', { scope, body }] : ['rules', 'preview', { scope, userId, body }],
    queryFn: () => previewRule(scope, body, userId),
    placeholderData: keepPreviousData,
  });

/** `body` null: the editor's input is not valid yet, so nothing is asked. */
export const useRulePreview = (scope: TRuleScope, body: TRulePreviewBody | null, userId?: number) =>
  useQuery({ ...getRulePreviewQueryOptions(scope, body ?? { events: [] }, userId), enabled: body !== null });
