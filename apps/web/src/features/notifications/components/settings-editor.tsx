/**
 * One notification settings record being edited: the matrix, a Save button, the inline result,
 * and its report to the unsaved-changes guard. Used by the Notifications page (each scope) and the product page.
 */
import type { TSaveSettingsBody, TSettingsRecord } from '@tocsin/contract/notification-settings';
import { type FormEvent, useEffect, useState } from 'react';
import { FormError, SubmitButton } from '../../../components/form/fields';
import { SuccessMessage } from '../../../components/messages';
import { useReportUnsavedChanges } from '../../../hooks/use-unsaved-changes';
import { getErrorMessage } from '../../../lib/api-client';
import type { TInheritedCells } from '../utils/inherited';
import { buildSaveBody, createSelection, isSelectionDirty, type TMatrixSelection } from '../utils/matrix';
import { NotificationMatrix } from './notification-matrix';

type TSettingsEditorProps = {
  record: TSettingsRecord;
  caption: string;
  successMessage: string;
  save: (body: TSaveSettingsBody) => Promise<TSettingsRecord>;
  isSaving: boolean;
  onDirtyChange?: (isDirty: boolean) => void;
  /** Cells already received through another record (shown checked and marked, not editable here). */
  inherited?: TInheritedCells;
};

export function SettingsEditor({ record, caption, successMessage, save, isSaving, onDirtyChange, inherited }: TSettingsEditorProps) {
  const [selection, setSelection] = useState<TMatrixSelection>(() => createSelection(record));
  const [result, setResult] = useState<{ kind: 'saved' } | { kind: 'error'; message: string } | null>(null);
  const isDirty = isSelectionDirty(record, selection);
  useReportUnsavedChanges(isDirty);

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
    <form onSubmit={onSubmit} aria-busy={isSaving}>
      <NotificationMatrix
        caption={caption}
        events={record.events}
        columns={record.columns}
        selection={selection}
        isDisabled={isSaving}
        inherited={inherited}
        onChange={(next) => {
          setSelection(next);
          setResult(null);
        }}
      />
      <div className="form-actions">
        <SubmitButton isPending={isSaving} pendingLabel="Saving…" disabled={record.columns.length === 0}>
          Save
        </SubmitButton>
        {isDirty && !isSaving && <span className="field-hint">Unsaved changes</span>}
      </div>
      {result?.kind === 'saved' && <SuccessMessage>{successMessage}</SuccessMessage>}
      <FormError message={result?.kind === 'error' ? result.message : null} />
    </form>
  );
}
