/**
 * "Apply to existing users": the template copied into people's personal records, merged (its channels added) or
 * replacing them, for everyone or a chosen set. The numbers come from the server's preview; applying asks first
 * and runs in one transaction on the server. Service users are never offered (the server refuses them too).
 */
import type { TUser } from '@tocsin/contract/auth';
import type { TApplyTemplateBody } from '@tocsin/contract/notification-admin';
import { useId, useMemo, useState } from 'react';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { ErrorMessage, SuccessMessage } from '../../../components/messages';
import { getErrorMessage } from '../../../lib/api-client';
import { useApplyTemplate } from '../api/apply-template';
import { usePreviewTemplate } from '../api/preview-template';

type TMode = TApplyTemplateBody['mode'];

const MODE_HELP: Record<TMode, string> = {
  merge: "Add the template's channels to each person's own; nothing they chose is removed.",
  replace: "Make each person's personal settings exactly the template; channels the template does not have are removed.",
};

const plural = (n: number, one: string, many: string) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

export function ApplyTemplate({ users }: { users: readonly TUser[] }) {
  const id = useId();
  const people = useMemo(() => users.filter((u) => !u.is_service), [users]);
  const [mode, setMode] = useState<TMode>('merge');
  const [who, setWho] = useState<'all' | 'chosen'>('all');
  const [chosen, setChosen] = useState<ReadonlySet<number>>(new Set());
  const [filter, setFilter] = useState('');
  const [isConfirming, setIsConfirming] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const apply = useApplyTemplate();

  const body: TApplyTemplateBody = { mode, users: who === 'all' ? 'all' : [...chosen].sort((a, b) => a - b), include_users: true };
  const hasTargets = who === 'all' || chosen.size > 0;
  const preview = usePreviewTemplate(body, { isEnabled: hasTargets });
  const numbers = hasTargets ? preview.data : undefined;

  const needle = filter.trim().toLowerCase();
  const shown = needle
    ? people.filter((u) => `${u.username} ${u.first_name} ${u.last_name} ${u.email}`.toLowerCase().includes(needle))
    : people;

  const toggle = (userId: number, checked: boolean) => {
    setDone(null);
    setChosen((current) => {
      const next = new Set(current);
      if (checked) next.add(userId);
      else next.delete(userId);
      return next;
    });
  };

  const confirm = async () => {
    try {
      const { include_users: _omit, ...applyBody } = body;
      const result = await apply.mutateAsync(applyBody);
      setIsConfirming(false);
      setDone(
        `Template applied: ${plural(result.users_changed, 'person', 'people')} and ${plural(result.settings_changed, 'setting', 'settings')} changed.`,
      );
    } catch {
      // The dialog shows the server's message (apply.error) and stays open.
    }
  };

  return (
    <section aria-labelledby={`${id}-heading`} className="stack">
      <h2 id={`${id}-heading`}>Apply to existing users</h2>
      <p className="muted">
        New users get the template automatically. Apply it to people who already have an account; each change is recorded and shown to them.
        Service users are never included.
      </p>

      <fieldset>
        <legend>Mode</legend>
        {(['merge', 'replace'] as const).map((m) => (
          <label key={m} className="choice">
            <input
              type="radio"
              name={`${id}-mode`}
              value={m}
              checked={mode === m}
              onChange={() => {
                setMode(m);
                setDone(null);
              }}
            />
            <span>
              <strong>{m === 'merge' ? 'Merge' : 'Replace'}</strong> — {MODE_HELP[m]}
            </span>
          </label>
        ))}
      </fieldset>

      <fieldset>
        <legend>Users</legend>
        <label className="choice">
          <input type="radio" name={`${id}-who`} checked={who === 'all'} onChange={() => setWho('all')} />
          <span>All people ({people.length.toLocaleString('en')})</span>
        </label>
        <label className="choice">
          <input type="radio" name={`${id}-who`} checked={who === 'chosen'} onChange={() => setWho('chosen')} />
          <span>Chosen people ({chosen.size.toLocaleString('en')} chosen)</span>
        </label>
        {who === 'chosen' && (
          <div className="stack">
            <div className="field field-narrow">
              <label htmlFor={`${id}-filter`}>Find people</label>
              <input id={`${id}-filter`} type="search" value={filter} onChange={(e) => setFilter(e.currentTarget.value)} />
            </div>
            <fieldset className="user-picker">
              <legend className="visually-hidden">People to apply the template to</legend>
              {shown.length === 0 && <p className="muted">No one matches.</p>}
              {shown.map((u) => (
                <label key={u.id}>
                  <input type="checkbox" checked={chosen.has(u.id)} onChange={(e) => toggle(u.id, e.currentTarget.checked)} />
                  <span>
                    {u.username}
                    {!u.is_active && <span className="muted"> (deactivated)</span>}
                  </span>
                </label>
              ))}
            </fieldset>
          </div>
        )}
      </fieldset>

      <div aria-live="polite">
        {!hasTargets && <p className="muted">Choose at least one person to see what would change.</p>}
        {hasTargets && preview.isPending && <p role="status">Counting what would change…</p>}
        {hasTargets && preview.isError && <ErrorMessage>{getErrorMessage(preview.error)}</ErrorMessage>}
        {numbers && (
          <div>
            <div className="template-numbers">
              <p>
                <strong>{numbers.users_changed.toLocaleString('en')}</strong> of {plural(numbers.users_considered, 'person', 'people')}{' '}
                would change
              </p>
              <p>
                <strong>{numbers.settings_changed.toLocaleString('en')}</strong> event × channel settings would change
              </p>
            </div>
            {numbers.users && numbers.users.length > 0 && (
              <details>
                <summary>Who would change</summary>
                <ul>
                  {numbers.users.map((u) => (
                    <li key={u.id}>
                      {u.username}: {plural(u.settings_changed, 'setting', 'settings')}
                    </li>
                  ))}
                </ul>
              </details>
            )}
          </div>
        )}
      </div>

      <div className="form-actions">
        <button
          type="button"
          className="button button-primary"
          disabled={!numbers || numbers.users_changed === 0 || apply.isPending}
          onClick={() => {
            apply.reset();
            setIsConfirming(true);
          }}
        >
          Apply template…
        </button>
        {numbers?.users_changed === 0 && <span className="field-hint">Nothing would change.</span>}
      </div>
      {done && <SuccessMessage>{done}</SuccessMessage>}

      <ConfirmDialog
        isOpen={isConfirming}
        title="Apply the template?"
        confirmLabel={mode === 'replace' ? 'Replace settings' : 'Merge settings'}
        isDanger={mode === 'replace'}
        isPending={apply.isPending}
        errorMessage={apply.isError ? getErrorMessage(apply.error) : null}
        onConfirm={confirm}
        onCancel={() => setIsConfirming(false)}
      >
        <p>
          {mode === 'replace' ? 'Replace' : 'Merge into'} the personal settings of {plural(numbers?.users_changed ?? 0, 'person', 'people')}
          : {plural(numbers?.settings_changed ?? 0, 'setting', 'settings')} change, all at once. Each person sees the change on their
          Notifications page.
        </p>
      </ConfirmDialog>
    </section>
  );
}
