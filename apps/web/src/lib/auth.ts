/**
 * The session: who is logged in, shared by every feature (features read it from here, not from
 * each other). GET /api/auth/me answers 401 when nobody is logged in; that is "no session", not an error.
 */

import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { TLoginBody, TSession, TUser } from '@tocsin/contract/auth';
import { ApiError, api, setCsrfToken } from './api-client';

export const sessionQueryKey = ['auth', 'me'] as const;

export async function getSession({ signal }: { signal?: AbortSignal } = {}): Promise<TSession | null> {
  try {
    const session = await api.get<TSession>('/api/auth/me', { signal });
    setCsrfToken(session.csrf_token);
    return session;
  } catch (error) {
    // No session. The CSRF token is left alone: a login may have set a fresh one meanwhile.
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export const getSessionQueryOptions = () =>
  queryOptions({
    queryKey: sessionQueryKey,
    queryFn: ({ signal }) => getSession({ signal }),
    staleTime: 5 * 60_000,
    retry: false,
  });

export function useSession() {
  return useQuery(getSessionQueryOptions());
}

/** The logged-in user, for components rendered inside the protected layout (which guarantees a session). */
export function useUser(): TUser {
  const { data } = useSession();
  if (!data) throw new Error('useUser() is used outside the logged-in part of the app.');
  return data.user;
}

export async function logIn(body: TLoginBody): Promise<TSession> {
  const session = await api.post<TSession>('/api/auth/login', body);
  setCsrfToken(session.csrf_token);
  return session;
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: logIn,
    onSuccess: async (session) => {
      // A "who am I" asked before the cookie existed must not answer "nobody" after it.
      await queryClient.cancelQueries({ queryKey: sessionQueryKey });
      // A different user may log in on this tab: nothing cached for the previous one may show.
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== sessionQueryKey[0] });
      queryClient.setQueryData(sessionQueryKey, session);
    },
  });
}

export async function logOut(): Promise<void> {
  try {
    await api.post<unknown>('/api/auth/logout');
  } catch (error) {
    // Already logged out (session expired): the goal is reached.
    if (!(error instanceof ApiError && error.status === 401)) throw error;
  }
  setCsrfToken(null);
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: logOut,
    // With no session the logged-in layout sends the browser to the login page (which offers to come back).
    onSuccess: async () => {
      await queryClient.cancelQueries();
      queryClient.setQueryData(sessionQueryKey, null);
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== sessionQueryKey[0] });
    },
  });
}
