/**
 * Which parts of the page hold unsaved edits. Every form reports here (hooks/use-unsaved-changes.ts), and
 * one guard in the layout asks before leaving: React Router honours only one navigation blocker at a time,
 * so several forms on one page (the profile has three) could not each hold their own.
 */

const dirtySources = new Set<string>();
const listeners = new Set<() => void>();

export const UNSAVED_CHANGES_MESSAGE = 'You have unsaved changes. Leave without saving?';

export function setUnsavedChanges(source: string, isDirty: boolean) {
  if (dirtySources.has(source) === isDirty) return;
  if (isDirty) dirtySources.add(source);
  else dirtySources.delete(source);
  for (const listener of listeners) listener();
}

export function hasUnsavedChanges(): boolean {
  return dirtySources.size > 0;
}

export function subscribeUnsavedChanges(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
