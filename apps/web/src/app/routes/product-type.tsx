import { Link, useParams } from 'react-router-dom';
import { ErrorMessage } from '../../components/messages';
import { paths } from '../../config/paths';
import { useProductType } from '../../features/product-types/api/get-product-type';
import { ProductTypeDetails } from '../../features/product-types/components/product-type-details';
import { CreateProductForm } from '../../features/products/components/create-product-form';
import { ProductsList } from '../../features/products/components/products-list';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { ApiError, getErrorMessage } from '../../lib/api-client';
import { parseId } from '../../lib/parse-id';

export function Component() {
  const productTypeId = parseId(useParams().id);
  if (productTypeId === null) return <ProductTypeNotFound />;
  return <ProductTypePage productTypeId={productTypeId} />;
}

function ProductTypePage({ productTypeId }: { productTypeId: number }) {
  const productType = useProductType(productTypeId);
  useDocumentTitle(productType.data?.name ?? 'Product type');

  if (productType.isPending) return <p role="status">Loading the product type…</p>;
  if (productType.isError && productType.error instanceof ApiError && productType.error.status === 404) return <ProductTypeNotFound />;
  if (productType.isError) return <ErrorMessage>{getErrorMessage(productType.error)}</ErrorMessage>;

  return (
    <article>
      <p>
        <Link to={paths.productTypes.getHref()}>Product Types</Link>
      </p>
      <h1>{productType.data.name}</h1>
      <ProductTypeDetails productType={productType.data} />
      <section aria-labelledby="product-type-products-heading">
        <h2 id="product-type-products-heading">Products</h2>
        <ProductsList productTypeId={productTypeId} caption={`Products of ${productType.data.name}`} />
      </section>
      <CreateProductForm
        productTypes={[productType.data]}
        defaultProductTypeId={productTypeId}
        onCreated={() => void productType.refetch()}
      />
    </article>
  );
}

function ProductTypeNotFound() {
  useDocumentTitle('Product type not found');
  return (
    <section>
      <h1>Product type not found.</h1>
      <p>It does not exist, or you do not have access to it.</p>
      <p>
        <Link to={paths.productTypes.getHref()}>Back to product types</Link>
      </p>
    </section>
  );
}
