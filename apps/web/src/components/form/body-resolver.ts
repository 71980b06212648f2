import { zodResolver } from '@hookform/resolvers/zod';
import type { FieldValues, Resolver } from 'react-hook-form';
import type { z } from 'zod';

/**
 * Validates what will be sent, not what the controls hold: the form's values are turned into the request
 * body (secrets left empty are dropped, "none" becomes null…) and checked against the BFF's own schema.
 * Form fields are named after the body's keys, so each message lands on its field.
 */
export function zodBodyResolver<TValues extends FieldValues, TSchema extends z.ZodType<unknown, FieldValues>>(
  schema: TSchema,
  toBody: (values: TValues) => z.input<TSchema>,
): Resolver<TValues, unknown, z.output<TSchema>> {
  const resolve = zodResolver(schema) as unknown as Resolver<FieldValues, unknown, z.output<TSchema>>;
  return (values, context, options) =>
    resolve(toBody(values) as FieldValues, context, options as never) as ReturnType<Resolver<TValues, unknown, z.output<TSchema>>>;
}
