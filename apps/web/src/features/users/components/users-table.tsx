import type { TUser } from '@tocsin/contract/auth';
import { useDeferredValue, useId, useState } from 'react';
import { Link } from 'react-router-dom';
import { ErrorMessage } from '../../../components/messages';
import { paths } from '../../../config/paths';
import { getErrorMessage } from '../../../lib/api-client';
import { useUsers } from '../api/get-users';

const yesNo = (value: boolean) => (value ? 'Yes' : 'No');
const fullName = (user: TUser) => [user.first_name, user.last_name].filter(Boolean).join(' ');

export function UsersTable() {
  const id = useId();
  const [q, setQ] = useState('');
  const deferredQ = useDeferredValue(q.trim());
  const users = useUsers({ q: deferredQ });

  return (
    <div className="stack">
      <div className="field">
        <label htmlFor={`${id}-q`}>Search users</label>
        <input id={`${id}-q`} type="search" value={q} onChange={(e) => setQ(e.currentTarget.value)} placeholder="Username, name or email" />
      </div>
      {users.isPending && <p role="status">Loading users…</p>}
      {users.isError && <ErrorMessage>{getErrorMessage(users.error)}</ErrorMessage>}
      {users.data && users.data.length === 0 && <p>No user matches.</p>}
      {users.data && users.data.length > 0 && (
        <div className="table-wrap">
          <table className="table table-stack">
            <caption className="visually-hidden">Users</caption>
            <thead>
              <tr>
                <th scope="col">Username</th>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Active</th>
                <th scope="col">Superuser</th>
                <th scope="col">Global role</th>
              </tr>
            </thead>
            <tbody>
              {users.data.map((user) => (
                <tr key={user.id}>
                  <td className="cell-primary">
                    <Link to={paths.users.detail.getHref(user.id)}>{user.username}</Link>
                  </td>
                  <td data-label="Name">{fullName(user)}</td>
                  <td data-label="Email" className="cell-wrap">
                    {user.email}
                  </td>
                  <td data-label="Active">{yesNo(user.is_active)}</td>
                  <td data-label="Superuser">{yesNo(user.is_superuser)}</td>
                  <td data-label="Global role">{user.global_role ?? 'None'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
