/**
 * "Correct severity" on a finding page (Writers and up): a new severity and the reason, which the severity history
 * keeps. The SLA expiry is recomputed by the server; the page shows the answer's SLA at once.
 */
import { zodResolver } from '@hookform/resolvers/zod';
import { SEVERITIES } from '@tocsin/contract/findings';
import { type TFindingDetail, type TUpdateFindingBody, ZUpdateFindingBody } from '@tocsin/contract/findings-api';
import { useId, useState } from 'react';
import { useForm } from 'react-hook-form';
import { FormError, SelectField, SubmitButton, TextAreaField } from '../../../components/form/fields';
import { Form } from '../../../components/form/form';
import { useUpdateFindingSeverity } from '../api/update-finding-severity';
import { describeSla } from '../utils/sla';

export function SeverityChangeForm({ finding }: { finding: TFindingDetail }) {
  const change = useUpdateFindingSeverity();
  // A fresh form after each correction, offering the severities the finding does not have now.
  const [round, setRound] = useState(0);
  return <SeverityChangeFormRound key={round} finding={finding} change={change} onChanged={() => setRound((r) => r + 1)} />;
}

function SeverityChangeFormRound({
  finding,
  change,
  onChanged,
}: {
  finding: TFindingDetail;
  change: ReturnType<typeof useUpdateFindingSeverity>;
  onChanged: () => void;
}) {
  const id = useId();
  const firstOther = SEVERITIES.find((s) => s !== finding.severity) ?? 'Info';
  const form = useForm<TUpdateFindingBody>({
    resolver: zodResolver(ZUpdateFindingBody),
    defaultValues: { severity: firstOther, reason: '' },
  });
  return (
    <Form
      form={form}
      error={change.error}
      className="card stack"
      aria-labelledby={`${id}-heading`}
      onSubmit={(body) => change.mutate({ findingId: finding.id, body }, { onSuccess: onChanged })}
    >
      <h2 id={`${id}-heading`}>Correct severity</h2>
      <SelectField name="severity" label="New severity">
        {SEVERITIES.map((s) => (
          <option key={s} value={s} disabled={s === finding.severity}>
            {s}
            {s === finding.severity ? ' (current)' : ''}
          </option>
        ))}
      </SelectField>
      <TextAreaField
        name="reason"
        label="Reason"
        rows={3}
        maxLength={2000}
        hint="Kept in the severity history. The SLA expiry is recomputed for the new severity."
      />
      <div className="form-actions">
        <SubmitButton isPending={change.isPending} pendingLabel="Saving…">
          Change severity
        </SubmitButton>
      </div>
      <FormError />
      {change.isSuccess && (
        <p className="message message-success" role="status">
          Severity changed to {change.data.severity}; SLA: {describeSla(change.data.sla).label}.
        </p>
      )}
    </Form>
  );
}
