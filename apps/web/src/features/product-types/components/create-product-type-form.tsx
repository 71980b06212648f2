import { zodResolver } from '@hookform/resolvers/zod';
import type { TUser } from '@tocsin/contract/auth';
import type { TRole } from '@tocsin/contract/catalogue';
import { ZCreateProductTypeBody } from '@tocsin/contract/products';
import { useId } from 'react';
import { useForm } from 'react-hook-form';
import { Link } from 'react-router-dom';
import { FormError, SubmitButton, TextAreaField, TextField } from '../../../components/form/fields';
import { Form } from '../../../components/form/form';
import { SuccessMessage } from '../../../components/messages';
import { paths } from '../../../config/paths';
import { useCreateProductType } from '../api/create-product-type';

const CREATOR_ROLES: readonly TRole[] = ['Maintainer', 'Owner'];

/** The BFF's rule, mirrored to decide whether to offer the form (the BFF still decides). */
export const canAddProductType = (user: Pick<TUser, 'is_superuser' | 'global_role'>) =>
  user.is_superuser || (user.global_role !== null && CREATOR_ROLES.includes(user.global_role));

const EMPTY = { name: '', description: '' };

export function CreateProductTypeForm() {
  const id = useId();
  const create = useCreateProductType();
  const form = useForm({ resolver: zodResolver(ZCreateProductTypeBody), defaultValues: EMPTY });

  return (
    <Form
      form={form}
      error={create.error}
      className="card stack"
      aria-labelledby={`${id}-heading`}
      onSubmit={(body) => create.mutate(body, { onSuccess: () => form.reset(EMPTY) })}
    >
      <h2 id={`${id}-heading`}>Add product type</h2>
      <TextField name="name" label="Name" maxLength={255} registerOptions={{ onChange: () => create.reset() }} />
      <TextAreaField name="description" label="Description" maxLength={4000} rows={3} />
      <div className="form-actions">
        <SubmitButton isPending={create.isPending} pendingLabel="Adding…">
          Add product type
        </SubmitButton>
      </div>
      <FormError />
      {create.isSuccess && (
        <SuccessMessage>
          Product type <Link to={paths.productTypes.detail.getHref(create.data.id)}>{create.data.name}</Link> added.
        </SuccessMessage>
      )}
    </Form>
  );
}
