import type { TProductType } from '@tocsin/contract/products';
import { RelativeTime } from '../../../components/relative-time';

export function ProductTypeDetails({ productType }: { productType: TProductType }) {
  return (
    <dl className="details">
      <dt>Description</dt>
      <dd>{productType.description || <span className="muted">No description.</span>}</dd>
      <dt>Products</dt>
      <dd>{productType.product_count}</dd>
      <dt>Created</dt>
      <dd>
        <RelativeTime value={productType.created_at} />
      </dd>
    </dl>
  );
}
