import { ErrorMessage } from '../../../components/messages';
import { getErrorMessage } from '../../../lib/api-client';
import { useProductTypes } from '../api/get-product-types';
import { ProductTypesTable } from './product-types-table';

export function ProductTypesList() {
  const productTypes = useProductTypes();
  if (productTypes.isPending) return <p role="status">Loading product types…</p>;
  if (productTypes.isError) return <ErrorMessage>{getErrorMessage(productTypes.error)}</ErrorMessage>;
  return <ProductTypesTable productTypes={productTypes.data} />;
}
