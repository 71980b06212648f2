/**
 * The one form frame of the SPA: react-hook-form state (validated in the browser with the contract's zod
 * schemas, through the caller's resolver), the server's answer mapped onto its fields, and a report to
 * the unsaved-changes guard. Field components in ./fields.tsx read everything from here.
 */
import { createContext, type FormHTMLAttributes, type ReactNode, useContext, useEffect, useRef } from 'react';
import { type FieldValues, FormProvider, type Path, type SubmitHandler, type UseFormReturn } from 'react-hook-form';
import { useReportUnsavedChanges } from '../../hooks/use-unsaved-changes';
import { getServerFieldErrors } from './server-errors';

type TFormStatus = { error: unknown; fieldNames: readonly string[] };

const FormStatusContext = createContext<TFormStatus>({ error: null, fieldNames: [] });

export function useFormStatus(): TFormStatus {
  return useContext(FormStatusContext);
}

type TFormProps<TInput extends FieldValues, TOutput> = Omit<FormHTMLAttributes<HTMLFormElement>, 'onSubmit'> & {
  form: UseFormReturn<TInput, unknown, TOutput>;
  /** Receives the values as the schema parsed them (trimmed, defaults applied). */
  onSubmit: SubmitHandler<TOutput>;
  /** The last submit's failure (a mutation's error): field messages go to their fields, the rest to <FormError />. */
  error?: unknown;
  /** Off for forms whose edits are not worth a prompt (the login form). */
  isGuarded?: boolean;
  children: ReactNode;
};

export function Form<TInput extends FieldValues, TOutput>({
  form,
  onSubmit,
  error = null,
  isGuarded = true,
  children,
  ...rest
}: TFormProps<TInput, TOutput>) {
  useReportUnsavedChanges(isGuarded && form.formState.isDirty);
  const fieldNames = Object.keys(form.getValues());
  const fieldNamesRef = useRef(fieldNames);
  fieldNamesRef.current = fieldNames;
  const { setError } = form;

  // The server's field messages land on the fields (focus on the first), as the browser's own would.
  useEffect(() => {
    const fieldErrors = Object.entries(getServerFieldErrors(error)).filter(([path]) => fieldNamesRef.current.includes(path));
    fieldErrors.forEach(([path, message], index) => {
      setError(path as Path<TInput>, { type: 'server', message }, { shouldFocus: index === 0 });
    });
  }, [error, setError]);

  return (
    <FormProvider {...form}>
      <FormStatusContext.Provider value={{ error, fieldNames }}>
        <form noValidate {...rest} onSubmit={form.handleSubmit(onSubmit)}>
          {children}
        </form>
      </FormStatusContext.Provider>
    </FormProvider>
  );
}
