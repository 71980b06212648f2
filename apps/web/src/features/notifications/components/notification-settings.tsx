/**
 * The Notifications page body: a superuser picks the scope (System, Personal, Template); everyone
 * else edits their personal record only. Switching scope with unsaved changes asks first.
 */
import { CHANNEL_LABELS, EXTERNAL_CHANNELS, SETTINGS_SCOPES, type TSettingsScope } from '@tocsin/contract/catalogue';
import type { TSettingsRecord } from '@tocsin/contract/notification-settings';
import { useCallback, useState } from 'react';
import { Link } from 'react-router-dom';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { ErrorMessage } from '../../../components/messages';
import { paths } from '../../../config/paths';
import { getErrorMessage } from '../../../lib/api-client';
import { UNSAVED_CHANGES_MESSAGE } from '../../../lib/unsaved-changes';
import { useEffectiveNotifications } from '../api/get-effective-notifications';
import { useNotificationSettings } from '../api/get-notification-settings';
import { useUpdateNotificationSettings } from '../api/update-notification-settings';
import { findInheritedCells, reachesNoProduct } from '../utils/inherited';
import { SettingsEditor } from './settings-editor';

const SCOPE_LABELS: Record<TSettingsScope, string> = { system: 'System', personal: 'Personal', template: 'Template' };

const SCOPE_EXPLANATIONS: Record<TSettingsScope, string> = {
  system: 'System-wide notifications apply to all products and all users. Users cannot opt out of them.',
  personal: 'Personal notifications apply to every product you can see, in addition to the system-wide ones.',
  template: 'The template is copied into the personal notifications of every user created from now on.',
};

/** "Mail and Slack": the external channels that have no column in this record because System Settings switched them off. */
function describeSwitchedOff(record: TSettingsRecord): { names: string; isMany: boolean } | null {
  const off = EXTERNAL_CHANNELS.filter((c) => !record.columns.includes(c)).map((c) => CHANNEL_LABELS[c]);
  if (off.length === 0) return null;
  const names = off.length === 1 ? String(off[0]) : `${off.slice(0, -1).join(', ')} and ${off.at(-1)}`;
  return { names, isMany: off.length > 1 };
}

export function NotificationSettings({
  isSuperuser,
  initialScope,
  onSaved,
}: {
  isSuperuser: boolean;
  initialScope?: TSettingsScope;
  /** After a save: other pages may count what this record routes (System Settings counts the System events per channel). */
  onSaved?: (scope: TSettingsScope) => void;
}) {
  const [scope, setScope] = useState<TSettingsScope>(isSuperuser && initialScope ? initialScope : 'personal');
  const [pendingScope, setPendingScope] = useState<TSettingsScope | null>(null);
  const [isDirty, setIsDirty] = useState(false);
  const settings = useNotificationSettings(scope);
  const update = useUpdateNotificationSettings();
  // The personal matrix shows what the system record already sends me (checked, marked, not editable here).
  const effective = useEffectiveNotifications(undefined, { isEnabled: scope === 'personal' });
  const inherited = scope === 'personal' && effective.data ? findInheritedCells(effective.data, 'personal') : undefined;
  const onDirtyChange = useCallback((dirty: boolean) => setIsDirty(dirty), []);
  // The System scope names the channels switched off, which have no column here, with the way to switch them on.
  const switchedOff = scope === 'system' && settings.data ? describeSwitchedOff(settings.data) : null;

  const chooseScope = (next: TSettingsScope) => {
    if (next === scope) return;
    if (isDirty) setPendingScope(next);
    else switchScope(next);
  };
  const switchScope = (next: TSettingsScope) => {
    setPendingScope(null);
    setIsDirty(false);
    update.reset();
    setScope(next);
  };

  return (
    <div className="stack">
      {isSuperuser && (
        <div className="field field-narrow">
          <label htmlFor="notification-scope">Scope</label>
          <select
            id="notification-scope"
            value={scope}
            aria-describedby="notification-scope-help"
            onChange={(e) => chooseScope(e.currentTarget.value as TSettingsScope)}
          >
            {SETTINGS_SCOPES.map((s) => (
              <option key={s} value={s}>
                {SCOPE_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
      )}
      <p id="notification-scope-help" className="muted">
        {SCOPE_EXPLANATIONS[scope]}
      </p>

      {settings.isPending && (
        <p role="status" aria-live="polite">
          Loading notification settings…
        </p>
      )}
      {settings.isError && <ErrorMessage>{getErrorMessage(settings.error)}</ErrorMessage>}
      {switchedOff && (
        <p className="message message-warning">
          {switchedOff.names} {switchedOff.isMany ? 'are' : 'is'} switched off in System Settings, so{' '}
          {switchedOff.isMany ? 'they have' : 'it has'} no column here and nothing is sent there.{' '}
          <Link to={paths.systemSettings.getHref()}>Switch channels on in System Settings</Link>.
        </p>
      )}
      {scope === 'personal' && effective.data && reachesNoProduct(effective.data) && (
        <p className="message message-warning">
          You cannot see any product or product type yet, so events about products will not reach you, whatever is ticked here. Mentions and
          review requests still do. Ask a superuser for access.
        </p>
      )}
      {scope === 'personal' && inherited && Object.keys(inherited).length > 0 && (
        <p className="muted">
          Boxes marked “from System settings” reach you already; they are set by a superuser and cannot be turned off here.
        </p>
      )}
      {settings.data && (
        <SettingsEditor
          inherited={inherited}
          // A fresh editor per scope: the draft of one scope never leaks into another.
          key={scope}
          record={settings.data}
          caption={`${SCOPE_LABELS[scope]} notifications`}
          successMessage="Settings saved."
          isSaving={update.isPending}
          save={async (body) => {
            const saved = await update.mutateAsync({ scope, body });
            onSaved?.(scope);
            return saved;
          }}
          onDirtyChange={onDirtyChange}
        />
      )}

      <ConfirmDialog
        isOpen={pendingScope !== null}
        title="Unsaved changes"
        confirmLabel="Switch without saving"
        cancelLabel="Stay on this scope"
        onConfirm={() => pendingScope && switchScope(pendingScope)}
        onCancel={() => setPendingScope(null)}
      >
        <p>{UNSAVED_CHANGES_MESSAGE}</p>
      </ConfirmDialog>
    </div>
  );
}
