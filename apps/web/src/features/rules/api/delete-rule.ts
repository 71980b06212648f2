import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TRuleScope } from '@tocsin/contract/rules';
import { api } from '../../../lib/api-client';
import { getRulesQueryOptions, rulesUrl } from './get-rules';

export const deleteRule = ({ scope, id, userId }: { scope: TRuleScope; id: number; userId?: number }): Promise<void> =>
  api.delete<void>(`${rulesUrl(scope, userId)}/${id}`);

/** `onChanged`: what else follows the rule list (a superuser's view of the owner's change history). */
export const useDeleteRule = (scope: TRuleScope, userId?: number, onChanged?: () => void) => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteRule,
    onSuccess: () => {
      onChanged?.();
      return queryClient.invalidateQueries({ queryKey: getRulesQueryOptions(scope, userId).queryKey });
    },
  });
};
