import type { TProduct, TProductType } from '@tocsin/contract/products';
import { type FormEvent, useId, useState } from 'react';
import { Link } from 'react-router-dom';
import { ErrorMessage, SuccessMessage } from '../../../components/messages';
import { paths } from '../../../config/paths';
import { getErrorMessage } from '../../../lib/api-client';
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
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [productTypeId, setProductTypeId] = useState<string>(defaultProductTypeId ? String(defaultProductTypeId) : '');

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    create.mutate(
      { name, description, product_type_id: Number(productTypeId) },
      {
        onSuccess: (product) => {
          setName('');
          setDescription('');
          onCreated?.(product);
        },
      },
    );
  };

  return (
    <form onSubmit={onSubmit} className="card stack" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Add product</h2>
      {productTypes.length === 0 ? (
        <p>
          A product belongs to a product type. <Link to={paths.productTypes.getHref()}>Add a product type</Link> first.
        </p>
      ) : (
        <>
          <div className="field">
            <label htmlFor={`${id}-name`}>Name</label>
            <input id={`${id}-name`} value={name} onChange={(e) => setName(e.currentTarget.value)} required maxLength={255} />
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
          <div className="field">
            <label htmlFor={`${id}-type`}>Product type</label>
            <select id={`${id}-type`} value={productTypeId} onChange={(e) => setProductTypeId(e.currentTarget.value)} required>
              <option value="">Choose a product type</option>
              {productTypes.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
          </div>
          <div className="form-actions">
            <button type="submit" className="button button-primary" disabled={create.isPending}>
              {create.isPending ? 'Adding…' : 'Add product'}
            </button>
          </div>
          {create.isError && <ErrorMessage>{getErrorMessage(create.error)}</ErrorMessage>}
          {create.isSuccess && (
            <SuccessMessage>
              Product <Link to={paths.products.detail.getHref(create.data.id)}>{create.data.name}</Link> added.
            </SuccessMessage>
          )}
        </>
      )}
    </form>
  );
}
