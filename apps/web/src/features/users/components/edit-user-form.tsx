import { zodResolver } from '@hookform/resolvers/zod';
import { type TUser, ZUpdateUserBody } from '@tocsin/contract/auth';
import { useId } from 'react';
import { useForm } from 'react-hook-form';
import { CheckboxField, FormError, SubmitButton, TextField } from '../../../components/form/fields';
import { Form } from '../../../components/form/form';
import { SuccessMessage } from '../../../components/messages';
import { toOptionalString } from '../../../lib/form-values';
import { useUpdateUser } from '../api/update-user';
import { RoleSelectField } from './role-select';

const toValues = (user: TUser) => ({
  email: user.email,
  first_name: user.first_name,
  last_name: user.last_name,
  is_active: user.is_active,
  is_superuser: user.is_superuser,
  global_role: user.global_role,
  password: undefined as string | undefined,
});

/** A superuser edits another account: names, email, flags, global role, and may reset the password. */
export function EditUserForm({ user }: { user: TUser }) {
  const id = useId();
  const update = useUpdateUser();
  const form = useForm({ resolver: zodResolver(ZUpdateUserBody), defaultValues: toValues(user) });

  return (
    <Form
      form={form}
      error={update.error}
      className="card stack"
      aria-labelledby={`${id}-heading`}
      onSubmit={(body) => update.mutate({ userId: user.id, body }, { onSuccess: (saved) => form.reset(toValues(saved)) })}
    >
      <h2 id={`${id}-heading`}>Account</h2>
      <div className="field">
        <label htmlFor={`${id}-username`}>Username</label>
        <input id={`${id}-username`} value={user.username} readOnly />
      </div>
      <TextField name="email" label="Email" type="email" maxLength={254} />
      <div className="field-row">
        <TextField name="first_name" label="First name" maxLength={150} />
        <TextField name="last_name" label="Last name" maxLength={150} />
      </div>
      <CheckboxField name="is_active" label="Active" />
      <CheckboxField name="is_superuser" label="Superuser" />
      <RoleSelectField name="global_role" label="Global role" />
      <TextField
        name="password"
        label="Reset password"
        type="password"
        maxLength={1024}
        autoComplete="new-password"
        // Empty keeps the current password: the field is left out of the request.
        registerOptions={{ setValueAs: toOptionalString }}
        hint="Leave empty to keep the current password. At least 10 characters; the user's sessions end and their API tokens are revoked."
      />
      <div className="form-actions">
        <SubmitButton isPending={update.isPending} pendingLabel="Saving…">
          Save user
        </SubmitButton>
      </div>
      <FormError />
      {update.isSuccess && <SuccessMessage>User saved.</SuccessMessage>}
    </Form>
  );
}
