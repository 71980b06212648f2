import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { mockApi, renderWithProviders } from '../../../testing/render';
import { LoginForm } from './login-form';

/** The text of the elements an element's aria-describedby points to. */
function describedBy(element: HTMLElement): string {
  const ids = element.getAttribute('aria-describedby')?.split(' ') ?? [];
  return ids.map((id) => document.getElementById(id)?.textContent ?? '').join(' ');
}

describe('LoginForm', () => {
  it('validates in the browser with the contract schema: nothing is sent, each field names its problem', async () => {
    const { requests } = mockApi({});
    const user = userEvent.setup();
    renderWithProviders(<LoginForm next="/" />, { route: '/login' });

    await user.click(screen.getByRole('button', { name: 'Log in' }));
    const username = screen.getByLabelText('Username');
    const password = screen.getByLabelText('Password');
    await waitFor(() => expect(username.getAttribute('aria-invalid')).toBe('true'));
    expect(describedBy(username)).toBe('Enter your username');
    expect(describedBy(password)).toBe('Enter your password');
    expect(document.activeElement).toBe(username);
    expect(requests).toHaveLength(0);

    // Whitespace is not a username either (the schema trims).
    await user.type(username, '   ');
    await user.type(password, 'secret');
    await user.click(screen.getByRole('button', { name: 'Log in' }));
    expect(describedBy(username)).toBe('Enter your username');
    expect(requests).toHaveLength(0);
  });

  it('after a refused login, focus moves to the server message and the password is emptied', async () => {
    const { requests } = mockApi({
      'POST /api/auth/login': () => ({ status: 401, body: { error: { code: 'unauthorized', message: 'Invalid username or password.' } } }),
    });
    const user = userEvent.setup();
    renderWithProviders(<LoginForm next="/" />, { route: '/login' });
    await user.type(screen.getByLabelText('Username'), 'alice');
    await user.type(screen.getByLabelText('Password'), 'wrong-password');
    await user.click(screen.getByRole('button', { name: 'Log in' }));

    const error = await screen.findByRole('alert');
    expect(error.textContent).toBe('Invalid username or password.');
    await waitFor(() => expect(document.activeElement).toBe(error));
    expect((screen.getByLabelText('Password') as HTMLInputElement).value).toBe('');
    expect(requests.at(-1)?.body).toEqual({ username: 'alice', password: 'wrong-password' });

    // A second identical failure takes focus again.
    screen.getByLabelText('Password').focus();
    await user.type(screen.getByLabelText('Password'), 'wrong-again');
    await user.click(screen.getByRole('button', { name: 'Log in' }));
    await waitFor(() => expect(requests.filter((r) => r.method === 'POST')).toHaveLength(2));
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('alert')));
  });
});
