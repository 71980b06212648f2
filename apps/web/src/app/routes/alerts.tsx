import { AlertsList } from '../../features/alerts/components/alerts-list';
import { useDocumentTitle } from '../../hooks/use-document-title';

export function Component() {
  useDocumentTitle('Alerts');
  return (
    <section>
      <h1>Alerts</h1>
      <AlertsList />
    </section>
  );
}
