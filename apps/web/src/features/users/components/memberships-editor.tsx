/**
 * A user's product type and product memberships, edited locally and saved with one PUT
 * (which replaces both lists). The product types and products to choose from are passed in.
 */
import type { TMemberships } from '@tocsin/contract/auth';
import type { TRole } from '@tocsin/contract/catalogue';
import { type FormEvent, useId, useState } from 'react';
import { ErrorMessage, SuccessMessage } from '../../../components/messages';
import { getErrorMessage } from '../../../lib/api-client';
import { useMemberships } from '../api/get-memberships';
import { useSetMemberships } from '../api/set-memberships';
import {
  addMembership,
  areMembershipsEqual,
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
      {save.isError && <ErrorMessage>{getErrorMessage(save.error)}</ErrorMessage>}
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
  const [draft, setDraft] = useState<TMemberships>(saved);
  const isDirty = !areMembershipsEqual(saved, draft);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    save.mutate({ userId, body: toSetMembershipsBody(draft) });
  };
  const edit = (next: TMemberships) => {
    save.reset();
    setDraft(next);
  };

  return (
    <form onSubmit={onSubmit} className="stack">
      <MembershipList
        title="Product type memberships"
        kind="product type"
        items={draft.product_types}
        options={productTypes}
        onChange={(items) => edit({ ...draft, product_types: items })}
      />
      <MembershipList
        title="Product memberships"
        kind="product"
        items={draft.products}
        options={products}
        onChange={(items) => edit({ ...draft, products: items })}
      />
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : 'Save memberships'}
        </button>
        {isDirty && !save.isPending && <span className="muted">Unsaved changes</span>}
      </div>
    </form>
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
                    aria-label={`Remove ${item.name}`}
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
