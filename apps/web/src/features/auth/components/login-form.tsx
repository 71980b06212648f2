import { zodResolver } from '@hookform/resolvers/zod';
import { ZLoginBody } from '@tocsin/contract/auth';
import { useForm } from 'react-hook-form';
import { useNavigate } from 'react-router-dom';
import { FormError, SubmitButton, TextField } from '../../../components/form/fields';
import { Form } from '../../../components/form/form';
import { Icon } from '../../../components/icon';
import { useLogin } from '../../../lib/auth';

export function LoginForm({ next }: { next: string }) {
  const login = useLogin();
  const navigate = useNavigate();
  const form = useForm({ resolver: zodResolver(ZLoginBody), defaultValues: { username: '', password: '' } });

  return (
    <Form
      form={form}
      className="login-card"
      aria-labelledby="login-heading"
      isGuarded={false}
      error={login.error}
      onSubmit={(body) =>
        login.mutate(body, {
          onSuccess: () => navigate(next, { replace: true }),
          // The password is never kept after a failed attempt.
          onError: () => form.setValue('password', ''),
        })
      }
    >
      <p className="login-brand" aria-hidden="true">
        <Icon name="bell" isDecorative /> Tocsin
      </p>
      <h1 id="login-heading">Log in</h1>
      <FormError />
      <TextField name="username" label="Username" autoComplete="username" maxLength={150} />
      <TextField name="password" label="Password" type="password" autoComplete="current-password" maxLength={1024} />
      <SubmitButton isPending={login.isPending} pendingLabel="Logging in…" className="button button-primary button-block">
        Log in
      </SubmitButton>
    </Form>
  );
}
