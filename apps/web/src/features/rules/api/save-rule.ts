import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TPersonalRuleBody, TRule, TRuleScope, TSystemRuleBody } from '@tocsin/contract/rules';
import { api } from '../../../lib/api-client';
import { getRulesQueryOptions, rulesUrl } from './get-rules';

export type TSaveRuleInput =
  | { scope: 'personal'; id: number | null; body: TPersonalRuleBody }
  | { scope: 'system'; id: number | null; body: TSystemRuleBody };

/** A new rule (POST) or the whole rule replaced (PUT). */
export const saveRule = ({ scope, id, body }: TSaveRuleInput): Promise<TRule> =>
  id === null ? api.post<TRule>(rulesUrl(scope), body) : api.put<TRule>(`${rulesUrl(scope)}/${id}`, body);

export const useSaveRule = (scope: TRuleScope) => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: saveRule,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: getRulesQueryOptions(scope).queryKey }),
  });
};
