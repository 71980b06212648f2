/**
 * Add or edit a rule: events, conditions, and where matching events go (channels for a personal rule, named
 * destinations for a system rule). Before saving it shows how many of the last 30 days' events the rule would
 * have matched, with a few examples: the preview follows the input as it is typed. The contract's zod schema
 * checks the input in the browser first; the server's message is shown when it refuses.
 */
import { CHANNEL_LABELS, EVENTS, type TEventName } from '@tocsin/contract/catalogue';
import { SEVERITIES, type TSeverity } from '@tocsin/contract/findings';
import {
  PERSONAL_RULE_CHANNELS,
  type TRule,
  type TRuleConditionsInput,
  type TRuleScope,
  ZPersonalRuleBody,
  ZRulePreviewBody,
  ZSystemRuleBody,
} from '@tocsin/contract/rules';
import { type FormEvent, useDeferredValue, useEffect, useId, useMemo, useRef, useState } from 'react';
import { ErrorMessage, SuccessMessage } from '../../../components/messages';
import { RelativeTime } from '../../../components/relative-time';
import { getErrorMessage } from '../../../lib/api-client';
import { useRulePreview } from '../api/preview-rule';
import { useSaveRule } from '../api/save-rule';

export type TOption = { id: number; name: string };

/** A superuser editing another user's personal rules: whose they are. */
export type TRuleOwner = { id: number; username: string };

export type TRuleValues = {
  name: string;
  enabled: boolean;
  events: TEventName[];
  channels: string[];
  destinationIds: number[];
  productTypeIds: number[];
  productIds: number[];
  tags: string;
  minSeverity: TSeverity | '';
  minCount: string;
  countSeverity: TSeverity;
  tool: string;
  onlyNew: boolean;
};

function toValues(rule?: TRule): TRuleValues {
  const c = rule?.conditions;
  return {
    name: rule?.name ?? '',
    enabled: rule?.enabled ?? true,
    events: rule?.events ?? [],
    channels: rule?.channels ?? ['alert'],
    destinationIds: rule?.destination_ids ?? [],
    productTypeIds: c?.product_type_ids ?? [],
    productIds: c?.product_ids ?? [],
    tags: c?.product_tags.join(', ') ?? '',
    minSeverity: c?.min_severity ?? '',
    minCount: c?.min_findings ? String(c.min_findings.count) : '',
    countSeverity: c?.min_findings?.severity ?? 'High',
    tool: c?.tool ?? '',
    onlyNew: c?.only_new ?? false,
  };
}

/** The conditions as the API takes them; empty fields are "any". */
export function toConditions(v: TRuleValues): TRuleConditionsInput {
  const tags = v.tags
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t !== '');
  return {
    product_type_ids: v.productTypeIds,
    product_ids: v.productIds,
    product_tags: [...new Set(tags)],
    min_severity: v.minSeverity === '' ? null : v.minSeverity,
    min_findings: v.minCount.trim() === '' ? null : { count: Number(v.minCount), severity: v.countSeverity },
    tool: v.tool.trim() === '' ? null : v.tool.trim(),
    only_new: v.onlyNew,
  };
}

const toggle = <T,>(list: readonly T[], item: T, isOn: boolean) => (isOn ? [...list, item] : list.filter((x) => x !== item));

function CheckboxGroup<T extends string | number>({
  legend,
  options,
  selected,
  onChange,
  hint,
}: {
  legend: string;
  options: readonly { value: T; label: string }[];
  selected: readonly T[];
  onChange: (next: T[]) => void;
  hint?: string;
}) {
  const id = useId();
  return (
    <fieldset className="field" aria-describedby={hint ? `${id}-hint` : undefined}>
      <legend>{legend}</legend>
      {hint && (
        <p className="muted" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      <div className="checkbox-grid">
        {options.map((o) => (
          <label key={String(o.value)} className="checkbox">
            <input
              type="checkbox"
              checked={selected.includes(o.value)}
              onChange={(e) => onChange(toggle(selected, o.value, e.target.checked))}
            />{' '}
            {o.label}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

export function RuleEditor({
  scope,
  rule,
  productTypes,
  products,
  destinations,
  owner,
  onChanged,
  onDone,
}: {
  scope: TRuleScope;
  /** The rule to edit; absent to add one. */
  rule?: TRule;
  /** Personal rules of another user (a superuser's page of that user); absent for the caller's own. */
  owner?: TRuleOwner;
  /** After a save, for what else follows the rules (the owner's change history). */
  onChanged?: () => void;
  productTypes: readonly TOption[];
  products: readonly TOption[];
  /** System rules: the destinations to choose from. */
  destinations: readonly TOption[];
  onDone?: () => void;
}) {
  const id = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const isEdit = rule !== undefined;
  const [values, setValues] = useState<TRuleValues>(() => toValues(rule));
  const [problem, setProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const save = useSaveRule(scope, owner?.id, onChanged);
  const set = <K extends keyof TRuleValues>(key: K, value: TRuleValues[K]) => {
    setValues((v) => ({ ...v, [key]: value }));
    setSaved(null);
    setProblem(null);
    save.reset();
  };

  useEffect(() => {
    if (isEdit) headingRef.current?.focus();
  }, [isEdit]);

  // The preview follows the input; a deferred value keeps typing smooth, and invalid input asks nothing.
  const deferred = useDeferredValue(values);
  const previewBody = useMemo(() => {
    const parsed = ZRulePreviewBody.safeParse({ events: deferred.events, conditions: toConditions(deferred) });
    return parsed.success ? { events: deferred.events, conditions: toConditions(deferred) } : null;
  }, [deferred]);
  const preview = useRulePreview(scope, previewBody, owner?.id);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const common = { name: values.name, enabled: values.enabled, events: values.events, conditions: toConditions(values) };
    const onSuccess = () => {
      setSaved(isEdit ? 'Rule saved.' : `Rule “${values.name}” added.`);
      if (isEdit) onDone?.();
      else setValues(toValues());
    };
    if (scope === 'personal') {
      const body = { ...common, channels: values.channels };
      const parsed = ZPersonalRuleBody.safeParse(body);
      if (!parsed.success) return setProblem(describeIssues(parsed.error.issues));
      save.mutate({ scope, id: rule?.id ?? null, body: body as never, userId: owner?.id }, { onSuccess });
    } else {
      const body = { ...common, destination_ids: values.destinationIds };
      const parsed = ZSystemRuleBody.safeParse(body);
      if (!parsed.success) return setProblem(describeIssues(parsed.error.issues));
      save.mutate({ scope, id: rule?.id ?? null, body }, { onSuccess });
    }
  };

  const what = scope === 'system' ? 'system rule' : 'rule';
  return (
    <form className="card stack" aria-labelledby={`${id}-heading`} onSubmit={onSubmit} noValidate>
      <h2 id={`${id}-heading`} ref={headingRef} tabIndex={-1}>
        {isEdit ? `Edit ${what} ${rule.name}` : owner ? `Add ${what} for ${owner.username}` : `Add ${what}`}
      </h2>
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input id={`${id}-name`} value={values.name} maxLength={100} onChange={(e) => set('name', e.target.value)} />
        </div>
        <label className="checkbox">
          <input type="checkbox" checked={values.enabled} onChange={(e) => set('enabled', e.target.checked)} /> Enabled
        </label>
      </div>
      <CheckboxGroup
        legend="Events"
        options={EVENTS.map((e) => ({ value: e.name, label: e.label }))}
        selected={values.events}
        onChange={(next) => set('events', next)}
      />
      <fieldset className="field stack">
        <legend>Conditions (all must hold; empty means any)</legend>
        {productTypes.length > 0 && (
          <CheckboxGroup
            legend="Product types"
            options={productTypes.map((p) => ({ value: p.id, label: p.name }))}
            selected={values.productTypeIds}
            onChange={(next) => set('productTypeIds', next)}
          />
        )}
        {products.length > 0 && (
          <CheckboxGroup
            legend="Products"
            options={products.map((p) => ({ value: p.id, label: p.name }))}
            selected={values.productIds}
            onChange={(next) => set('productIds', next)}
          />
        )}
        <div className="field-row">
          <div className="field">
            <label htmlFor={`${id}-tags`}>Product tags</label>
            <input
              id={`${id}-tags`}
              value={values.tags}
              aria-describedby={`${id}-tags-hint`}
              onChange={(e) => set('tags', e.target.value)}
            />
            <p className="field-hint" id={`${id}-tags-hint`}>
              Comma-separated; the product needs one of them.
            </p>
          </div>
          <div className="field">
            <label htmlFor={`${id}-severity`}>Finding severity at least</label>
            <select id={`${id}-severity`} value={values.minSeverity} onChange={(e) => set('minSeverity', e.target.value as TSeverity | '')}>
              <option value="">Any</option>
              {SEVERITIES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-tool`}>Tool</label>
            <input id={`${id}-tool`} value={values.tool} maxLength={100} onChange={(e) => set('tool', e.target.value)} />
          </div>
        </div>
        <div className="field-row">
          <div className="field">
            <label htmlFor={`${id}-count`}>Contains at least (findings)</label>
            <input
              id={`${id}-count`}
              type="number"
              inputMode="numeric"
              min={1}
              max={100}
              value={values.minCount}
              onChange={(e) => set('minCount', e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-count-severity`}>of severity at least</label>
            <select
              id={`${id}-count-severity`}
              value={values.countSeverity}
              onChange={(e) => set('countSeverity', e.target.value as TSeverity)}
            >
              {SEVERITIES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </div>
          <label className="checkbox">
            <input type="checkbox" checked={values.onlyNew} onChange={(e) => set('onlyNew', e.target.checked)} /> Only new or reactivated
            findings
          </label>
        </div>
      </fieldset>
      {scope === 'personal' ? (
        <CheckboxGroup
          legend="Channels"
          hint={
            owner
              ? `Added to the personal settings of ${owner.username} for matching events, at their own destinations; they hear only about products they may see.`
              : 'Added to your personal settings for matching events, at your own destinations; you hear only about products you may see.'
          }
          options={PERSONAL_RULE_CHANNELS.map((c) => ({ value: c as string, label: CHANNEL_LABELS[c] }))}
          selected={values.channels}
          onChange={(next) => set('channels', next)}
        />
      ) : destinations.length === 0 ? (
        <p className="muted">Add a destination on the Destinations page first: system rules send to named destinations.</p>
      ) : (
        <CheckboxGroup
          legend="Destinations"
          options={destinations.map((d) => ({ value: d.id, label: d.name }))}
          selected={values.destinationIds}
          onChange={(next) => set('destinationIds', next)}
        />
      )}
      <RulePreview preview={preview} hasValidInput={previewBody !== null} viewer={owner?.username ?? 'you'} />
      {problem && <ErrorMessage>{problem}</ErrorMessage>}
      {save.isError && <ErrorMessage>{getErrorMessage(save.error)}</ErrorMessage>}
      {saved && <SuccessMessage>{saved}</SuccessMessage>}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : isEdit ? 'Save rule' : 'Add rule'}
        </button>
        {isEdit && (
          <button type="button" className="button" onClick={onDone}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}

function describeIssues(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  return issues.map((i) => `${i.path.join('.') || 'rule'}: ${i.message}`).join('; ');
}

function RulePreview({
  preview,
  hasValidInput,
  viewer,
}: {
  preview: ReturnType<typeof useRulePreview>;
  hasValidInput: boolean;
  /** Whose view the count is: "you", or the owner's name. */
  viewer: string;
}) {
  return (
    <section className="card-inset" aria-labelledby="rule-preview-heading" aria-live="polite">
      <h3 id="rule-preview-heading">Preview</h3>
      {!hasValidInput ? (
        <p className="muted">Choose at least one event to see what the rule would have matched.</p>
      ) : preview.isError ? (
        <ErrorMessage>{getErrorMessage(preview.error)}</ErrorMessage>
      ) : !preview.data ? (
        <p role="status">Counting…</p>
      ) : (
        <>
          <p data-testid="rule-preview-count">
            Would have matched <strong>{preview.data.matched}</strong> of the {preview.data.considered} events of the last{' '}
            {preview.data.days} days that {viewer} can see.
          </p>
          {preview.data.examples.length > 0 && (
            <ul aria-label="Examples of matching events">
              {preview.data.examples.map((e) => (
                <li key={e.event_id}>
                  {e.title}
                  {e.product && <span className="muted"> · {e.product.name}</span>} · <RelativeTime value={e.created_at} />
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
