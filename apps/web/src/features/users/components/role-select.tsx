import { ROLES, type TRole } from '@tocsin/contract/catalogue';

/** A labelled role picker; with `noneLabel` it also offers "no role" (null). */
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
        {ROLES.map((role) => (
          <option key={role} value={role}>
            {role}
          </option>
        ))}
      </select>
    </>
  );
}
