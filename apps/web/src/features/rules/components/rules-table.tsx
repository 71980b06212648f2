/** Rules with what they match and where they send, and per-row Edit and Delete. */
import { CHANNEL_LABELS, findEventInfo } from '@tocsin/contract/catalogue';
import type { TRule, TRuleScope } from '@tocsin/contract/rules';
import { useState } from 'react';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { getErrorMessage } from '../../../lib/api-client';
import { useDeleteRule } from '../api/delete-rule';
import type { TOption, TRuleOwner } from './rule-editor';

/** The conditions in words: "tag payments · severity ≥ Critical". */
export function describeConditions(rule: TRule, names: { products: readonly TOption[]; productTypes: readonly TOption[] }): string {
  const c = rule.conditions;
  const nameOf = (list: readonly TOption[], id: number) => list.find((o) => o.id === id)?.name ?? `#${id}`;
  const parts = [
    c.product_type_ids.length > 0 && `product type ${c.product_type_ids.map((id) => nameOf(names.productTypes, id)).join(' or ')}`,
    c.product_ids.length > 0 && `product ${c.product_ids.map((id) => nameOf(names.products, id)).join(' or ')}`,
    c.product_tags.length > 0 && `tag ${c.product_tags.join(' or ')}`,
    c.min_severity && `severity ≥ ${c.min_severity}`,
    c.min_findings && `≥ ${c.min_findings.count} findings ≥ ${c.min_findings.severity}`,
    c.tool && `tool ${c.tool}`,
    c.only_new && 'only new or reactivated findings',
  ].filter(Boolean);
  return parts.length === 0 ? 'Any' : parts.join(' · ');
}

export function RulesTable({
  scope,
  rules,
  products,
  productTypes,
  destinations,
  owner,
  onChanged,
  onEdit,
}: {
  scope: TRuleScope;
  /** Personal rules of another user (a superuser's page of that user); absent for the caller's own. */
  owner?: TRuleOwner;
  /** After a deletion, for what else follows the rules (the owner's change history). */
  onChanged?: () => void;
  rules: readonly TRule[];
  products: readonly TOption[];
  productTypes: readonly TOption[];
  destinations: readonly TOption[];
  onEdit: (rule: TRule) => void;
}) {
  const [toDelete, setToDelete] = useState<TRule | null>(null);
  const remove = useDeleteRule(scope, owner?.id, onChanged);
  const caption = scope === 'system' ? 'System rules' : owner ? `Rules of ${owner.username}` : 'Your rules';
  if (rules.length === 0) return <p className="empty-state">No {scope === 'system' ? 'system ' : ''}rules yet. Add one below.</p>;
  return (
    <>
      <div className="table-wrap">
        <table className="table table-stack">
          <caption className="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Events</th>
              <th scope="col">Conditions</th>
              <th scope="col">{scope === 'system' ? 'Destinations' : 'Channels'}</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {rules.map((r) => (
              <tr key={r.id}>
                <th scope="row" className="cell-primary">
                  {r.name}
                  {!r.enabled && <span className="muted"> (disabled)</span>}
                </th>
                <td data-label="Events">{r.events.map((e) => findEventInfo(e).label).join(', ')}</td>
                <td data-label="Conditions">{describeConditions(r, { products, productTypes })}</td>
                <td data-label={scope === 'system' ? 'Destinations' : 'Channels'}>
                  {scope === 'system'
                    ? r.destination_ids.map((id) => destinations.find((d) => d.id === id)?.name ?? `#${id}`).join(', ')
                    : r.channels.map((c) => CHANNEL_LABELS[c]).join(', ')}
                </td>
                <td data-label="Actions">
                  <div className="form-actions">
                    <button type="button" className="link-button" onClick={() => onEdit(r)}>
                      Edit<span className="visually-hidden"> {r.name}</span>
                    </button>
                    <button type="button" className="link-button link-button-danger" onClick={() => setToDelete(r)}>
                      Delete<span className="visually-hidden"> {r.name}</span>
                    </button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ConfirmDialog
        isOpen={toDelete !== null}
        title="Delete rule?"
        confirmLabel="Delete"
        isDanger
        isPending={remove.isPending}
        errorMessage={remove.isError ? getErrorMessage(remove.error) : null}
        onCancel={() => {
          remove.reset();
          setToDelete(null);
        }}
        onConfirm={() => {
          if (toDelete) remove.mutate({ scope, id: toDelete.id, userId: owner?.id }, { onSuccess: () => setToDelete(null) });
        }}
      >
        <p>
          Delete the rule <strong>{toDelete?.name}</strong>? This cannot be undone.
        </p>
      </ConfirmDialog>
    </>
  );
}
