import type { TProductType } from '@tocsin/contract/products';
import { Link } from 'react-router-dom';
import { paths } from '../../../config/paths';

export function ProductTypesTable({ productTypes }: { productTypes: readonly TProductType[] }) {
  if (productTypes.length === 0) return <p>No product types yet.</p>;
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="visually-hidden">Product types</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Description</th>
            <th scope="col">Products</th>
          </tr>
        </thead>
        <tbody>
          {productTypes.map((productType) => (
            <tr key={productType.id}>
              <td>
                <Link to={paths.productTypes.detail.getHref(productType.id)}>{productType.name}</Link>
              </td>
              <td>{productType.description}</td>
              <td>{productType.product_count}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
