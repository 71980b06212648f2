import { queryOptions, useQuery } from '@tanstack/react-query';
import type { TRuleList, TRuleScope } from '@tocsin/contract/rules';
import { api } from '../../../lib/api-client';

/** Personal rules live under /api/rules (the caller's own), system rules under /api/system-rules (superusers). */
export const rulesUrl = (scope: TRuleScope) => (scope === 'system' ? '/api/system-rules' : '/api/rules');

export const getRules = (scope: TRuleScope): Promise<TRuleList> => api.get<TRuleList>(rulesUrl(scope));

export const getRulesQueryOptions = (scope: TRuleScope) =>
  queryOptions({
    queryKey: ['rules', 'list', { scope }],
    queryFn: () => getRules(scope),
  });

export const useRules = (scope: TRuleScope, { enabled = true }: { enabled?: boolean } = {}) =>
  useQuery({ ...getRulesQueryOptions(scope), enabled });
