import { z } from 'zod';
import { CHANNELS, SETTINGS_SCOPES } from './catalogue';
import { ZBodyRecord } from './common';

export const ZChannel = z.enum(CHANNELS);
export const ZSettingsScope = z.enum(SETTINGS_SCOPES);

/** event name -> channels selected. Events missing from the map have no channel. */
export const ZSettingsMatrix = z.record(z.string(), z.array(ZChannel));
export type TSettingsMatrix = z.infer<typeof ZSettingsMatrix>;

/** GET /api/notifications/settings/:scope and GET /api/products/:id/notifications */
export const ZSettingsRecord = z.object({
  scope: z.union([ZSettingsScope, z.literal('product')]),
  product_id: z.number().int().nullable(),
  /** Events offered in this record, in catalogue order. */
  events: z.array(z.string()),
  /** Columns shown now: enabled in system settings and allowed in this scope. */
  columns: z.array(ZChannel),
  settings: ZSettingsMatrix,
});
export type TSettingsRecord = z.infer<typeof ZSettingsRecord>;

/**
 * PUT body. Only the channels named in `columns` (default: the columns shown now) are changed;
 * selections of other channels are kept, so saving a form never wipes hidden columns.
 */
export const ZSaveSettingsBody = z.strictObject({
  settings: ZBodyRecord(z.string(), z.array(ZChannel)),
  columns: z.array(ZChannel).optional(),
});
export type TSaveSettingsBody = z.infer<typeof ZSaveSettingsBody>;
