/**
 * Labelled controls bound to the surrounding <Form>: each has a visible label, an optional hint and its
 * error message, both linked to the control by aria-describedby, and aria-invalid while it is wrong.
 */
import {
  type ButtonHTMLAttributes,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
  useEffect,
  useId,
  useRef,
} from 'react';
import { type FieldError, get, type RegisterOptions, useFormContext } from 'react-hook-form';
import { getErrorMessage } from '../../lib/api-client';
import { useFormStatus } from './form';
import { isExplainedByFields } from './server-errors';

type TControlProps = { id: string; 'aria-invalid': true | undefined; 'aria-describedby': string | undefined };

type TFieldProps = {
  name: string;
  label: ReactNode;
  hint?: ReactNode;
  className?: string;
  isLabelHidden?: boolean;
  children: (control: TControlProps) => ReactNode;
};

/** The frame of every field: label, control, hint, error. */
export function Field({ name, label, hint, className, isLabelHidden = false, children }: TFieldProps) {
  const id = useId();
  const { formState } = useFormContext();
  const error = get(formState.errors, name) as FieldError | undefined;
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error?.message ? `${id}-error` : undefined;
  const describedBy = [errorId, hintId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label htmlFor={id} className={isLabelHidden ? 'visually-hidden' : undefined}>
        {label}
      </label>
      {children({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy })}
      {error?.message && (
        <p id={errorId} className="field-error">
          {error.message}
        </p>
      )}
      {hint && (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      )}
    </div>
  );
}

type TCommon = { name: string; label: ReactNode; hint?: ReactNode; className?: string; registerOptions?: RegisterOptions };

export function TextField({
  name,
  label,
  hint,
  className,
  registerOptions,
  ...input
}: TCommon & Omit<InputHTMLAttributes<HTMLInputElement>, 'name' | 'id'>) {
  const { register } = useFormContext();
  return (
    <Field name={name} label={label} hint={hint} className={className}>
      {(control) => <input type="text" {...input} {...control} {...register(name, registerOptions)} />}
    </Field>
  );
}

export function TextAreaField({
  name,
  label,
  hint,
  className,
  registerOptions,
  ...textarea
}: TCommon & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'name' | 'id'>) {
  const { register } = useFormContext();
  return (
    <Field name={name} label={label} hint={hint} className={className}>
      {(control) => <textarea {...textarea} {...control} {...register(name, registerOptions)} />}
    </Field>
  );
}

export function SelectField({
  name,
  label,
  hint,
  className,
  registerOptions,
  children,
  ...select
}: TCommon & Omit<SelectHTMLAttributes<HTMLSelectElement>, 'name' | 'id'>) {
  const { register } = useFormContext();
  return (
    <Field name={name} label={label} hint={hint} className={className}>
      {(control) => (
        <select {...select} {...control} {...register(name, registerOptions)}>
          {children}
        </select>
      )}
    </Field>
  );
}

/** A checkbox with its label after it; the hint and error are linked like any other field's. */
export function CheckboxField({
  name,
  label,
  hint,
  registerOptions,
  ...input
}: Omit<TCommon, 'className'> & Omit<InputHTMLAttributes<HTMLInputElement>, 'name' | 'id' | 'type'>) {
  const id = useId();
  const { register, formState } = useFormContext();
  const error = get(formState.errors, name) as FieldError | undefined;
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error?.message ? `${id}-error` : undefined;
  return (
    <div className="field field-checkbox-group">
      <div className="field-checkbox">
        <input
          type="checkbox"
          id={id}
          {...input}
          aria-invalid={error ? true : undefined}
          aria-describedby={[errorId, hintId].filter(Boolean).join(' ') || undefined}
          {...register(name, registerOptions)}
        />
        <label htmlFor={id}>{label}</label>
      </div>
      {error?.message && (
        <p id={errorId} className="field-error">
          {error.message}
        </p>
      )}
      {hint && (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      )}
    </div>
  );
}

/**
 * The submit failure that no field explains (a refused login, a duplicate name, the network), announced
 * and focused, so the person who pressed the button is taken to the reason.
 */
export function FormError({ message }: { message?: string | null }) {
  const { error, fieldNames } = useFormStatus();
  const ref = useRef<HTMLParagraphElement>(null);
  const text = message ?? (error && !isExplainedByFields(error, fieldNames) ? getErrorMessage(error) : null);

  // Each new failure takes focus, also one with the same wording as the last (a second wrong password).
  // biome-ignore lint/correctness/useExhaustiveDependencies: error marks a new failure even when text repeats.
  useEffect(() => {
    if (text) ref.current?.focus();
  }, [text, error]);

  if (!text) return null;
  return (
    <p ref={ref} className="message message-error" role="alert" tabIndex={-1}>
      {text}
    </p>
  );
}

/** The form's submit button; busy while the request runs. */
export function SubmitButton({
  isPending = false,
  pendingLabel,
  children,
  className = 'button button-primary',
  ...button
}: {
  isPending?: boolean;
  pendingLabel?: string;
  children: ReactNode;
  className?: string;
} & Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'type' | 'children'>) {
  return (
    <button {...button} type="submit" className={className} disabled={isPending || button.disabled} aria-busy={isPending || undefined}>
      {isPending && pendingLabel ? pendingLabel : children}
    </button>
  );
}
