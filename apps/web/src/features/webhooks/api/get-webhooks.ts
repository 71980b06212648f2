import { queryOptions, useQuery } from '@tanstack/react-query';
import type { TWebhookList } from '@tocsin/contract/webhooks';
import { api } from '../../../lib/api-client';

export const getWebhooks = (): Promise<TWebhookList> => api.get<TWebhookList>('/api/webhooks');

export const getWebhooksQueryOptions = () =>
  queryOptions({
    queryKey: ['webhooks', 'list'],
    queryFn: getWebhooks,
  });

export const useWebhooks = () => useQuery(getWebhooksQueryOptions());
