import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TRuleScope } from '@tocsin/contract/rules';
import { api } from '../../../lib/api-client';
import { getRulesQueryOptions, rulesUrl } from './get-rules';

export const deleteRule = ({ scope, id }: { scope: TRuleScope; id: number }): Promise<void> => api.delete<void>(`${rulesUrl(scope)}/${id}`);

export const useDeleteRule = (scope: TRuleScope) => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteRule,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: getRulesQueryOptions(scope).queryKey }),
  });
};
