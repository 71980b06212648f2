import { zodResolver } from '@hookform/resolvers/zod';
import { type TCreateUserBody, ZCreateUserBody } from '@tocsin/contract/auth';
import { useId } from 'react';
import { useForm } from 'react-hook-form';
import { Link } from 'react-router-dom';
import { CheckboxField, FormError, SubmitButton, TextField } from '../../../components/form/fields';
import { Form } from '../../../components/form/form';
import { SuccessMessage } from '../../../components/messages';
import { paths } from '../../../config/paths';
import { useCreateUser } from '../api/create-user';
import { RoleSelectField } from './role-select';

const EMPTY: TCreateUserBody = {
  username: '',
  email: '',
  first_name: '',
  last_name: '',
  password: '',
  is_active: true,
  is_superuser: false,
  global_role: null,
};

export function CreateUserForm() {
  const id = useId();
  const create = useCreateUser();
  const form = useForm({ resolver: zodResolver(ZCreateUserBody), defaultValues: EMPTY });

  return (
    <Form
      form={form}
      error={create.error}
      className="card stack"
      aria-labelledby={`${id}-heading`}
      onSubmit={(body) => create.mutate(body, { onSuccess: () => form.reset(EMPTY) })}
    >
      <h2 id={`${id}-heading`}>Add user</h2>
      <TextField name="username" label="Username" maxLength={150} autoComplete="off" />
      <TextField name="email" label="Email" type="email" maxLength={254} autoComplete="off" />
      <div className="field-row">
        <TextField name="first_name" label="First name" maxLength={150} autoComplete="off" />
        <TextField name="last_name" label="Last name" maxLength={150} autoComplete="off" />
      </div>
      <TextField
        name="password"
        label="Password"
        type="password"
        maxLength={1024}
        autoComplete="new-password"
        hint="At least 10 characters."
      />
      <CheckboxField name="is_active" label="Active" />
      <CheckboxField name="is_superuser" label="Superuser" />
      <RoleSelectField name="global_role" label="Global role" />
      <div className="form-actions">
        <SubmitButton isPending={create.isPending} pendingLabel="Adding…">
          Add user
        </SubmitButton>
      </div>
      <FormError />
      {create.isSuccess && (
        <SuccessMessage>
          User <Link to={paths.users.detail.getHref(create.data.id)}>{create.data.username}</Link> added.
        </SuccessMessage>
      )}
    </Form>
  );
}
