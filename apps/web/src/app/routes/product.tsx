import { Link, useParams } from 'react-router-dom';
import { ErrorMessage } from '../../components/messages';
import { paths } from '../../config/paths';
import { ProductNotifications } from '../../features/notifications/components/product-notifications';
import { useProduct } from '../../features/products/api/get-product';
import { CreateEngagementForm } from '../../features/products/components/create-engagement-form';
import { EngagementsTable } from '../../features/products/components/engagements-table';
import { ProductDetails } from '../../features/products/components/product-details';
import { useUserOptions } from '../../features/users/api/get-user-options';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { ApiError, getErrorMessage } from '../../lib/api-client';
import { parseId } from '../../lib/parse-id';

export function Component() {
  const productId = parseId(useParams().id);
  if (productId === null) return <ProductNotFound />;
  return <ProductPage productId={productId} />;
}

function ProductPage({ productId }: { productId: number }) {
  const product = useProduct(productId);
  const leads = useUserOptions();
  useDocumentTitle(product.data?.name ?? 'Product');

  if (product.isPending) return <p role="status">Loading the product…</p>;
  // The BFF answers 404 for a product the caller may not see, so both look the same here.
  if (product.isError && product.error instanceof ApiError && product.error.status === 404) return <ProductNotFound />;
  if (product.isError) return <ErrorMessage>{getErrorMessage(product.error)}</ErrorMessage>;

  return (
    <article>
      <h1>{product.data.name}</h1>
      <ProductDetails product={product.data} />

      <section aria-labelledby="engagements-heading">
        <h2 id="engagements-heading">Engagements</h2>
        <EngagementsTable productId={productId} engagements={product.data.engagements} />
        {leads.isError && <ErrorMessage>{getErrorMessage(leads.error)}</ErrorMessage>}
        <CreateEngagementForm productId={productId} leads={leads.data ?? []} />
      </section>

      <ProductNotifications productId={productId} productName={product.data.name} />
    </article>
  );
}

function ProductNotFound() {
  useDocumentTitle('Product not found');
  return (
    <section>
      <h1>Product not found.</h1>
      <p>It does not exist, or you do not have access to it.</p>
      <p>
        <Link to={paths.products.getHref()}>Back to products</Link>
      </p>
    </section>
  );
}
