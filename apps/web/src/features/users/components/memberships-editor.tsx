/**
 * A user's product type and product memberships, edited locally and saved with one PUT
 * (which replaces both lists). The product types and products to choose from are passed in.
 */
import { zodResolver } from '@hookform/resolvers/zod';
import { type TMemberships, type TSetMembershipsBody, ZSetMembershipsBody } from '@tocsin/contract/auth';
import type { TRole } from '@tocsin/contract/catalogue';
import { useId, useState } from 'react';
import { type Resolver, useForm, useWatch } from 'react-hook-form';
import { FormError, SubmitButton } from '../../../components/form/fields';
import { Form } from '../../../components/form/form';
import { ErrorMessage, SuccessMessage } from '../../../components/messages';
import { getErrorMessage } from '../../../lib/api-client';
import { useMemberships } from '../api/get-memberships';
import { useSetMemberships } from '../api/set-memberships';
import {
  addMembership,
  getAddableOptions,
  removeMembership,
  setMembershipRole,
  type TMembershipItem,
  type TMembershipOption,
  toSetMembershipsBody,
} from '../utils/memberships';
import { RoleSelect } from './role-select';

type TMembershipsEditorProps = {
  userId: number;
  productTypes: readonly TMembershipOption[];
  products: readonly TMembershipOption[];
};

export function MembershipsEditor(props: TMembershipsEditorProps) {
  const memberships = useMemberships(props.userId);
  // Owned here, not by the form: the form remounts when the saved answer arrives, the result must stay.
  const save = useSetMemberships();
  return (
    <section aria-labelledby="memberships-heading" className="card stack">
      <h2 id="memberships-heading">Memberships</h2>
      {memberships.isPending && <p role="status">Loading memberships…</p>}
      {memberships.isError && <ErrorMessage>{getErrorMessage(memberships.error)}</ErrorMessage>}
      {/* Remount on every saved answer: the draft starts again from what the server holds. */}
      {memberships.data && <MembershipsForm key={JSON.stringify(memberships.data)} saved={memberships.data} save={save} {...props} />}
      {save.isSuccess && <SuccessMessage>Memberships saved.</SuccessMessage>}
    </section>
  );
}

function MembershipsForm({
  userId,
  productTypes,
  products,
  saved,
  save,
}: TMembershipsEditorProps & { saved: TMemberships; save: ReturnType<typeof useSetMemberships> }) {
  // The lists carry names for display; the (strict) schema takes only id and role, which is what the PUT takes,
  // so the names are left out before validating: a strict body refuses them, and no field could show why.
  const bodyResolver = zodResolver(ZSetMembershipsBody);
  const resolver: Resolver<TMemberships, unknown, TSetMembershipsBody> = (values, context, options) =>
    bodyResolver(toSetMembershipsBody(values), context, options as never) as never;
  const form = useForm({ resolver, defaultValues: saved });
  const productTypeItems = useWatch({ control: form.control, name: 'product_types' }) as TMembershipItem[];
  const productItems = useWatch({ control: form.control, name: 'products' }) as TMembershipItem[];
  const edit = (list: 'product_types' | 'products', items: TMembershipItem[]) => {
    save.reset();
    form.setValue(list, items, { shouldDirty: true });
  };
  const isDirty = form.formState.isDirty;

  return (
    <Form form={form} error={save.error} className="stack" aria-label="Memberships" onSubmit={(body) => save.mutate({ userId, body })}>
      <MembershipList
        title="Product type memberships"
        kind="product type"
        items={productTypeItems}
        options={productTypes}
        onChange={(items) => edit('product_types', items)}
      />
      <MembershipList
        title="Product memberships"
        kind="product"
        items={productItems}
        options={products}
        onChange={(items) => edit('products', items)}
      />
      <div className="form-actions">
        <SubmitButton isPending={save.isPending} pendingLabel="Saving…">
          Save memberships
        </SubmitButton>
        {isDirty && !save.isPending && <span className="field-hint">Unsaved changes</span>}
      </div>
      <FormError />
    </Form>
  );
}

function MembershipList({
  title,
  kind,
  items,
  options,
  onChange,
}: {
  title: string;
  kind: string;
  items: readonly TMembershipItem[];
  options: readonly TMembershipOption[];
  onChange: (items: TMembershipItem[]) => void;
}) {
  const id = useId();
  const addable = getAddableOptions(options, items);
  const [newId, setNewId] = useState('');
  const [newRole, setNewRole] = useState<TRole>('Reader');
  const chosen = addable.find((o) => String(o.id) === newId);

  return (
    <fieldset className="stack">
      <legend>{title}</legend>
      {items.length === 0 ? (
        <p className="muted">No {kind} memberships.</p>
      ) : (
        <table className="table">
          <caption className="visually-hidden">{title}</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.id}>
                <td>{item.name}</td>
                <td>
                  <RoleSelect
                    id={`${id}-role-${item.id}`}
                    label={`Role on ${item.name}`}
                    isLabelHidden
                    value={item.role}
                    onChange={(role) => role && onChange(setMembershipRole(items, item.id, role))}
                  />
                </td>
                <td>
                  <button
                    type="button"
                    className="button button-small"
                    aria-label={`Remove membership ${item.name}`}
                    onClick={() => onChange(removeMembership(items, item.id))}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${id}-new`}>Add {kind}</label>
          <select id={`${id}-new`} value={chosen ? newId : ''} onChange={(e) => setNewId(e.currentTarget.value)}>
            <option value="">{addable.length === 0 ? `No other ${kind}` : `Choose a ${kind}`}</option>
            {addable.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <RoleSelect
            id={`${id}-new-role`}
            label={`Role for the new ${kind}`}
            value={newRole}
            onChange={(role) => role && setNewRole(role)}
          />
        </div>
        <div className="field field-action">
          <button
            type="button"
            className="button"
            disabled={!chosen}
            aria-label={`Add ${kind} membership`}
            onClick={() => {
              if (!chosen) return;
              onChange(addMembership(items, chosen, newRole));
              setNewId('');
            }}
          >
            Add
          </button>
        </div>
      </div>
    </fieldset>
  );
}
