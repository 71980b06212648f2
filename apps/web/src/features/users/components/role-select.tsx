import { ROLES, type TRole } from '@tocsin/contract/catalogue';
import { SelectField } from '../../../components/form/fields';
import { toNullableString } from '../../../lib/form-values';

/** A labelled role picker outside a form; with `noneLabel` it also offers "no role" (null). */
export function RoleSelect({
  id,
  label,
  value,
  onChange,
  noneLabel,
  isLabelHidden = false,
}: {
  id: string;
  label: string;
  value: TRole | null;
  onChange: (role: TRole | null) => void;
  noneLabel?: string;
  isLabelHidden?: boolean;
}) {
  return (
    <>
      <label htmlFor={id} className={isLabelHidden ? 'visually-hidden' : undefined}>
        {label}
      </label>
      <select id={id} value={value ?? ''} onChange={(e) => onChange((e.currentTarget.value as TRole) || null)}>
        {noneLabel !== undefined && <option value="">{noneLabel}</option>}
        <RoleOptions />
      </select>
    </>
  );
}

/** The global role of a user form: a role, or None (null). */
export function RoleSelectField({ name, label }: { name: string; label: string }) {
  return (
    <SelectField name={name} label={label} registerOptions={{ setValueAs: toNullableString }}>
      <option value="">None</option>
      <RoleOptions />
    </SelectField>
  );
}

function RoleOptions() {
  return ROLES.map((role) => (
    <option key={role} value={role}>
      {role}
    </option>
  ));
}
