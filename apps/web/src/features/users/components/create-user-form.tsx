import type { TRole } from '@tocsin/contract/catalogue';
import { type ChangeEvent, type FormEvent, useId, useState } from 'react';
import { Link } from 'react-router-dom';
import { ErrorMessage, SuccessMessage } from '../../../components/messages';
import { paths } from '../../../config/paths';
import { getErrorMessage } from '../../../lib/api-client';
import { useCreateUser } from '../api/create-user';
import { RoleSelect } from './role-select';

const EMPTY = { username: '', email: '', first_name: '', last_name: '', password: '' };

export function CreateUserForm() {
  const id = useId();
  const create = useCreateUser();
  const [fields, setFields] = useState(EMPTY);
  const [isActive, setIsActive] = useState(true);
  const [isSuperuser, setIsSuperuser] = useState(false);
  const [globalRole, setGlobalRole] = useState<TRole | null>(null);

  const text = (name: keyof typeof EMPTY) => ({
    id: `${id}-${name}`,
    value: fields[name],
    onChange: (e: ChangeEvent<HTMLInputElement>) => {
      const value = e.currentTarget.value;
      setFields((f) => ({ ...f, [name]: value }));
    },
  });

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    create.mutate(
      { ...fields, is_active: isActive, is_superuser: isSuperuser, global_role: globalRole },
      {
        onSuccess: () => {
          setFields(EMPTY);
          setIsActive(true);
          setIsSuperuser(false);
          setGlobalRole(null);
        },
      },
    );
  };

  return (
    <form onSubmit={onSubmit} className="card stack" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Add user</h2>
      <div className="field">
        <label htmlFor={`${id}-username`}>Username</label>
        <input {...text('username')} required maxLength={150} autoComplete="off" />
      </div>
      <div className="field">
        <label htmlFor={`${id}-email`}>Email</label>
        <input {...text('email')} type="email" required maxLength={254} autoComplete="off" />
      </div>
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${id}-first_name`}>First name</label>
          <input {...text('first_name')} maxLength={150} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-last_name`}>Last name</label>
          <input {...text('last_name')} maxLength={150} />
        </div>
      </div>
      <div className="field">
        <label htmlFor={`${id}-password`}>Password</label>
        <input
          {...text('password')}
          type="password"
          required
          minLength={10}
          maxLength={1024}
          autoComplete="new-password"
          aria-describedby={`${id}-password-help`}
        />
        <span id={`${id}-password-help`} className="muted">
          At least 10 characters.
        </span>
      </div>
      <div className="field field-checkbox">
        <input id={`${id}-active`} type="checkbox" checked={isActive} onChange={(e) => setIsActive(e.currentTarget.checked)} />
        <label htmlFor={`${id}-active`}>Active</label>
      </div>
      <div className="field field-checkbox">
        <input id={`${id}-superuser`} type="checkbox" checked={isSuperuser} onChange={(e) => setIsSuperuser(e.currentTarget.checked)} />
        <label htmlFor={`${id}-superuser`}>Superuser</label>
      </div>
      <div className="field">
        <RoleSelect id={`${id}-role`} label="Global role" value={globalRole} onChange={setGlobalRole} noneLabel="None" />
      </div>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={create.isPending}>
          {create.isPending ? 'Adding…' : 'Add user'}
        </button>
      </div>
      {create.isError && <ErrorMessage>{getErrorMessage(create.error)}</ErrorMessage>}
      {create.isSuccess && (
        <SuccessMessage>
          User <Link to={paths.users.detail.getHref(create.data.id)}>{create.data.username}</Link> added.
        </SuccessMessage>
      )}
    </form>
  );
}
