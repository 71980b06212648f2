import { CreateProductTypeForm, canAddProductType } from '../../features/product-types/components/create-product-type-form';
import { ProductTypesList } from '../../features/product-types/components/product-types-list';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { useUser } from '../../lib/auth';

export function Component() {
  useDocumentTitle('Product Types');
  const user = useUser();
  return (
    <section>
      <h1>Product Types</h1>
      <ProductTypesList />
      {canAddProductType(user) && <CreateProductTypeForm />}
    </section>
  );
}
