import { queryOptions, useQuery } from '@tanstack/react-query';
import type { TDestinationList } from '@tocsin/contract/rules';
import { api } from '../../../lib/api-client';

export const getDestinations = (): Promise<TDestinationList> => api.get<TDestinationList>('/api/destinations');

export const getDestinationsQueryOptions = () =>
  queryOptions({
    queryKey: ['destinations', 'list'],
    queryFn: getDestinations,
    // Health changes as the worker sends: read it again whenever the page is opened.
    staleTime: 0,
  });

export const useDestinations = ({ enabled = true }: { enabled?: boolean } = {}) => useQuery({ ...getDestinationsQueryOptions(), enabled });
