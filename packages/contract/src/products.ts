import { z } from 'zod';
import { ZRole } from './auth';
import { ZCalendarDate } from './calendar-date';
import { ENGAGEMENT_STATUSES } from './catalogue';
import { ZDescription, ZName } from './plain-text';

export const ZProductType = z.object({
  id: z.number().int(),
  name: z.string(),
  description: z.string(),
  product_count: z.number().int(),
  created_at: z.string(),
});
export type TProductType = z.infer<typeof ZProductType>;
export const ZCreateProductTypeBody = z.strictObject({
  name: ZName.max(255),
  description: ZDescription.max(4000).default(''),
});
export type TCreateProductTypeBody = z.input<typeof ZCreateProductTypeBody>;

export const ZProduct = z.object({
  id: z.number().int(),
  name: z.string(),
  description: z.string(),
  product_type_id: z.number().int(),
  product_type_name: z.string(),
  created_at: z.string(),
});
export type TProduct = z.infer<typeof ZProduct>;
export const ZCreateProductBody = z.strictObject({
  name: ZName.max(255),
  description: ZDescription.max(4000).default(''),
  product_type_id: z.number().int().positive('Choose a product type'),
});
export type TCreateProductBody = z.input<typeof ZCreateProductBody>;

export const ZEngagementStatus = z.enum(ENGAGEMENT_STATUSES);

export const ZEngagement = z.object({
  id: z.number().int(),
  name: z.string(),
  product_id: z.number().int(),
  product_name: z.string(),
  lead_id: z.number().int().nullable(),
  lead_username: z.string().nullable(),
  target_start: z.string(),
  target_end: z.string(),
  status: ZEngagementStatus,
  created_at: z.string(),
});
export type TEngagement = z.infer<typeof ZEngagement>;

/** GET /api/engagements/:id: the engagement, and whether the caller may close or reopen it (Writer or above). */
export const ZEngagementDetail = ZEngagement.extend({ can_edit: z.boolean() });
export type TEngagementDetail = z.infer<typeof ZEngagementDetail>;
export const ZCreateEngagementBody = z
  .strictObject({
    name: ZName.max(255),
    product_id: z.number().int().positive(),
    lead_id: z.number().int().positive().nullable().default(null),
    target_start: ZCalendarDate,
    target_end: ZCalendarDate,
    status: ZEngagementStatus.default('Not Started'),
  })
  .refine((b) => b.target_end >= b.target_start, { message: 'The end date must not be before the start date', path: ['target_end'] });
export type TCreateEngagementBody = z.input<typeof ZCreateEngagementBody>;

export const ZProductDetail = ZProduct.extend({
  engagements: z.array(ZEngagement),
  /** The caller's role on the product (superusers: Owner), so a page offers only what the caller may do. */
  role: ZRole.nullable(),
});
export type TProductDetail = z.infer<typeof ZProductDetail>;
