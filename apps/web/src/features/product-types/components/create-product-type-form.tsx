import type { TUser } from '@tocsin/contract/auth';
import type { TRole } from '@tocsin/contract/catalogue';
import { type FormEvent, useId, useState } from 'react';
import { Link } from 'react-router-dom';
import { ErrorMessage, SuccessMessage } from '../../../components/messages';
import { paths } from '../../../config/paths';
import { getErrorMessage } from '../../../lib/api-client';
import { useCreateProductType } from '../api/create-product-type';

const CREATOR_ROLES: readonly TRole[] = ['Maintainer', 'Owner'];

/** The BFF's rule, mirrored to decide whether to offer the form (the BFF still decides). */
export const canAddProductType = (user: Pick<TUser, 'is_superuser' | 'global_role'>) =>
  user.is_superuser || (user.global_role !== null && CREATOR_ROLES.includes(user.global_role));

export function CreateProductTypeForm() {
  const id = useId();
  const create = useCreateProductType();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    create.mutate(
      { name, description },
      {
        onSuccess: () => {
          setName('');
          setDescription('');
        },
      },
    );
  };

  return (
    <form onSubmit={onSubmit} className="card stack" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Add product type</h2>
      <div className="field">
        <label htmlFor={`${id}-name`}>Name</label>
        <input
          id={`${id}-name`}
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          required
          maxLength={255}
          aria-invalid={create.isError}
          aria-describedby={create.isError ? `${id}-error` : undefined}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-description`}>Description</label>
        <textarea
          id={`${id}-description`}
          value={description}
          onChange={(e) => setDescription(e.currentTarget.value)}
          maxLength={4000}
          rows={3}
        />
      </div>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={create.isPending}>
          {create.isPending ? 'Adding…' : 'Add product type'}
        </button>
      </div>
      {create.isError && <ErrorMessage id={`${id}-error`}>{getErrorMessage(create.error)}</ErrorMessage>}
      {create.isSuccess && (
        <SuccessMessage>
          Product type <Link to={paths.productTypes.detail.getHref(create.data.id)}>{create.data.name}</Link> added.
        </SuccessMessage>
      )}
    </form>
  );
}
