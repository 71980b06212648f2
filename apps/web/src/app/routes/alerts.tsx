import { AlertsList } from '../../features/alerts/components/alerts-list';
import { useProducts } from '../../features/products/api/get-products';
import { useDocumentTitle } from '../../hooks/use-document-title';

export function Component() {
  useDocumentTitle('Alerts');
  // The product filter offers the products this user can see (the products feature owns that list).
  const products = useProducts();
  return (
    <section>
      <h1>Alerts</h1>
      <AlertsList productOptions={products.data?.map((p) => ({ id: p.id, name: p.name }))} />
    </section>
  );
}
