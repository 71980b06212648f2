import { QueryClientProvider } from '@tanstack/react-query';
import { type ReactNode, useEffect } from 'react';
import { ToastProvider } from '../components/toast';
import { setUnauthorizedHandler } from '../lib/api-client';
import { sessionQueryKey } from '../lib/auth';
import { queryClient } from '../lib/query-client';

export function AppProvider({ children }: { children: ReactNode }) {
  useEffect(() => {
    // A 401 on any call means the session ended (expired, logged out in another tab, user deactivated):
    // re-ask /api/auth/me, whose null answer makes the protected layout show the login page.
    setUnauthorizedHandler(() => {
      void queryClient.invalidateQueries({ queryKey: sessionQueryKey });
    });
    return () => setUnauthorizedHandler(null);
  }, []);

  return (
    <QueryClientProvider client={queryClient}>
      <ToastProvider>{children}</ToastProvider>
    </QueryClientProvider>
  );
}
