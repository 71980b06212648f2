import { queryOptions, useQuery } from '@tanstack/react-query';
import type { TJobList } from '@tocsin/contract/jobs';
import { api } from '../../../lib/api-client';

export const getJobs = (signal?: AbortSignal) => api.get<TJobList>('/api/jobs', { signal });

export const getJobsQueryOptions = () => queryOptions({ queryKey: ['jobs', 'list'], queryFn: ({ signal }) => getJobs(signal) });

export const useJobs = () => useQuery(getJobsQueryOptions());
