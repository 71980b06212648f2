import type { TUserOption } from '@tocsin/contract/auth';
import { ENGAGEMENT_STATUSES, type TEngagementStatus } from '@tocsin/contract/catalogue';
import { type FormEvent, useId, useState } from 'react';
import { ErrorMessage, SuccessMessage } from '../../../components/messages';
import { getErrorMessage } from '../../../lib/api-client';
import { useCreateEngagement } from '../api/create-engagement';

/** GET /api/users/options answers these two fields of each active user. */

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
  const [name, setName] = useState('');
  const [leadId, setLeadId] = useState('');
  const [targetStart, setTargetStart] = useState(today);
  const [targetEnd, setTargetEnd] = useState(today);
  const [status, setStatus] = useState<TEngagementStatus>('Not Started');

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    create.mutate(
      {
        name,
        product_id: productId,
        lead_id: leadId ? Number(leadId) : null,
        target_start: targetStart,
        target_end: targetEnd,
        status,
      },
      { onSuccess: () => setName('') },
    );
  };

  return (
    <form onSubmit={onSubmit} className="card stack" aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>Add engagement</h3>
      <div className="field">
        <label htmlFor={`${id}-name`}>Engagement name</label>
        <input id={`${id}-name`} value={name} onChange={(e) => setName(e.currentTarget.value)} required maxLength={255} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-lead`}>Lead</label>
        <select id={`${id}-lead`} value={leadId} onChange={(e) => setLeadId(e.currentTarget.value)}>
          <option value="">None</option>
          {leads.map((lead) => (
            <option key={lead.id} value={lead.id}>
              {lead.username}
            </option>
          ))}
        </select>
      </div>
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${id}-start`}>Target start</label>
          <input id={`${id}-start`} type="date" value={targetStart} onChange={(e) => setTargetStart(e.currentTarget.value)} required />
        </div>
        <div className="field">
          <label htmlFor={`${id}-end`}>Target end</label>
          <input
            id={`${id}-end`}
            type="date"
            value={targetEnd}
            min={targetStart || undefined}
            onChange={(e) => setTargetEnd(e.currentTarget.value)}
            required
          />
        </div>
      </div>
      <div className="field">
        <label htmlFor={`${id}-status`}>Status</label>
        <select id={`${id}-status`} value={status} onChange={(e) => setStatus(e.currentTarget.value as TEngagementStatus)}>
          {ENGAGEMENT_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </div>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={create.isPending}>
          {create.isPending ? 'Adding…' : 'Add engagement'}
        </button>
      </div>
      {create.isError && <ErrorMessage>{getErrorMessage(create.error)}</ErrorMessage>}
      {create.isSuccess && <SuccessMessage>Engagement {create.data.name} added.</SuccessMessage>}
    </form>
  );
}
