/**
 * The superusers' SLA configurations page: every configuration with its days per severity and the number of
 * products using it; add, change, and delete one no product uses (the default cannot be deleted).
 */
import {
  DEFAULT_SLA_PERIODS,
  SEVERITIES,
  type TSeverity,
  type TSlaConfigurationBody,
  ZSlaConfigurationBody,
} from '@tocsin/contract/findings';
import type { TSlaConfiguration } from '@tocsin/contract/findings-api';
import { useId, useState } from 'react';
import { useForm } from 'react-hook-form';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { zodBodyResolver } from '../../../components/form/body-resolver';
import { CheckboxField, FormError, SubmitButton, TextField } from '../../../components/form/fields';
import { Form } from '../../../components/form/form';
import { ErrorMessage } from '../../../components/messages';
import { getErrorMessage } from '../../../lib/api-client';
import { useDeleteSlaConfiguration } from '../api/delete-sla-configuration';
import { useSlaConfigurations } from '../api/get-sla-configurations';
import { useSaveSlaConfiguration } from '../api/save-sla-configuration';
import { SlaPeriodsTable } from './sla-periods-table';

type TPeriodValues = { days: string; enforced: boolean };
type TConfigValues = { name: string; description: string; periods: Record<TSeverity, TPeriodValues> };

const toValues = (c: Pick<TSlaConfigurationBody, 'name' | 'description' | 'periods'>): TConfigValues => ({
  name: c.name,
  description: c.description ?? '',
  periods: Object.fromEntries(
    SEVERITIES.map((s) => [s, { days: c.periods[s].days === null ? '' : String(c.periods[s].days), enforced: c.periods[s].enforced }]),
  ) as Record<TSeverity, TPeriodValues>,
});

export const toSlaBody = (values: TConfigValues): TSlaConfigurationBody => ({
  name: values.name,
  description: values.description,
  periods: Object.fromEntries(
    SEVERITIES.map((s) => {
      const days = values.periods[s].days.trim();
      return [s, { days: days === '' ? null : Number(days), enforced: values.periods[s].enforced }];
    }),
  ) as TSlaConfigurationBody['periods'],
});

function SlaConfigurationForm({ editing, onDone }: { editing: TSlaConfiguration | null; onDone: () => void }) {
  const id = useId();
  const save = useSaveSlaConfiguration();
  const form = useForm<TConfigValues, unknown, TSlaConfigurationBody>({
    resolver: zodBodyResolver(ZSlaConfigurationBody, toSlaBody) as never,
    defaultValues: toValues(editing ?? { name: '', description: '', periods: DEFAULT_SLA_PERIODS }),
  });
  const title = editing ? `Edit ${editing.name}` : 'Add SLA configuration';
  return (
    <Form
      form={form}
      error={save.error}
      className="card stack"
      aria-labelledby={`${id}-heading`}
      onSubmit={(body) => save.mutate({ id: editing?.id ?? null, body }, { onSuccess: onDone })}
    >
      <h2 id={`${id}-heading`}>{title}</h2>
      <TextField name="name" label="Name" maxLength={128} />
      <TextField name="description" label="Description" maxLength={512} />
      <fieldset className="filter-group">
        <legend>Days to fix, from the day a finding is found (empty: no SLA)</legend>
        {SEVERITIES.map((s) => (
          <div key={s} className="field-row">
            <TextField name={`periods.${s}.days`} label={`${s} days`} inputMode="numeric" className="field-narrow" />
            <CheckboxField name={`periods.${s}.enforced`} label={`Enforce the ${s} SLA`} />
          </div>
        ))}
      </fieldset>
      <div className="form-actions">
        <SubmitButton isPending={save.isPending} pendingLabel="Saving…">
          {editing ? 'Save configuration' : 'Add configuration'}
        </SubmitButton>
        {editing && (
          <button type="button" className="button" onClick={onDone}>
            Cancel
          </button>
        )}
      </div>
      <FormError />
    </Form>
  );
}

export function SlaConfigurationsManager() {
  const configurations = useSlaConfigurations();
  const remove = useDeleteSlaConfiguration();
  const [editing, setEditing] = useState<TSlaConfiguration | null>(null);
  const [deleting, setDeleting] = useState<TSlaConfiguration | null>(null);
  const [saved, setSaved] = useState(false);
  // A fresh form after each save: the add form empties, the edit form goes back to adding.
  const [round, setRound] = useState(0);

  if (configurations.isPending) return <p role="status">Loading SLA configurations…</p>;
  if (configurations.isError) return <ErrorMessage>{getErrorMessage(configurations.error)}</ErrorMessage>;
  return (
    <>
      <ul className="plain-list stack">
        {configurations.data.items.map((c) => (
          <li key={c.id} className="card stack">
            <h2>
              {c.name}
              {c.is_default ? ' (default)' : ''}
            </h2>
            {c.description && <p>{c.description}</p>}
            <SlaPeriodsTable periods={c.periods} caption={`${c.name}: days per severity`} />
            <p className="muted">
              Used by {c.product_count} {c.product_count === 1 ? 'product' : 'products'}.
            </p>
            <div className="form-actions">
              <button
                type="button"
                className="button button-small"
                aria-label={`Edit ${c.name}`}
                onClick={() => {
                  setSaved(false);
                  setEditing(c);
                }}
              >
                Edit
              </button>
              {!c.is_default && (
                <button
                  type="button"
                  className="button button-small button-danger"
                  aria-label={`Delete ${c.name}`}
                  onClick={() => {
                    remove.reset();
                    setDeleting(c);
                  }}
                >
                  Delete
                </button>
              )}
            </div>
          </li>
        ))}
      </ul>
      {saved && (
        <p className="message message-success" role="status">
          SLA configuration saved.
        </p>
      )}
      <SlaConfigurationForm
        key={`${editing?.id ?? 'new'}-${round}`}
        editing={editing}
        onDone={() => {
          setEditing(null);
          setSaved(true);
          setRound((r) => r + 1);
        }}
      />
      <ConfirmDialog
        isOpen={deleting !== null}
        title="Delete SLA configuration"
        confirmLabel="Delete"
        cancelLabel="Keep it"
        isDanger
        isPending={remove.isPending}
        errorMessage={remove.isError ? getErrorMessage(remove.error) : null}
        onCancel={() => setDeleting(null)}
        onConfirm={() => deleting && remove.mutate(deleting.id, { onSuccess: () => setDeleting(null) })}
      >
        <p>Delete the SLA configuration “{deleting?.name}”?</p>
      </ConfirmDialog>
    </>
  );
}
