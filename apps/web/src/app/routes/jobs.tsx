import { ErrorMessage } from '../../components/messages';
import { JobsList } from '../../features/jobs/components/jobs-table';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { useUser } from '../../lib/auth';

export function Component() {
  useDocumentTitle('Jobs');
  const user = useUser();
  return (
    <section>
      <h1>Jobs</h1>
      {user.is_superuser ? <JobsList /> : <ErrorMessage>Only superusers can see and run jobs.</ErrorMessage>}
    </section>
  );
}
