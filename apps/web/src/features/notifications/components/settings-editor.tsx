/**
 * One notification settings record being edited: the matrix, a Save button, the inline result,
 * and the unsaved-changes guard. Used by the Notifications page (each scope) and the product page.
 */
import type { TSaveSettingsBody, TSettingsRecord } from '@tocsin/contract/notification-settings';
import { type FormEvent, useEffect, useState } from 'react';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { ErrorMessage, SuccessMessage } from '../../../components/messages';
import { getErrorMessage } from '../../../lib/api-client';
import { UNSAVED_CHANGES_MESSAGE, useUnsavedChanges } from '../hooks/use-unsaved-changes';
import { buildSaveBody, createSelection, isSelectionDirty, type TMatrixSelection } from '../utils/matrix';
import { NotificationMatrix } from './notification-matrix';

type TSettingsEditorProps = {
  record: TSettingsRecord;
  caption: string;
  successMessage: string;
  save: (body: TSaveSettingsBody) => Promise<TSettingsRecord>;
  isSaving: boolean;
  onDirtyChange?: (isDirty: boolean) => void;
};

export function SettingsEditor({ record, caption, successMessage, save, isSaving, onDirtyChange }: TSettingsEditorProps) {
  const [selection, setSelection] = useState<TMatrixSelection>(() => createSelection(record));
  const [result, setResult] = useState<{ kind: 'saved' } | { kind: 'error'; message: string } | null>(null);
  const isDirty = isSelectionDirty(record, selection);
  const blocker = useUnsavedChanges(isDirty);

  useEffect(() => {
    onDirtyChange?.(isDirty);
  }, [isDirty, onDirtyChange]);
  useEffect(() => () => onDirtyChange?.(false), [onDirtyChange]);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setResult(null);
    try {
      const saved = await save(buildSaveBody(record, selection));
      setSelection(createSelection(saved));
      setResult({ kind: 'saved' });
    } catch (error) {
      setResult({ kind: 'error', message: getErrorMessage(error) });
    }
  };

  return (
    <>
      <form onSubmit={onSubmit} aria-busy={isSaving}>
        <NotificationMatrix
          caption={caption}
          events={record.events}
          columns={record.columns}
          selection={selection}
          isDisabled={isSaving}
          onChange={(next) => {
            setSelection(next);
            setResult(null);
          }}
        />
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={isSaving || record.columns.length === 0}>
            {isSaving ? 'Saving…' : 'Save'}
          </button>
          {isDirty && !isSaving && <span className="muted">Unsaved changes</span>}
        </div>
        {result?.kind === 'saved' && <SuccessMessage>{successMessage}</SuccessMessage>}
        {result?.kind === 'error' && <ErrorMessage>{result.message}</ErrorMessage>}
      </form>
      <ConfirmDialog
        isOpen={blocker.state === 'blocked'}
        title="Unsaved changes"
        confirmLabel="Leave without saving"
        cancelLabel="Stay on this page"
        onConfirm={() => blocker.proceed?.()}
        onCancel={() => blocker.reset?.()}
      >
        <p>{UNSAVED_CHANGES_MESSAGE}</p>
      </ConfirmDialog>
    </>
  );
}
