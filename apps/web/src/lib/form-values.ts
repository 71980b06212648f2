/**
 * Converters from what HTML controls hold (strings) to what the contract's schemas expect, for
 * react-hook-form's setValueAs. A <select> of ids holds "" or "12"; a number input holds "" or "8080".
 */

/** "" or "0" (nothing chosen) → 0, which positive-id schemas refuse with their own message; "12" → 12. */
export const toOptionalId = (value: unknown): number => (value === '' || value === undefined || value === null ? 0 : Number(value));

/** "" (nothing chosen) → null, "12" → 12: for fields where "none" is a valid choice (lead, owner). */
export const toNullableId = (value: unknown): number | null =>
  value === '' || value === undefined || value === null ? null : Number(value);

/** "" → null: for role pickers where "None" is a valid choice. */
export const toNullableString = (value: unknown): string | null =>
  value === '' || value === undefined || value === null ? null : String(value);

/** "" → undefined: an optional field left empty is not sent (e.g. a password that stays as it is). */
export const toOptionalString = (value: unknown): string | undefined =>
  value === '' || value === undefined || value === null ? undefined : String(value);

/** A number input's text → a number; "" and junk → NaN, which number schemas refuse. */
export const toNumber = (value: unknown): number => (typeof value === 'number' ? value : value === '' ? Number.NaN : Number(value));
