import { useEffect, useId, useSyncExternalStore } from 'react';
import { type BlockerFunction, useBlocker } from 'react-router-dom';
import { paths } from '../config/paths';
import { hasUnsavedChanges, setUnsavedChanges, subscribeUnsavedChanges } from '../lib/unsaved-changes';

/** A form says whether it holds unsaved edits; the layout's guard asks before they are lost. */
export function useReportUnsavedChanges(isDirty: boolean) {
  const source = useId();
  useEffect(() => {
    setUnsavedChanges(source, isDirty);
  }, [source, isDirty]);
  // A form that goes away (saved and closed, or its page left after confirming) no longer holds anything.
  useEffect(() => () => setUnsavedChanges(source, false), [source]);
}

export function useHasUnsavedChanges(): boolean {
  return useSyncExternalStore(subscribeUnsavedChanges, hasUnsavedChanges, hasUnsavedChanges);
}

/**
 * Holds in-app navigation while any form is dirty: the caller shows a confirm dialog while
 * `blocker.state === 'blocked'`. Never blocks the way to the login page: that navigation means the
 * session ended (or the person logged out), and a prompt could not save anything anyway.
 */
export const shouldBlockNavigation: BlockerFunction = ({ currentLocation, nextLocation }) =>
  hasUnsavedChanges() &&
  nextLocation.pathname !== paths.login.path &&
  (currentLocation.pathname !== nextLocation.pathname || currentLocation.search !== nextLocation.search);

export function useUnsavedChangesGuard() {
  const isDirty = useHasUnsavedChanges();
  const blocker = useBlocker(shouldBlockNavigation);

  // Closing or reloading the tab: the browser's own prompt.
  useEffect(() => {
    if (!isDirty) return;
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      // Older browsers show the prompt only when returnValue is set.
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [isDirty]);

  // Saving (or undoing the edits) while the dialog is open lets the held navigation go on.
  useEffect(() => {
    if (blocker.state === 'blocked' && !isDirty) blocker.proceed();
  }, [blocker, isDirty]);

  return blocker;
}
