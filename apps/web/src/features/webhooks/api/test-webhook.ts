import { useMutation } from '@tanstack/react-query';
import type { TTestResult } from '@tocsin/contract/system-settings';
import { api } from '../../../lib/api-client';

/** Pings the saved endpoint now; a refusal comes back as `ok: false`, with the receiver's words for superusers only. */
export const testWebhook = (id: number): Promise<TTestResult> => api.post<TTestResult>(`/api/webhooks/${id}/test`);

export const useTestWebhook = () => useMutation({ mutationFn: testWebhook });
