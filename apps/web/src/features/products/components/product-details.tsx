import type { TProductDetail } from '@tocsin/contract/products';
import { Link } from 'react-router-dom';
import { RelativeTime } from '../../../components/relative-time';
import { paths } from '../../../config/paths';

export function ProductDetails({ product }: { product: TProductDetail }) {
  return (
    <dl className="details">
      <dt>Product type</dt>
      <dd>
        <Link to={paths.productTypes.detail.getHref(product.product_type_id)}>{product.product_type_name}</Link>
      </dd>
      <dt>Description</dt>
      <dd>{product.description || <span className="muted">No description.</span>}</dd>
      <dt>Created</dt>
      <dd>
        <RelativeTime value={product.created_at} />
      </dd>
    </dl>
  );
}
