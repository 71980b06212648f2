import { zodResolver } from '@hookform/resolvers/zod';
import { type TProduct, type TProductType, ZCreateProductBody } from '@tocsin/contract/products';
import { useId } from 'react';
import { useForm } from 'react-hook-form';
import { Link } from 'react-router-dom';
import { FormError, SelectField, SubmitButton, TextAreaField, TextField } from '../../../components/form/fields';
import { Form } from '../../../components/form/form';
import { SuccessMessage } from '../../../components/messages';
import { paths } from '../../../config/paths';
import { toOptionalId } from '../../../lib/form-values';
import { useCreateProduct } from '../api/create-product';

/** "Add product". The product types to choose from are passed in (the route loads them). */
export function CreateProductForm({
  productTypes,
  defaultProductTypeId,
  onCreated,
}: {
  productTypes: readonly TProductType[];
  defaultProductTypeId?: number;
  /** For the page around the form, e.g. to refresh a product count it shows. */
  onCreated?: (product: TProduct) => void;
}) {
  const id = useId();
  const create = useCreateProduct();
  // An unchosen product type is 0, which the schema refuses with "Choose a product type".
  const empty = { name: '', description: '', product_type_id: defaultProductTypeId ?? 0 };
  const form = useForm({ resolver: zodResolver(ZCreateProductBody), defaultValues: empty });

  return (
    <Form
      form={form}
      error={create.error}
      className="card stack"
      aria-labelledby={`${id}-heading`}
      onSubmit={(body) =>
        create.mutate(body, {
          onSuccess: (product) => {
            form.reset(empty);
            onCreated?.(product);
          },
        })
      }
    >
      <h2 id={`${id}-heading`}>Add product</h2>
      {productTypes.length === 0 ? (
        <p>
          A product belongs to a product type. <Link to={paths.productTypes.getHref()}>Add a product type</Link> first.
        </p>
      ) : (
        <>
          <TextField name="name" label="Name" maxLength={255} />
          <TextAreaField name="description" label="Description" maxLength={4000} rows={3} />
          <SelectField name="product_type_id" label="Product type" registerOptions={{ setValueAs: toOptionalId }}>
            <option value="0">Choose a product type</option>
            {productTypes.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </SelectField>
          <div className="form-actions">
            <SubmitButton isPending={create.isPending} pendingLabel="Adding…">
              Add product
            </SubmitButton>
          </div>
          <FormError />
          {create.isSuccess && (
            <SuccessMessage>
              Product <Link to={paths.products.detail.getHref(create.data.id)}>{create.data.name}</Link> added.
            </SuccessMessage>
          )}
        </>
      )}
    </Form>
  );
}
