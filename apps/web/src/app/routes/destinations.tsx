import type { TDestination } from '@tocsin/contract/rules';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { ErrorMessage } from '../../components/messages';
import { paths } from '../../config/paths';
import { useDestinations } from '../../features/destinations/api/get-destinations';
import { DestinationForm } from '../../features/destinations/components/destination-form';
import { DestinationsTable } from '../../features/destinations/components/destinations-table';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { getErrorMessage } from '../../lib/api-client';
import { useUser } from '../../lib/auth';

export function Component() {
  useDocumentTitle('Destinations');
  const user = useUser();
  const destinations = useDestinations({ enabled: user.is_superuser });
  const [editing, setEditing] = useState<TDestination | null>(null);
  if (!user.is_superuser) {
    return (
      <section>
        <h1>Destinations</h1>
        <ErrorMessage>Only superusers can manage destinations.</ErrorMessage>
      </section>
    );
  }
  return (
    <section className="stack">
      <h1>Destinations</h1>
      <p className="muted">
        Named places system rules send matching events to: a Slack channel (through the system Slack app), a Teams flow, an email list or a
        webhook endpoint. Choose which events go where on the <Link to={paths.rules.getHref()}>Rules</Link> page.
      </p>
      {destinations.isPending && <p role="status">Loading destinations…</p>}
      {destinations.isError && <ErrorMessage>{getErrorMessage(destinations.error)}</ErrorMessage>}
      {destinations.data && (
        <DestinationsTable destinations={destinations.data.items} getLogHref={(id) => paths.deliveries.getHref(id)} onEdit={setEditing} />
      )}
      {editing && <DestinationForm key={editing.id} destination={editing} onDone={() => setEditing(null)} />}
      <DestinationForm />
    </section>
  );
}
