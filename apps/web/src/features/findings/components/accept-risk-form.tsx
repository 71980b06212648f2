/**
 * "Accept risk" for the findings chosen in the product's list (Writers and up): owner, decision, details,
 * expiry and what happens on expiry. The BFF refuses the whole set with one reason per problem (details),
 * which lands on the field it names or under the form.
 */
import type { TUserOption } from '@tocsin/contract/auth';
import { RISK_DECISION_LABELS, RISK_DECISIONS, type TCreateRiskAcceptanceBody, ZCreateRiskAcceptanceBody } from '@tocsin/contract/findings';
import { useEffect, useId, useRef, useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodBodyResolver } from '../../../components/form/body-resolver';
import { CheckboxField, FormError, SelectField, SubmitButton, TextAreaField, TextField } from '../../../components/form/fields';
import { Form } from '../../../components/form/form';
import { toNullableString, toOptionalId, toOptionalString } from '../../../lib/form-values';
import { useCreateRiskAcceptance } from '../api/create-risk-acceptance';

type TRiskValues = Omit<TCreateRiskAcceptanceBody, 'finding_ids'>;

export function AcceptRiskForm(props: {
  productId: number;
  findingIds: readonly number[];
  owners: readonly TUserOption[];
  onAccepted: () => void;
}) {
  const create = useCreateRiskAcceptance();
  // A fresh form after each acceptance: nothing of the last one is left to look unsaved.
  const [round, setRound] = useState(0);
  return (
    <AcceptRiskFormRound
      key={round}
      {...props}
      create={create}
      onAccepted={() => {
        setRound((r) => r + 1);
        props.onAccepted();
      }}
    />
  );
}

function AcceptRiskFormRound({
  create,
  productId,
  findingIds,
  owners,
  onAccepted,
}: {
  productId: number;
  findingIds: readonly number[];
  owners: readonly TUserOption[];
  onAccepted: () => void;
  create: ReturnType<typeof useCreateRiskAcceptance>;
}) {
  const id = useId();
  // The chosen findings come from the list above, not from a control: kept out of the form's values so that
  // choosing them (or the list being cleared after a save) never makes the form look edited.
  const idsRef = useRef(findingIds);
  idsRef.current = findingIds;
  const form = useForm<TRiskValues, unknown, TCreateRiskAcceptanceBody>({
    resolver: zodBodyResolver(ZCreateRiskAcceptanceBody, (values: TRiskValues) => ({
      ...values,
      finding_ids: [...idsRef.current],
    })) as never,
    defaultValues: {
      name: '',
      owner_id: 0,
      decision: 'accept',
      decision_details: undefined,
      expires_on: null,
      reactivate_expired: true,
      restart_sla_expired: false,
    },
  });
  const { clearErrors } = form;
  useEffect(() => {
    if (findingIds.length > 0) clearErrors('finding_ids' as never);
  }, [findingIds, clearErrors]);
  const findingsError = (form.formState.errors as { finding_ids?: { message?: string } }).finding_ids?.message;

  return (
    <Form
      form={form}
      error={create.error}
      className="card stack"
      aria-labelledby={`${id}-heading`}
      onSubmit={(body) => create.mutate({ productId, body }, { onSuccess: onAccepted })}
    >
      <h3 id={`${id}-heading`}>Accept risk</h3>
      <p aria-live="polite">
        {findingIds.length === 0
          ? 'Select open findings in the list above.'
          : `${findingIds.length} ${findingIds.length === 1 ? 'finding' : 'findings'} selected.`}
      </p>
      {findingsError && <p className="field-error">{findingsError}</p>}
      <TextField name="name" label="Name" maxLength={300} />
      <SelectField name="owner_id" label="Owner" registerOptions={{ setValueAs: toOptionalId }}>
        <option value="">Choose the owner</option>
        {owners.map((o) => (
          <option key={o.id} value={o.id}>
            {o.username}
          </option>
        ))}
      </SelectField>
      <SelectField name="decision" label="Decision">
        {RISK_DECISIONS.map((d) => (
          <option key={d} value={d}>
            {RISK_DECISION_LABELS[d]}
          </option>
        ))}
      </SelectField>
      <TextAreaField name="decision_details" label="Decision details" rows={3} registerOptions={{ setValueAs: toOptionalString }} />
      <TextField
        name="expires_on"
        label="Expiry date"
        type="date"
        registerOptions={{ setValueAs: toNullableString }}
        hint="Leave empty for an acceptance that never expires."
      />
      <CheckboxField name="reactivate_expired" label="Reactivate findings on expiry" />
      <CheckboxField name="restart_sla_expired" label="Restart the SLA on expiry" />
      <div className="form-actions">
        <SubmitButton isPending={create.isPending} pendingLabel="Accepting…" disabled={findingIds.length === 0}>
          Accept risk
        </SubmitButton>
      </div>
      <FormError />
      {create.isSuccess && (
        <p className="message message-success" role="status">
          Risk accepted: {create.data.name} ({create.data.findings.length} {create.data.findings.length === 1 ? 'finding' : 'findings'}).
        </p>
      )}
    </Form>
  );
}
