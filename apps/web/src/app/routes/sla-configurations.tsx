import { ErrorMessage } from '../../components/messages';
import { SlaConfigurationsManager } from '../../features/sla/components/sla-configurations-manager';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { useUser } from '../../lib/auth';

export function Component() {
  useDocumentTitle('SLA Configurations');
  const user = useUser();
  return (
    <section>
      <h1>SLA Configurations</h1>
      {user.is_superuser ? <SlaConfigurationsManager /> : <ErrorMessage>Only superusers can change SLA configurations.</ErrorMessage>}
    </section>
  );
}
