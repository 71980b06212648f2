import { useQueryClient } from '@tanstack/react-query';
import { Link, Navigate, useLocation, useParams, useSearchParams } from 'react-router-dom';
import { ErrorMessage } from '../../components/messages';
import { paths } from '../../config/paths';
import { getProductFindingsBaseKey } from '../../features/findings/api/get-product-findings';
import { useProductTests } from '../../features/findings/api/get-product-tests';
import { ImportScanForm } from '../../features/findings/components/import-scan-form';
import { ProductFindings } from '../../features/findings/components/product-findings';
import { RiskAcceptancesList } from '../../features/findings/components/risk-acceptances-list';
import { TestsTable } from '../../features/findings/components/tests-table';
import { ProductNotifications } from '../../features/notifications/components/product-notifications';
import { getProductQueryOptions, useProduct } from '../../features/products/api/get-product';
import { CreateEngagementForm } from '../../features/products/components/create-engagement-form';
import { EngagementsTable } from '../../features/products/components/engagements-table';
import { ProductDetails } from '../../features/products/components/product-details';
import { ProductSlaSection } from '../../features/sla/components/product-sla-section';
import { useUserOptions } from '../../features/users/api/get-user-options';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { useScrollToHash } from '../../hooks/use-scroll-to-hash';
import { ApiError, getErrorMessage } from '../../lib/api-client';
import { useUser } from '../../lib/auth';
import { parseId } from '../../lib/parse-id';
import { hasRoleAtLeast } from '../../lib/roles';

export function Component() {
  const productId = parseId(useParams().id);
  const [params] = useSearchParams();
  const { hash } = useLocation();
  // Alerts and notices sent before engagements had a page link here with ?engagement=<id>: send them there.
  const engagementId = parseId(params.get('engagement') ?? undefined);
  if (engagementId !== null) {
    return <Navigate to={`${paths.engagements.detail.getHref(engagementId)}${hash === '#engagement-notes' ? '#notes' : hash}`} replace />;
  }
  if (productId === null) return <ProductNotFound />;
  return <ProductPage productId={productId} />;
}

function ProductPage({ productId }: { productId: number }) {
  const product = useProduct(productId);
  const leads = useUserOptions();
  const tests = useProductTests(productId);
  const user = useUser();
  const queryClient = useQueryClient();
  useDocumentTitle(product.data?.name ?? 'Product');
  useScrollToHash(product.isSuccess);

  if (product.isPending) return <p role="status">Loading the product…</p>;
  // The BFF answers 404 for a product the caller may not see, so both look the same here.
  if (product.isError && product.error instanceof ApiError && product.error.status === 404) return <ProductNotFound />;
  if (product.isError) return <ErrorMessage>{getErrorMessage(product.error)}</ErrorMessage>;

  const canWrite = user.is_superuser || hasRoleAtLeast(product.data.role, 'Writer');
  const canMaintain = user.is_superuser || hasRoleAtLeast(product.data.role, 'Maintainer');

  return (
    <article>
      <h1>{product.data.name}</h1>
      <ProductDetails product={product.data} />

      <section aria-labelledby="engagements-heading">
        <h2 id="engagements-heading">Engagements</h2>
        <EngagementsTable productId={productId} engagements={product.data.engagements} />
        {leads.isError && <ErrorMessage>{getErrorMessage(leads.error)}</ErrorMessage>}
        {canWrite && <CreateEngagementForm productId={productId} leads={leads.data ?? []} />}
      </section>

      <section aria-labelledby="tests-heading">
        <h2 id="tests-heading">Tests</h2>
        {tests.isPending && <p role="status">Loading tests…</p>}
        {tests.isError && <ErrorMessage>{getErrorMessage(tests.error)}</ErrorMessage>}
        {tests.isSuccess && <TestsTable tests={tests.data} />}
      </section>
      {canWrite && (
        <ImportScanForm
          target={{ kind: 'product', productId, engagements: product.data.engagements }}
          // An import may have added an engagement by its name.
          onImported={() => void queryClient.invalidateQueries({ queryKey: getProductQueryOptions(productId).queryKey })}
        />
      )}

      <ProductFindings productId={productId} canWrite={canWrite} owners={leads.data ?? []} />

      <section aria-labelledby="risk-acceptances-heading" id="risk-acceptances">
        <h2 id="risk-acceptances-heading">Risk acceptances</h2>
        <RiskAcceptancesList productId={productId} />
      </section>

      <ProductSlaSection
        productId={productId}
        canEdit={canMaintain}
        onSaved={() => void queryClient.invalidateQueries({ queryKey: getProductFindingsBaseKey(productId) })}
      />

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
