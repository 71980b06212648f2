import type { TRule, TRuleScope } from '@tocsin/contract/rules';
import { useState } from 'react';
import { ErrorMessage } from '../../components/messages';
import { useDestinations } from '../../features/destinations/api/get-destinations';
import { MyNotificationChanges } from '../../features/notification-admin/components/my-notification-changes';
import { useProductTypes } from '../../features/product-types/api/get-product-types';
import { useProducts } from '../../features/products/api/get-products';
import { useRules } from '../../features/rules/api/get-rules';
import { RuleEditor } from '../../features/rules/components/rule-editor';
import { RulesTable } from '../../features/rules/components/rules-table';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { getErrorMessage } from '../../lib/api-client';
import { useUser } from '../../lib/auth';

/** One scope's rules: the table, the editor of the rule being edited, and the editor that adds one. */
function RulesSection({ scope, isSuperuser }: { scope: TRuleScope; isSuperuser: boolean }) {
  const rules = useRules(scope);
  const products = useProducts();
  const productTypes = useProductTypes();
  const destinations = useDestinations({ enabled: scope === 'system' && isSuperuser });
  const [editing, setEditing] = useState<TRule | null>(null);
  const productOptions = (products.data ?? []).map((p) => ({ id: p.id, name: p.name }));
  const typeOptions = (productTypes.data ?? []).map((p) => ({ id: p.id, name: p.name }));
  const destinationOptions = (destinations.data?.items ?? []).map((d) => ({ id: d.id, name: `${d.name} (${d.kind_label})` }));
  const props = { scope, productTypes: typeOptions, products: productOptions, destinations: destinationOptions };
  return (
    <section className="stack" aria-labelledby={`rules-${scope}`}>
      <h2 id={`rules-${scope}`}>{scope === 'system' ? 'System rules' : 'Your rules'}</h2>
      <p className="muted">
        {scope === 'system'
          ? 'Matching events go to named destinations (a Slack channel, a Teams flow, an email list, a webhook), whoever may see them.'
          : 'A rule adds channels for the events that match it, on top of your personal notification settings. You only ever hear about products you may see.'}
      </p>
      {rules.isPending && <p role="status">Loading rules…</p>}
      {rules.isError && <ErrorMessage>{getErrorMessage(rules.error)}</ErrorMessage>}
      {rules.data && <RulesTable {...props} rules={rules.data.items} onEdit={setEditing} />}
      {editing && <RuleEditor key={editing.id} {...props} rule={editing} onDone={() => setEditing(null)} />}
      <RuleEditor {...props} />
    </section>
  );
}

export function Component() {
  useDocumentTitle('Rules');
  const user = useUser();
  return (
    <section className="stack">
      <h1>Rules</h1>
      <MyNotificationChanges onlyRules />
      <RulesSection scope="personal" isSuperuser={user.is_superuser} />
      {user.is_superuser && <RulesSection scope="system" isSuperuser />}
    </section>
  );
}
