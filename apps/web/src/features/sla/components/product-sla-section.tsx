/**
 * A product's SLA on its page: the configuration in use and its days per severity. Maintainers and up (the
 * API's rule) choose another configuration and switch the product's SLA notifications off or on.
 */
import { zodResolver } from '@hookform/resolvers/zod';
import { type TUpdateProductSlaBody, ZUpdateProductSlaBody } from '@tocsin/contract/findings-api';
import { useEffect, useId } from 'react';
import { useForm } from 'react-hook-form';
import { CheckboxField, FormError, SelectField, SubmitButton } from '../../../components/form/fields';
import { Form } from '../../../components/form/form';
import { ErrorMessage } from '../../../components/messages';
import { getErrorMessage } from '../../../lib/api-client';
import { toNullableId } from '../../../lib/form-values';
import { useProductSla } from '../api/get-product-sla';
import { useSlaConfigurations } from '../api/get-sla-configurations';
import { useUpdateProductSla } from '../api/update-product-sla';
import { SlaPeriodsTable } from './sla-periods-table';

export function ProductSlaSection({ productId, canEdit, onSaved }: { productId: number; canEdit: boolean; onSaved?: () => void }) {
  const id = useId();
  const sla = useProductSla(productId);
  const configurations = useSlaConfigurations();
  const update = useUpdateProductSla({ onSaved });
  const form = useForm<TUpdateProductSlaBody>({ resolver: zodResolver(ZUpdateProductSlaBody) });
  const { reset } = form;
  useEffect(() => {
    if (sla.data) {
      reset({
        sla_configuration_id: sla.data.uses_default ? null : sla.data.configuration.id,
        sla_notifications: sla.data.sla_notifications,
      });
    }
  }, [sla.data, reset]);

  return (
    <section aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>SLA</h2>
      {sla.isPending && <p role="status">Loading the SLA…</p>}
      {sla.isError && <ErrorMessage>{getErrorMessage(sla.error)}</ErrorMessage>}
      {sla.isSuccess && (
        <>
          <p>
            Configuration: <strong>{sla.data.configuration.name}</strong>
            {sla.data.uses_default ? ' (the default)' : ''}. SLA notifications are {sla.data.sla_notifications ? 'on' : 'off'}.
          </p>
          <SlaPeriodsTable periods={sla.data.configuration.periods} caption="Days to fix per severity" />
          {canEdit && (
            <Form
              form={form}
              error={update.error}
              className="card stack"
              aria-label="Product SLA"
              onSubmit={(body) => update.mutate({ productId, body })}
            >
              <SelectField name="sla_configuration_id" label="SLA configuration" registerOptions={{ setValueAs: toNullableId }}>
                <option value="">The default configuration</option>
                {configurations.data?.items
                  .filter((c) => !c.is_default)
                  .map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.name}
                    </option>
                  ))}
              </SelectField>
              <CheckboxField
                name="sla_notifications"
                label="SLA notifications"
                hint="Off: the daily SLA job sends no notices about this product."
              />
              <div className="form-actions">
                <SubmitButton isPending={update.isPending} pendingLabel="Saving…">
                  Save SLA
                </SubmitButton>
              </div>
              <FormError />
              {update.isSuccess && (
                <p className="message message-success" role="status">
                  SLA saved.
                </p>
              )}
            </Form>
          )}
        </>
      )}
    </section>
  );
}
