import { ErrorMessage } from '../../components/messages';
import { useProductTypes } from '../../features/product-types/api/get-product-types';
import { CreateProductForm } from '../../features/products/components/create-product-form';
import { ProductsList } from '../../features/products/components/products-list';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { getErrorMessage } from '../../lib/api-client';

export function Component() {
  useDocumentTitle('Products');
  const productTypes = useProductTypes();
  return (
    <section>
      <h1>Products</h1>
      <ProductsList />
      {productTypes.isError && <ErrorMessage>{getErrorMessage(productTypes.error)}</ErrorMessage>}
      {productTypes.data && <CreateProductForm productTypes={productTypes.data} />}
    </section>
  );
}
