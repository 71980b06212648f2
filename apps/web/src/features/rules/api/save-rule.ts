import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TPersonalRuleBody, TRule, TRuleScope, TSystemRuleBody } from '@tocsin/contract/rules';
import { api } from '../../../lib/api-client';
import { getRulesQueryOptions, rulesUrl } from './get-rules';

/** `userId`: a superuser saving another user's personal rule. */
export type TSaveRuleInput =
  | { scope: 'personal'; id: number | null; body: TPersonalRuleBody; userId?: number }
  | { scope: 'system'; id: number | null; body: TSystemRuleBody; userId?: undefined };

/** A new rule (POST) or the whole rule replaced (PUT). */
export const saveRule = ({ scope, id, body, userId }: TSaveRuleInput): Promise<TRule> =>
  id === null ? api.post<TRule>(rulesUrl(scope, userId), body) : api.put<TRule>(`${rulesUrl(scope, userId)}/${id}`, body);

/** `onChanged`: what else follows the rule list (a superuser's view of the owner's change history). */
export const useSaveRule = (scope: TRuleScope, userId?: number, onChanged?: () => void) => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: saveRule,
    onSuccess: () => {
      onChanged?.();
      return queryClient.invalidateQueries({ queryKey: getRulesQueryOptions(scope, userId).queryKey });
    },
  });
};
