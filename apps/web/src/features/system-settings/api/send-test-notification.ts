import { useMutation } from '@tanstack/react-query';
import type { TTestChannel, TTestResult } from '@tocsin/contract/system-settings';
import { api } from '../../../lib/api-client';

/** Sends a real test message with the saved settings; a provider's refusal comes back as `ok: false`, not as an error. */
export const sendTestNotification = (channel: TTestChannel): Promise<TTestResult> =>
  api.post<TTestResult>(`/api/system-settings/test/${channel}`, {});

export const useSendTestNotification = () => useMutation({ mutationFn: sendTestNotification });
