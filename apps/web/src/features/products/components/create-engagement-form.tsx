import { zodResolver } from '@hookform/resolvers/zod';
import type { TUserOption } from '@tocsin/contract/auth';
import { ENGAGEMENT_STATUSES } from '@tocsin/contract/catalogue';
import { ZCreateEngagementBody } from '@tocsin/contract/products';
import { useId } from 'react';
import { useForm, useWatch } from 'react-hook-form';
import { FormError, SelectField, SubmitButton, TextField } from '../../../components/form/fields';
import { Form } from '../../../components/form/form';
import { SuccessMessage } from '../../../components/messages';
import { toNullableId } from '../../../lib/form-values';
import { useCreateEngagement } from '../api/create-engagement';

/** Today in the person's own time zone, as the yyyy-mm-dd a date input holds. */
function today(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** "Add engagement" on a product page. The possible leads are passed in (the route loads them). */
export function CreateEngagementForm({ productId, leads }: { productId: number; leads: readonly TUserOption[] }) {
  const id = useId();
  const create = useCreateEngagement();
  const form = useForm({
    resolver: zodResolver(ZCreateEngagementBody),
    defaultValues: {
      name: '',
      product_id: productId,
      lead_id: null,
      target_start: today(),
      target_end: today(),
      status: 'Not Started' as const,
    },
  });
  const targetStart = useWatch({ control: form.control, name: 'target_start' });

  return (
    <Form
      form={form}
      error={create.error}
      className="card stack"
      aria-labelledby={`${id}-heading`}
      onSubmit={(body) => create.mutate(body, { onSuccess: () => form.reset({ ...form.getValues(), name: '' }) })}
    >
      <h3 id={`${id}-heading`}>Add engagement</h3>
      <TextField name="name" label="Engagement name" maxLength={255} />
      <SelectField name="lead_id" label="Lead" registerOptions={{ setValueAs: toNullableId }}>
        <option value="">None</option>
        {leads.map((lead) => (
          <option key={lead.id} value={lead.id}>
            {lead.username}
          </option>
        ))}
      </SelectField>
      <div className="field-row">
        <TextField name="target_start" label="Target start" type="date" />
        <TextField name="target_end" label="Target end" type="date" min={targetStart || undefined} />
      </div>
      <SelectField name="status" label="Status">
        {ENGAGEMENT_STATUSES.map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </SelectField>
      <div className="form-actions">
        <SubmitButton isPending={create.isPending} pendingLabel="Adding…">
          Add engagement
        </SubmitButton>
      </div>
      <FormError />
      {create.isSuccess && <SuccessMessage>Engagement {create.data.name} added.</SuccessMessage>}
    </Form>
  );
}
