import { ErrorMessage } from '../../components/messages';
import { CreateUserForm } from '../../features/users/components/create-user-form';
import { UsersTable } from '../../features/users/components/users-table';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { useUser } from '../../lib/auth';

const NO_PERMISSION_MESSAGE = 'You do not have permission to view this page.';

export function Component() {
  useDocumentTitle('Users');
  const user = useUser();
  if (!user.is_superuser) {
    return (
      <section>
        <h1>Users</h1>
        <ErrorMessage>{NO_PERMISSION_MESSAGE}</ErrorMessage>
      </section>
    );
  }
  return (
    <section>
      <h1>Users</h1>
      <UsersTable />
      <CreateUserForm />
    </section>
  );
}
