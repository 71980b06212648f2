import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TJobRun } from '@tocsin/contract/jobs';
import { api } from '../../../lib/api-client';
import { getJobsQueryOptions } from './get-jobs';

export const runJob = (name: string) => api.post<TJobRun>(`/api/jobs/${encodeURIComponent(name)}/run`);

export const useRunJob = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: runJob,
    onSettled: () => queryClient.invalidateQueries({ queryKey: getJobsQueryOptions().queryKey }),
  });
};
