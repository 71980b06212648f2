import { type FormEvent, useId, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { Icon } from '../../../components/icon';
import { ErrorMessage } from '../../../components/messages';
import { getErrorMessage } from '../../../lib/api-client';
import { useLogin } from '../../../lib/auth';

export function LoginForm({ next }: { next: string }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const login = useLogin();
  const navigate = useNavigate();
  const errorId = useId();

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    login.mutate(
      { username, password },
      {
        onSuccess: () => navigate(next, { replace: true }),
        // The password is never kept after a failed attempt.
        onError: () => setPassword(''),
      },
    );
  }

  const describedBy = login.isError ? errorId : undefined;
  return (
    <form className="login-card" onSubmit={handleSubmit} aria-labelledby="login-heading">
      <p className="login-brand" aria-hidden="true">
        <Icon name="bell" isDecorative /> Tocsin
      </p>
      <h1 id="login-heading">Log in</h1>
      {login.isError && <ErrorMessage id={errorId}>{getErrorMessage(login.error)}</ErrorMessage>}
      <div className="field">
        <label htmlFor="login-username">Username</label>
        <input
          id="login-username"
          name="username"
          autoComplete="username"
          required
          maxLength={150}
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          aria-describedby={describedBy}
          aria-invalid={login.isError || undefined}
        />
      </div>
      <div className="field">
        <label htmlFor="login-password">Password</label>
        <input
          id="login-password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          maxLength={1024}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          aria-describedby={describedBy}
          aria-invalid={login.isError || undefined}
        />
      </div>
      <button type="submit" className="button button-primary button-block" disabled={login.isPending}>
        {login.isPending ? 'Logging in…' : 'Log in'}
      </button>
    </form>
  );
}
