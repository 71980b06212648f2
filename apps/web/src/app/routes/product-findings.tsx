import { Navigate, useParams } from 'react-router-dom';
import { paths } from '../../config/paths';

/** /products/:id/findings (where SLA summary notices link): the findings are on the product page. */
export function Component() {
  const id = useParams().id ?? '';
  return <Navigate to={`${paths.products.detail.getHref(id)}#findings-heading`} replace />;
}
