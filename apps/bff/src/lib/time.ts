export const toIso = (ms: number) => new Date(ms).toISOString();
export const toIsoOrNull = (ms: number | null | undefined) => (ms == null ? null : new Date(ms).toISOString());
