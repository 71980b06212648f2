/** "Change status" on a finding page (Writers and up): a manual status and an optional reason, kept as a note. */
import { zodResolver } from '@hookform/resolvers/zod';
import {
  FINDING_STATUS_LABELS,
  MANUAL_FINDING_STATUSES,
  type TFindingStatusChangeBody,
  ZFindingStatusChangeBody,
} from '@tocsin/contract/findings';
import type { TFindingDetail } from '@tocsin/contract/findings-api';
import { useId, useState } from 'react';
import { useForm } from 'react-hook-form';
import { FormError, SelectField, SubmitButton, TextAreaField } from '../../../components/form/fields';
import { Form } from '../../../components/form/form';
import { toOptionalString } from '../../../lib/form-values';
import { useChangeFindingStatus } from '../api/change-finding-status';
import { MentionReport } from './notes-section';

export function StatusChangeForm({ finding }: { finding: TFindingDetail }) {
  const change = useChangeFindingStatus();
  // A fresh form after each change, offering the statuses the finding can move to now.
  const [round, setRound] = useState(0);
  return <StatusChangeFormRound key={round} finding={finding} change={change} onChanged={() => setRound((r) => r + 1)} />;
}

function StatusChangeFormRound({
  finding,
  change,
  onChanged,
}: {
  finding: TFindingDetail;
  change: ReturnType<typeof useChangeFindingStatus>;
  onChanged: () => void;
}) {
  const id = useId();
  const firstOther = MANUAL_FINDING_STATUSES.find((s) => s !== finding.status) ?? 'active';
  const form = useForm<TFindingStatusChangeBody>({
    resolver: zodResolver(ZFindingStatusChangeBody),
    defaultValues: { status: firstOther, note: undefined },
  });

  if (finding.status === 'risk_accepted') {
    return (
      <section aria-labelledby={`${id}-heading`} className="card">
        <h2 id={`${id}-heading`}>Change status</h2>
        <p>A risk acceptance holds this finding: its status changes when the acceptance expires.</p>
      </section>
    );
  }

  return (
    <Form
      form={form}
      error={change.error}
      className="card stack"
      aria-labelledby={`${id}-heading`}
      onSubmit={(body) => change.mutate({ findingId: finding.id, body }, { onSuccess: onChanged })}
    >
      <h2 id={`${id}-heading`}>Change status</h2>
      <SelectField name="status" label="New status">
        {MANUAL_FINDING_STATUSES.map((s) => (
          <option key={s} value={s} disabled={s === finding.status}>
            {FINDING_STATUS_LABELS[s]}
            {s === finding.status ? ' (current)' : ''}
          </option>
        ))}
      </SelectField>
      <TextAreaField
        name="note"
        label="Reason (optional)"
        rows={3}
        registerOptions={{ setValueAs: toOptionalString }}
        hint="Kept as a note on the finding; @mentions notify."
      />
      <div className="form-actions">
        <SubmitButton isPending={change.isPending} pendingLabel="Changing…">
          Change status
        </SubmitButton>
      </div>
      <FormError />
      {change.isSuccess && (
        <>
          <p className="message message-success" role="status">
            Status changed to {FINDING_STATUS_LABELS[change.data.finding.status]}.
          </p>
          {change.data.mentions && <MentionReport report={change.data.mentions} />}
        </>
      )}
    </Form>
  );
}
