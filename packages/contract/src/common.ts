import { z } from 'zod';
import { isUrlText } from './plain-text';

export const ZId = z.coerce.number().int().positive();

/** The largest key of a table with 32-bit keys (all but events, alerts, deliveries and their like, which are 64-bit). */
export const MAX_INT_ID = 2_147_483_647;
/**
 * An id of a table with 32-bit keys. A larger number names nothing, and PostgreSQL refuses it as an integer
 * parameter (a 500 where a 400 is due), so it is refused here, with a message that says why.
 */
export const ZIntId = ZId.max(MAX_INT_ID, `There is nothing with an id above ${MAX_INT_ID}`);

export const ZPageQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  page_size: z.coerce.number().int().min(1).max(100).default(25),
});
export type TPageQuery = z.infer<typeof ZPageQuery>;

export function ZPage<T extends z.ZodTypeAny>(item: T) {
  return z.object({
    items: z.array(item),
    total: z.number().int(),
    page: z.number().int(),
    page_size: z.number().int(),
  });
}

/**
 * A link target a person can follow safely: an absolute http(s) URL or a path on this site. Browsers
 * drop tabs and line breaks from URLs and read `\` as `/`, so `/\t/evil.example` or `/\evil.example`
 * would leave the site: white space, control characters and a backslash after the first slash are refused.
 */
export const ZSafeUrl = z
  .string()
  .refine((v) => (v.startsWith('/') ? !/^\/[/\\]/.test(v) : /^https?:\/\//i.test(v)), {
    message: 'must be an http(s) URL or a path starting with /',
  })
  .refine(isUrlText, { message: 'must not contain spaces, line breaks or control characters' });

/**
 * A record in a request body. zod drops an own `__proto__` key of a record silently (JSON.parse makes
 * it an ordinary own key), where a strict object refuses it; refuse it here too, by name, like any
 * key the server does not know.
 */
export function ZBodyRecord<K extends z.core.$ZodRecordKey, V extends z.ZodType>(key: K, value: V) {
  return z.preprocess(
    (input, ctx) => {
      if (input !== null && typeof input === 'object' && Object.hasOwn(input, '__proto__')) {
        ctx.addIssue({
          code: 'unrecognized_keys',
          keys: ['__proto__'],
          input: input as Record<string, unknown>,
          message: 'Unrecognized key: "__proto__"',
        });
      }
      return input;
    },
    z.record(key, value),
  );
}
