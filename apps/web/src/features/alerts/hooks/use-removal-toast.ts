/**
 * The toast after alerts are removed (Remove selected, Clear all): the removal already reached the server,
 * so the bell count has dropped; Undo asks the server to restore exactly those alerts.
 */
import type { RefObject } from 'react';
import { useToast } from '../../../components/toast';
import { getErrorMessage } from '../../../lib/api-client';
import { useRestoreAlerts } from '../api/restore-alerts';

const plural = (n: number) => (n === 1 ? '1 alert' : `${n} alerts`);

export function formatRemovalMessage(kind: 'removed' | 'cleared', count: number): string {
  return kind === 'removed' ? `Removed ${plural(count)}.` : `Cleared ${plural(count)}.`;
}

export function useRemovalToast() {
  const { showToast } = useToast();
  const restore = useRestoreAlerts();

  return function announceRemoval({
    kind,
    removed,
    ids,
    isActionFocused = false,
    returnFocusTo,
  }: {
    kind: 'removed' | 'cleared';
    removed: number;
    /** What was removed; without it (an older BFF's Clear all) there is nothing to undo. */
    ids: readonly number[] | undefined;
    isActionFocused?: boolean;
    returnFocusTo?: RefObject<HTMLElement | null>;
  }) {
    const canUndo = ids !== undefined && ids.length > 0 && removed > 0;
    showToast({
      message: formatRemovalMessage(kind, removed),
      tone: 'success',
      isActionFocused: canUndo && isActionFocused,
      returnFocusTo,
      action: canUndo
        ? {
            label: 'Undo',
            onAction: () =>
              restore.mutateAsync(ids).then(
                (result) => showToast({ message: `Restored ${plural(result.restored)}.`, tone: 'success', returnFocusTo }),
                (error: unknown) => showToast({ message: `Could not undo: ${getErrorMessage(error)}`, tone: 'error', returnFocusTo }),
              ),
          }
        : undefined,
    });
  };
}
