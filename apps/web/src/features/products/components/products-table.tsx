import type { TProduct } from '@tocsin/contract/products';
import { Link } from 'react-router-dom';
import { RelativeTime } from '../../../components/relative-time';
import { paths } from '../../../config/paths';

export function ProductsTable({ products, caption }: { products: readonly TProduct[]; caption: string }) {
  if (products.length === 0) return <p>No products yet.</p>;
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Product type</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {products.map((product) => (
            <tr key={product.id}>
              <td>
                <Link to={paths.products.detail.getHref(product.id)}>{product.name}</Link>
              </td>
              <td>
                <Link to={paths.productTypes.detail.getHref(product.product_type_id)}>{product.product_type_name}</Link>
              </td>
              <td>
                <RelativeTime value={product.created_at} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
