import { z } from 'zod';

export const ZId = z.coerce.number().int().positive();

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

/** A link target a person can follow safely: an absolute http(s) URL or a path on this site. */
export const ZSafeUrl = z.string().refine((v) => (v.startsWith('/') ? !v.startsWith('//') : /^https?:\/\//i.test(v)), {
  message: 'must be an http(s) URL or a path starting with /',
});
