import { Link, useParams } from 'react-router-dom';
import { ErrorMessage } from '../../components/messages';
import { paths } from '../../config/paths';
import { useProductTypes } from '../../features/product-types/api/get-product-types';
import { useProducts } from '../../features/products/api/get-products';
import { useUserDetail } from '../../features/users/api/get-user';
import { EditUserForm } from '../../features/users/components/edit-user-form';
import { MembershipsEditor } from '../../features/users/components/memberships-editor';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { ApiError, getErrorMessage } from '../../lib/api-client';
import { useUser } from '../../lib/auth';
import { parseId } from '../../lib/parse-id';

export function Component() {
  const me = useUser();
  const userId = parseId(useParams().id);
  useDocumentTitle('User');
  if (!me.is_superuser) {
    return (
      <section>
        <h1>User</h1>
        <ErrorMessage>You do not have permission to view this page.</ErrorMessage>
      </section>
    );
  }
  if (userId === null) return <UserNotFound />;
  return <UserPage userId={userId} />;
}

function UserPage({ userId }: { userId: number }) {
  const user = useUserDetail(userId);
  const productTypes = useProductTypes();
  const products = useProducts();

  if (user.isPending) return <p role="status">Loading the user…</p>;
  if (user.isError && user.error instanceof ApiError && user.error.status === 404) return <UserNotFound />;
  if (user.isError) return <ErrorMessage>{getErrorMessage(user.error)}</ErrorMessage>;

  return (
    <article>
      <p>
        <Link to={paths.users.getHref()}>Users</Link>
      </p>
      <h1>{user.data.username}</h1>
      {/* Remount when another user is shown, so the form starts from that user's values. */}
      <EditUserForm key={user.data.id} user={user.data} />
      {productTypes.isError && <ErrorMessage>{getErrorMessage(productTypes.error)}</ErrorMessage>}
      {products.isError && <ErrorMessage>{getErrorMessage(products.error)}</ErrorMessage>}
      <MembershipsEditor userId={userId} productTypes={productTypes.data ?? []} products={products.data ?? []} />
    </article>
  );
}

function UserNotFound() {
  return (
    <section>
      <h1>User not found.</h1>
      <p>
        <Link to={paths.users.getHref()}>Back to users</Link>
      </p>
    </section>
  );
}
