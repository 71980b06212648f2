import type { TUpdateUserBody, TUser } from '@tocsin/contract/auth';
import type { TRole } from '@tocsin/contract/catalogue';
import { type FormEvent, useId, useState } from 'react';
import { ErrorMessage, SuccessMessage } from '../../../components/messages';
import { getErrorMessage } from '../../../lib/api-client';
import { useUpdateUser } from '../api/update-user';
import { RoleSelect } from './role-select';

/** A superuser edits another account: names, email, flags, global role, and may reset the password. */
export function EditUserForm({ user }: { user: TUser }) {
  const id = useId();
  const update = useUpdateUser();
  const [email, setEmail] = useState(user.email);
  const [firstName, setFirstName] = useState(user.first_name);
  const [lastName, setLastName] = useState(user.last_name);
  const [isActive, setIsActive] = useState(user.is_active);
  const [isSuperuser, setIsSuperuser] = useState(user.is_superuser);
  const [globalRole, setGlobalRole] = useState<TRole | null>(user.global_role);
  const [password, setPassword] = useState('');

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const body: TUpdateUserBody = {
      email,
      first_name: firstName,
      last_name: lastName,
      is_active: isActive,
      is_superuser: isSuperuser,
      global_role: globalRole,
    };
    if (password) body.password = password;
    update.mutate({ userId: user.id, body }, { onSuccess: () => setPassword('') });
  };

  return (
    <form onSubmit={onSubmit} className="card stack" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Account</h2>
      <div className="field">
        <label htmlFor={`${id}-username`}>Username</label>
        <input id={`${id}-username`} value={user.username} readOnly />
      </div>
      <div className="field">
        <label htmlFor={`${id}-email`}>Email</label>
        <input id={`${id}-email`} type="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} required maxLength={254} />
      </div>
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${id}-first`}>First name</label>
          <input id={`${id}-first`} value={firstName} onChange={(e) => setFirstName(e.currentTarget.value)} maxLength={150} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-last`}>Last name</label>
          <input id={`${id}-last`} value={lastName} onChange={(e) => setLastName(e.currentTarget.value)} maxLength={150} />
        </div>
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
      <div className="field">
        <label htmlFor={`${id}-password`}>Reset password</label>
        <input
          id={`${id}-password`}
          type="password"
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          minLength={10}
          maxLength={1024}
          autoComplete="new-password"
          aria-describedby={`${id}-password-help`}
        />
        <span id={`${id}-password-help`} className="muted">
          Leave empty to keep the current password. At least 10 characters; the user's sessions end.
        </span>
      </div>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={update.isPending}>
          {update.isPending ? 'Saving…' : 'Save user'}
        </button>
      </div>
      {update.isError && <ErrorMessage>{getErrorMessage(update.error)}</ErrorMessage>}
      {update.isSuccess && <SuccessMessage>User saved.</SuccessMessage>}
    </form>
  );
}
