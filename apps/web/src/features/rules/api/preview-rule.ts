import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import type { TRulePreview, TRulePreviewBody, TRuleScope } from '@tocsin/contract/rules';
import { api } from '../../../lib/api-client';
import { rulesUrl } from './get-rules';

/** How many of the last 30 days' events (that the caller may see) the rule would have matched, with a few examples. */
export const previewRule = (scope: TRuleScope, body: TRulePreviewBody): Promise<TRulePreview> =>
  api.post<TRulePreview>(`${rulesUrl(scope)}/preview`, body);

export const getRulePreviewQueryOptions = (scope: TRuleScope, body: TRulePreviewBody) =>
  queryOptions({
    queryKey: ['rules', 'preview', { scope, body }],
    queryFn: () => previewRule(scope, body),
    placeholderData: keepPreviousData,
  });

/** `body` null: the editor's input is not valid yet, so nothing is asked. */
export const useRulePreview = (scope: TRuleScope, body: TRulePreviewBody | null) =>
  useQuery({ ...getRulePreviewQueryOptions(scope, body ?? { events: [] }), enabled: body !== null });
