import { zodResolver } from '@hookform/resolvers/zod';
import { ZChangePasswordBody } from '@tocsin/contract/auth';
import { useId } from 'react';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { FormError, SubmitButton, TextField } from '../../../components/form/fields';
import { Form } from '../../../components/form/form';
import { SuccessMessage } from '../../../components/messages';
import { useChangePassword } from '../api/change-password';

/** The BFF's schema, plus the confirmation that only the browser needs. */
const ZChangePasswordForm = ZChangePasswordBody.extend({
  current_password: z.string().min(1, 'Enter your current password'),
  confirm_password: z.string(),
}).refine((v) => v.new_password === v.confirm_password, {
  message: 'The new password and its confirmation differ.',
  path: ['confirm_password'],
});

const EMPTY = { current_password: '', new_password: '', confirm_password: '' };

export function ChangePasswordForm() {
  const id = useId();
  const change = useChangePassword();
  const form = useForm({ resolver: zodResolver(ZChangePasswordForm), defaultValues: EMPTY });

  return (
    <Form
      form={form}
      error={change.error}
      className="card stack"
      aria-labelledby={`${id}-heading`}
      onSubmit={({ current_password, new_password }) =>
        change.mutate({ current_password, new_password }, { onSuccess: () => form.reset(EMPTY) })
      }
    >
      <h2 id={`${id}-heading`}>Change password</h2>
      <TextField name="current_password" label="Current password" type="password" autoComplete="current-password" />
      <TextField
        name="new_password"
        label="New password"
        type="password"
        maxLength={1024}
        autoComplete="new-password"
        hint="At least 10 characters. Your other sessions are logged out and all your API tokens are revoked."
      />
      <TextField name="confirm_password" label="Confirm new password" type="password" autoComplete="new-password" />
      <div className="form-actions">
        <SubmitButton isPending={change.isPending} pendingLabel="Changing…">
          Change password
        </SubmitButton>
      </div>
      <FormError />
      {change.isSuccess && <SuccessMessage>Password changed.</SuccessMessage>}
    </Form>
  );
}
