import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeZodError } from './errors';

describe('describeZodError', () => {
  const schema = z.strictObject({ title: z.string(), product_id: z.number().int(), note: z.string().optional() });
  const describe_ = (body: unknown) => {
    const parsed = schema.safeParse(body);
    if (parsed.success) throw new Error('expected a failure');
    return describeZodError(parsed.error);
  };

  it('says a left-out field is required, and names every field that failed', () => {
    const { message, details } = describe_({ product_id: 'seven' });
    expect(details).toEqual([
      { path: 'title', message: 'is required' },
      { path: 'product_id', message: expect.stringMatching(/expected number, received string/) },
    ]);
    expect(message).toMatch(/^title: is required; product_id: /);
  });

  it('keeps a field-specific message for a missing field, and names the body itself', () => {
    const reason = z.strictObject({ reason: z.string({ error: (i) => (i.input === undefined ? 'Say why' : undefined) }) });
    expect(describeZodError(reason.safeParse({}).error!).message).toBe('reason: Say why');
    expect(describe_(null).details[0]).toEqual({ path: '(body)', message: expect.stringMatching(/expected object/) });
  });
});
