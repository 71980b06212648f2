import { ErrorMessage } from '../../../components/messages';
import { getErrorMessage } from '../../../lib/api-client';
import { useProducts } from '../api/get-products';
import { ProductsTable } from './products-table';

/** All products the caller may see, or those of one product type. */
export function ProductsList({ productTypeId, caption = 'Products' }: { productTypeId?: number; caption?: string }) {
  const products = useProducts({ productTypeId });
  if (products.isPending) return <p role="status">Loading products…</p>;
  if (products.isError) return <ErrorMessage>{getErrorMessage(products.error)}</ErrorMessage>;
  return <ProductsTable products={products.data} caption={caption} />;
}
