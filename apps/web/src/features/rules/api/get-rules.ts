import { queryOptions, useQuery } from '@tanstack/react-query';
import type { TRuleList, TRuleScope } from '@tocsin/contract/rules';
import { api } from '../../../lib/api-client';

/**
 * Personal rules live under /api/rules (the caller's own) or, for a superuser managing another user's rules,
 * /api/users/{userId}/rules; system rules under /api/system-rules (superusers).
 */
export const rulesUrl = (scope: TRuleScope, userId?: number) =>
  scope === 'system' ? '/api/system-rules' : userId === undefined ? '/api/rules' : `/api/users/${userId}/rules`;

export const getRules = (scope: TRuleScope, userId?: number): Promise<TRuleList> => api.get<TRuleList>(rulesUrl(scope, userId));

export const getRulesQueryOptions = (scope: TRuleScope, userId?: number) =>
  queryOptions({
    queryKey: userId === undefined ? ['rules', 'list', { scope }] : ['rules', 'list', { scope, userId }],
    queryFn: () => getRules(scope, userId),
  });

export const useRules = (scope: TRuleScope, { enabled = true, userId }: { enabled?: boolean; userId?: number } = {}) =>
  useQuery({ ...getRulesQueryOptions(scope, userId), enabled });
